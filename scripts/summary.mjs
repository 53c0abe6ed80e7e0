// Adds up the results of every test runner into one closing line. Steps that
// failed without test results (lint, typecheck, a runner that crashed) count
// as one failure each, so the line never reads as all passed when a step failed.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [dir, ...failedSteps] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];

// smoke-none.tap: only from a run on the playground engine (scripts/test.sh).
for (const name of ["unit.tap", "integration.tap", "smoke-none.tap"]) {
  const file = join(dir, name);
  if (!existsSync(file)) {
    if (name !== "smoke-none.tap") missing.push(name);
    continue;
  }
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^# (pass|fail|cancelled|skipped) (\d+)$/.exec(line);
    if (!m) continue;
    const n = Number(m[2]);
    if (m[1] === "pass") passed += n;
    else if (m[1] === "skipped") skipped += n;
    else failed += n;
  }
}
const e2eFile = join(dir, "e2e.json");
if (existsSync(e2eFile)) {
  const { stats } = JSON.parse(readFileSync(e2eFile, "utf8"));
  passed += stats.expected;
  failed += stats.unexpected + stats.flaky;
  skipped += stats.skipped;
} else missing.push("e2e.json");

const testFailures = failed;
for (const step of failedSteps) if (/lint|typecheck/.test(step)) failed++;
if (missing.length) failed += missing.length;
if (failedSteps.length) console.log(`\nfailed steps: ${failedSteps.join(", ")}`);
if (missing.length) console.log(`no results from: ${missing.join(", ")}`);
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failedSteps.length || testFailures || missing.length ? 1 : 0);
