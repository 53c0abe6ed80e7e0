/**
 * Completion of compose keys: the keys the Compose schema allows in the
 * mapping at a given line, found from the indentation of the lines above.
 * Pure; the editor turns the answer into suggestions.
 */
import composeSchema from "../../../node_modules/dclint/schemas/compose.schema.json";

type Schema = {
  $ref?: string;
  properties?: Record<string, Schema & { description?: string }>;
  patternProperties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  type?: string | string[];
  description?: string;
};

const root = composeSchema as unknown as Schema & { definitions: Record<string, Schema> };

function deref(s: Schema | undefined): Schema | undefined {
  let seen = 0;
  while (s?.$ref && seen++ < 10) s = root.definitions[s.$ref.replace("#/definitions/", "")];
  return s;
}

/** The object schemas a value may be (through $ref, oneOf and anyOf). */
function objectsOf(s: Schema | undefined): Schema[] {
  const d = deref(s);
  if (!d) return [];
  const branches = [...(d.oneOf ?? []), ...(d.anyOf ?? [])].flatMap(objectsOf);
  return d.properties || d.patternProperties || (typeof d.additionalProperties === "object" && d.additionalProperties) ? [d, ...branches] : branches;
}

function listItemsOf(s: Schema | undefined): Schema[] {
  const d = deref(s);
  if (!d) return [];
  return [...(d.items ? [d.items] : []), ...[...(d.oneOf ?? []), ...(d.anyOf ?? [])].flatMap(listItemsOf)];
}

/** The schema of a child value: a named property, or any name (services, networks...). */
function child(s: Schema, key: string): Schema | undefined {
  if (s.properties?.[key]) return s.properties[key];
  for (const [pattern, value] of Object.entries(s.patternProperties ?? {})) if (new RegExp(pattern).test(key)) return value;
  return typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
}

interface Step {
  key: string;
  /** The mapping below the key is an item of a list under it (`key:` then `- a: b`). */
  throughList: boolean;
}

const LINE = /^(\s*)(-\s+)?(?:([A-Za-z0-9_.-]+)\s*:(?:\s|$))?/;

/** The keys that contain the place where a key would start at `line`, outermost first. */
function pathAt(lines: string[], line: number, column: number): Step[] {
  const before = (lines[line - 1] ?? "").slice(0, column - 1);
  const here = /^(\s*)(-\s+)?/.exec(before)!;
  let target = here[0].length; // where this mapping's keys start
  let inList = !!here[2];
  if (inList) target = here[1]!.length; // the list item's dash
  const steps: Step[] = [];
  for (let i = line - 2; i >= 0 && target > 0; i--) {
    const text = lines[i]!;
    if (!text.trim() || text.trimStart().startsWith("#")) continue;
    const m = LINE.exec(text)!;
    const dash = m[1]!.length;
    const keyColumn = dash + (m[2]?.length ?? 0);
    if (m[2] && keyColumn === target && !inList) {
      // The first key of a list item's mapping, the one this place belongs to.
      inList = true;
      target = dash;
      continue;
    }
    if (!m[3] || keyColumn >= target) continue; // deeper, a sibling, or a plain list value
    steps.unshift({ key: m[3], throughList: inList });
    inList = !!m[2];
    target = m[2] ? dash : keyColumn;
  }
  return steps;
}

export interface KeySuggestion {
  key: string;
  description?: string;
}

/** Keys allowed at `line`/`column` (1-based) of a compose file; empty when the place is not a mapping key. */
export function composeKeysAt(content: string, line: number, column: number): KeySuggestion[] {
  const steps = pathAt(content.split("\n"), line, column);
  let schemas: Schema[] = [root];
  for (const step of steps) {
    schemas = schemas.flatMap(objectsOf).flatMap((s) => {
      const c = child(s, step.key);
      return c ? [c] : [];
    });
    if (step.throughList) schemas = schemas.flatMap(listItemsOf);
    if (schemas.length === 0) return [];
  }
  const keys = new Map<string, string | undefined>();
  for (const s of schemas.flatMap(objectsOf)) {
    for (const [key, value] of Object.entries(s.properties ?? {})) {
      if (!key.startsWith("x-") && !keys.has(key)) keys.set(key, value.description ?? deref(value)?.description);
    }
  }
  return [...keys].map(([key, description]) => ({ key, ...(description ? { description } : {}) }));
}
