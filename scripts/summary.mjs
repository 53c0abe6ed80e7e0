// Adds up the results of every test runner into one closing line.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const name of ["unit.tap", "integration.tap"]) {
  for (const line of readFileSync(join(dir, name), "utf8").split("\n")) {
    const m = /^# (pass|fail|skipped) (\d+)$/.exec(line);
    if (!m) continue;
    if (m[1] === "pass") passed += Number(m[2]);
    else if (m[1] === "fail") failed += Number(m[2]);
    else skipped += Number(m[2]);
  }
}
const e2e = JSON.parse(readFileSync(join(dir, "e2e.json"), "utf8")).stats;
passed += e2e.expected;
failed += e2e.unexpected + e2e.flaky;
skipped += e2e.skipped;
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
