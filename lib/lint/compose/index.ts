/**
 * Compose file diagnostics: YAML syntax, the Compose schema, and what the
 * schema cannot say (addresses, references between sections, host ports,
 * image names). Runs in the browser and on the server.
 */
import { LineCounter, parseDocument, type YAMLError } from "yaml";
import type { Diagnostic } from "../../protocol";
import { checkAddresses } from "./addresses";
import { isMapping, type Compose, type Finding } from "./finding";
import { checkImages } from "./image-ref";
import { Locator } from "./locate";
import { checkPorts } from "./ports";
import { checkReferences } from "./references";
import { checkSchema } from "./schema";

export function lintCompose(content: string): Diagnostic[] {
  const lines = new LineCounter();
  const doc = parseDocument(content, { lineCounter: lines, merge: true, prettyErrors: false, uniqueKeys: true });
  const locator = new Locator(doc, lines, content);
  const syntax = [...doc.errors.map((e) => yamlDiagnostic(e, "error", content, locator)), ...doc.warnings.map((e) => yamlDiagnostic(e, "warning", content, locator))];
  // A file YAML cannot read is not checked further: Compose would stop there too.
  if (doc.errors.length > 0) return sorted(syntax);
  if (doc.contents === null) return sorted(syntax); // empty, or only comments

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    return sorted([...syntax, { ...locator.span([]), severity: "error", source: "compose", code: "yaml", message: `This YAML cannot be read: ${(e as Error).message}` }]);
  }
  const findings = checkSchema(value);
  if (isMapping(value)) {
    const compose: Compose = value;
    findings.push(...obsoleteVersion(compose), ...checkAddresses(compose), ...checkReferences(compose), ...checkPorts(compose), ...checkImages(compose));
  }
  const lineOf = (path: Finding["path"], part?: Finding["part"]) => locator.line(path, part);
  const diagnostics: Diagnostic[] = findings.map((f) => ({
    ...locator.span(f.path, f.part),
    severity: f.severity ?? "error",
    message: typeof f.message === "function" ? f.message(lineOf) : f.message,
    source: "compose",
    code: f.code,
  }));
  return sorted([...syntax, ...diagnostics]);
}

/** Compose v2 ignores `version:` and warns about it. */
function obsoleteVersion(compose: Compose): Finding[] {
  if (compose.version === undefined) return [];
  return [{ path: ["version"], part: "key", severity: "warning", code: "obsolete-version", message: "`version` is obsolete: Compose ignores it. Remove the line." }];
}

function yamlDiagnostic(e: YAMLError, severity: Diagnostic["severity"], content: string, locator: Locator): Diagnostic {
  let span = locator.toSpan(e.pos[0], e.pos[1]);
  let message = e.message;
  if (e.code === "DUPLICATE_KEY") {
    const key = /^("[^"\n]*"|'[^'\n]*'|[^\s:][^:\n]*?)\s*:/.exec(content.slice(e.pos[0]))?.[1] ?? "";
    if (key) span = locator.toSpan(e.pos[0], e.pos[0] + key.length);
    message = `Duplicate key${key ? ` \`${key}\`` : ""}: a key may appear only once in the same mapping. Merge the two entries into one.`;
  } else if (e.code === "TAB_AS_INDENT") {
    message = "A tab is used for indentation; YAML allows only spaces. Replace the tab with spaces.";
  }
  return { ...span, severity, message, source: "compose", code: `yaml-${e.code.toLowerCase().replace(/_/g, "-")}` };
}

const sorted = (diagnostics: Diagnostic[]) => diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
