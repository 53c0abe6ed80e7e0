/**
 * Validation against the Compose Specification's JSON schema, with Ajv's
 * errors turned into messages for people ("Unknown key `port` in service
 * `web`. Did you mean `ports`?").
 */
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
// The schema ships in dclint, whose exports map hides it: a relative path
// reaches it in Node (tsx) and in the browser bundle alike, and nothing is
// copied into this repository. It is JSON Schema draft-07.
import composeSchema from "../../../node_modules/dclint/schemas/compose.schema.json";
import { didYouMean } from "../suggest";
import type { Finding } from "./finding";
import type { Path } from "./locate";

type Schema = Record<string, unknown>;

let validator: ValidateFunction | undefined;

/** Compiled on first use (about a tenth of a second), then kept. */
function compiled(): ValidateFunction {
  if (!validator) {
    // Ajv 8 knows draft-07 by another `$schema` URL than the file's; the
    // keywords are the same, so the declaration is left out.
    const { $schema: _declared, ...schema } = composeSchema as Schema;
    validator = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(schema);
  }
  return validator;
}

export function checkSchema(value: unknown): Finding[] {
  const validate = compiled();
  if (validate(value)) return [];
  return simplify(validate.errors ?? []).map(toFinding);
}

// ------------------------------------------------------------ simplifying

/**
 * Ajv reports every branch of a failed oneOf/anyOf: a port given as a
 * mapping with a typo yields "must be number", "must be string", the typo,
 * and "must match exactly one schema". Keep what explains the mistake:
 * the branch that got furthest into the value; if every branch failed on the
 * value's type, one error listing the types that would do.
 */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  let kept = [...errors];
  const choices = errors
    .filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf")
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const choice of choices) {
    if (!kept.includes(choice)) continue;
    const prefix = `${choice.schemaPath}/`;
    const inBranch = kept.filter((e) => e.schemaPath.startsWith(prefix) && isWithin(e.instancePath, choice.instancePath));
    if (inBranch.length === 0) continue; // more than one branch matched: keep the generic error
    const branchOf = (e: ErrorObject) => e.schemaPath.slice(prefix.length).split("/")[0]!;
    // How far into the value a branch got; at the same depth, a branch whose
    // type matched (its error is not "type") got further.
    const depth = (e: ErrorObject) => e.instancePath.split("/").length + (e.keyword === "type" ? 0 : 0.5);
    const best = Math.max(...inBranch.map(depth));
    const typeOnly = inBranch.every((e) => e.keyword === "type" && e.instancePath === choice.instancePath);
    let replacement: ErrorObject[];
    if (typeOnly) {
      const types = [...new Set(inBranch.flatMap((e) => typesOf(e)))];
      replacement = [{ ...inBranch[0]!, params: { type: types.join(",") } }];
    } else {
      const winner = branchOf(inBranch.find((e) => depth(e) === best)!);
      replacement = inBranch.filter((e) => branchOf(e) === winner);
    }
    kept = kept.filter((e) => e !== choice && !inBranch.includes(e));
    kept.push(...replacement);
  }
  // "must be object" next to errors inside that object's own keys says nothing more.
  return kept.filter((e) => !(e.keyword === "type" && kept.some((o) => o !== e && o.keyword !== "type" && o.instancePath === e.instancePath)));
}

const isWithin = (path: string, parent: string) => path === parent || path.startsWith(`${parent}/`);

function typesOf(e: ErrorObject): string[] {
  const type = (e.params as { type?: string | string[] }).type;
  return Array.isArray(type) ? type : String(type).split(",");
}

// ------------------------------------------------------------ messages

/** "/services/web/ports/0" -> ["services", "web", "ports", 0] */
function pathOf(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const OWNERS: Record<string, string> = { services: "service", networks: "network", volumes: "volume", secrets: "secret", configs: "config", models: "model" };

/** Where a path is, for people: "service `web`", "`healthcheck.test` in service `web`". */
export function describe(path: Path): string {
  if (path.length === 0) return "the top level of the file";
  const [top, name, ...rest] = path;
  const owner = OWNERS[String(top)];
  if (owner && name !== undefined) {
    const inner = `${owner} \`${name}\``;
    return rest.length ? `\`${dotted(rest)}\` in ${inner}` : inner;
  }
  return `\`${dotted(path)}\``;
}

const dotted = (path: Path) => path.map((s, i) => (typeof s === "number" ? `[${s}]` : i ? `.${s}` : s)).join("");

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  integer: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping of keys to values",
  null: "empty",
};

/** One-line examples, by the key whose value has the wrong type. */
const EXAMPLES: Record<string, string> = {
  services: "services: { web: { image: nginx } }",
  ports: 'ports: ["8080:80"]',
  expose: 'expose: ["3000"]',
  volumes: 'volumes: ["data:/var/lib/data", "./src:/app/src"]',
  environment: "environment: { NODE_ENV: production }",
  env_file: "env_file: .env",
  networks: "networks: [front, back]",
  depends_on: "depends_on: [db]",
  command: 'command: ["npm", "start"]',
  entrypoint: 'entrypoint: ["docker-entrypoint.sh"]',
  healthcheck: 'healthcheck: { test: ["CMD", "curl", "-f", "http://localhost"], interval: 10s }',
  test: 'test: ["CMD", "pg_isready"]',
  build: "build: ./app",
  image: "image: nginx:1.27",
  labels: 'labels: { com.example.team: "web" }',
  secrets: "secrets: [db_password]",
  configs: "configs: [app_config]",
  restart: "restart: unless-stopped",
  extra_hosts: 'extra_hosts: ["host.docker.internal:host-gateway"]',
  dns: "dns: 1.1.1.1",
  deploy: "deploy: { replicas: 2 }",
  ulimits: "ulimits: { nofile: 65535 }",
  tmpfs: "tmpfs: /run",
  name: "name: my-project",
};

function toFinding(e: ErrorObject): Finding {
  const path = pathOf(e.instancePath);
  const params = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as Schema;
  const last = path.at(-1);
  switch (e.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((parent.properties ?? {}) as Schema);
      if (allowed.length === 0 && parent.patternProperties) {
        return {
          path: [...path, key],
          part: "key",
          code: "invalid-name",
          message: `\`${key}\` is not a valid name in ${describe(path)}: use only letters, digits, \`.\`, \`_\` and \`-\`.`,
        };
      }
      const where = path.length === 0 ? "at the top level of the file" : `in ${describe(path)}`;
      const hint = didYouMean(key, allowed) || (path.length === 0 ? ` The top level takes ${allowed.filter((k) => k !== "version").map((k) => `\`${k}\``).join(", ")}, and \`x-\` extensions.` : "");
      return { path: [...path, key], part: "key", code: "unknown-key", message: `Unknown key \`${key}\` ${where}.${hint}` };
    }
    case "type": {
      const types = typesOf(e).map((t) => TYPE_NAMES[t] ?? t);
      const expected = types.length > 1 ? `${types.slice(0, -1).join(", ")} or ${types.at(-1)}` : types[0];
      const example = typeof last === "string" && EXAMPLES[last] ? `, for example \`${EXAMPLES[last]}\`` : "";
      const subject = typeof last === "number" ? `Item ${last + 1} of ${describe(path.slice(0, -1))}` : capitalize(describe(path));
      return { path, code: "wrong-type", message: `${subject} must be ${expected}${example}.` };
    }
    case "required":
      return {
        path,
        part: "key",
        code: "missing-key",
        message: `${capitalize(describe(path))} needs the key \`${String(params.missingProperty)}\`.`,
      };
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const value = String(e.data);
      return {
        path,
        code: "invalid-value",
        message: `\`${value}\` is not allowed for ${describe(path)}.${didYouMean(value, allowed)} It takes one of ${allowed.map((v) => `\`${v}\``).join(", ")}.`,
      };
    }
    case "uniqueItems":
      return {
        path: [...path, Number(params.i)],
        code: "duplicate-item",
        message: `${capitalize(describe(path))} lists the same item twice (items ${Number(params.j) + 1} and ${Number(params.i) + 1}). Remove one.`,
      };
    default:
      return { path, code: `schema-${e.keyword}`, message: `${capitalize(describe(path))} ${e.message ?? "is not valid"}.` };
  }
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
