/**
 * The compose deployment's files agree with the code and the README: the app
 * service gets every variable the server reads, each variable compose passes
 * is in the README's one configuration table, and the image build's context
 * leaves out what it must not carry.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { CONFIG_VARIABLES } from "../../lib/config";

const root = join(__dirname, "..", "..");
const read = (file: string) => readFileSync(join(root, file), "utf8");

interface ComposeFile {
  services: Record<string, { environment?: string[]; volumes?: string[] }>;
}
const compose = parse(read("compose.yaml")) as ComposeFile;
/** Names in the first column of the README's configuration table. */
const documented = new Set(
  [...read("README.md").matchAll(/^\| `([A-Z][A-Z0-9_]+)`(?: \/ `([A-Z][A-Z0-9_]+)`)? \|/gm)].flatMap((m) => [m[1]!, m[2]].filter((n): n is string => !!n)),
);

test("the app service gets exactly the variables the server reads, plus EGRESS for its firewall", () => {
  const passed = compose.services.app!.environment ?? [];
  // The engine is the socket compose mounts (DOCKER_SOCKET), so its path inside is fixed.
  const inside = CONFIG_VARIABLES.filter((name) => name !== "PLAYGROUND_ENGINE_SOCKET");
  assert.deepEqual(passed.map((entry) => entry.split("=")[0]).sort(), [...inside, "EGRESS"].sort());
  // Passed by name only: an unset variable stays unset and the server's default applies.
  for (const entry of passed.filter((e) => e !== "DOCKER_HOST=unix:///var/run/docker.sock")) assert.doesNotMatch(entry, /=/);
});

test("every variable compose reads is in the README's configuration table", () => {
  const names = new Set<string>();
  for (const service of Object.values(compose.services)) {
    for (const entry of service.environment ?? []) names.add(entry.split("=")[0]!);
    for (const volume of service.volumes ?? []) for (const m of volume.matchAll(/\$\{([A-Z_]+)/g)) names.add(m[1]!);
  }
  assert.ok(names.has("DOCKER_SOCKET"));
  for (const name of names) assert.ok(documented.has(name), `${name} is not in the README's table`);
});

test("the image build's context leaves out node_modules, .next, .git and the tests", () => {
  const ignored = read(".dockerignore").split("\n").map((l) => l.trim());
  for (const path of ["node_modules", ".next", ".git", "tests"]) assert.ok(ignored.includes(path), path);
});
