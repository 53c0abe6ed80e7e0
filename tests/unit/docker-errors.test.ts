import assert from "node:assert/strict";
import { test } from "node:test";
import { notRunning } from "../../lib/docker/runtime";

const engineError = (statusCode: number, message: string) => Object.assign(new Error(message), { statusCode });

test("a container gone or being removed counts as not running, whatever status the engine gives it", () => {
  assert.ok(notRunning(engineError(404, "(HTTP code 404) no such container")));
  assert.ok(notRunning(engineError(409, "(HTTP code 409) container is not running")));
  // What Docker 20.10 answers to an exec in a container being removed (seen in the fuzz suite).
  assert.ok(notRunning(engineError(500, "(HTTP code 500) container not running - Container 0206 is not running: Removal In Progress")));
  assert.ok(!notRunning(engineError(500, "(HTTP code 500) server error - something else broke")));
  assert.ok(!notRunning(new Error("connect ENOENT /run/playground/engine.sock")));
});
