import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod";
import { loadConfig } from "../../lib/config";
import { originAllowed } from "../../lib/http/origin";
import { errorResponse, readBody } from "../../lib/http/respond";
import { clientMessage, execBody } from "../../lib/protocol";
import { RateLimitError, SessionNotFoundError } from "../../lib/sessions/errors";
import { isNodeName, isSessionId, newSessionId } from "../../lib/sessions/ids";

const post = (body: string) => new Request("http://x/", { method: "POST", body });

describe("origin check", () => {
  test("same host is allowed, another site is not", () => {
    assert.equal(originAllowed("http://localhost:3000", "localhost:3000", []), true);
    assert.equal(originAllowed("http://evil.example", "localhost:3000", []), false);
    assert.equal(originAllowed("http://localhost:3001", "localhost:3000", []), false);
    assert.equal(originAllowed("null", "localhost:3000", []), false);
  });
  test("listed origins are allowed; no Origin (not a browser) is allowed", () => {
    assert.equal(originAllowed("https://class.example", "internal:3000", ["https://class.example"]), true);
    assert.equal(originAllowed(undefined, "localhost:3000", []), true);
  });
});

describe("ids", () => {
  test("session ids are 24 lower-case alphanumerics and differ", () => {
    const ids = new Set(Array.from({ length: 1000 }, newSessionId));
    assert.equal(ids.size, 1000);
    for (const id of ids) assert.ok(isSessionId(id), id);
    assert.equal(isSessionId("../../etc/passwd"), false);
  });
  test("node names", () => {
    assert.ok(isNodeName("node1"));
    assert.ok(!isNodeName("node0"));
    assert.ok(!isNodeName("node1;rm"));
  });
});

describe("config", () => {
  test("defaults are valid and carry units", () => {
    const c = loadConfig({});
    assert.equal(c.sessionTtlMs, 4 * 3600_000);
    assert.equal(c.node.nodeMemoryBytes, 2048 * 1024 * 1024);
    assert.equal(c.node.nodeNanoCpus, 1e9);
    assert.equal(c.node.nodeDiskBytes, 10 * 1024 ** 3);
    assert.equal(loadConfig({ NODE_DISK_GB: "0" }).node.nodeDiskBytes, 0, "0 turns the quota off");
  });
  test("bad values are refused with the variable's name", () => {
    assert.throws(() => loadConfig({ MAX_SESSIONS: "lots" }), /MAX_SESSIONS/);
    assert.throws(() => loadConfig({ PLAYGROUND_INSTANCE: "Bad Name" }), /PLAYGROUND_INSTANCE/);
    assert.throws(() => loadConfig({ NODE_DISK_GB: "-1" }), /NODE_DISK_GB/);
  });
});

describe("HTTP edge", () => {
  test("readBody: malformed JSON, wrong shape and missing body are bad requests", async () => {
    await assert.rejects(readBody(post("{"), execBody), { code: "bad_request", message: /not valid JSON/ });
    await assert.rejects(readBody(post('{"cmd":"ls"}'), execBody), { code: "bad_request", message: /cmd/ });
    await assert.rejects(readBody(post('{"cmd":[]}'), execBody), { code: "bad_request" });
    await assert.rejects(readBody(post(""), execBody), { code: "bad_request", message: /required/ });
    assert.deepEqual(await readBody(post(""), z.object({}).strict(), true), {});
    await assert.rejects(readBody(post("x".repeat(300 * 1024)), execBody), { code: "bad_request", message: /larger/ });
  });
  test("errors become JSON with status; rate limits carry Retry-After; unknown errors are 500", async () => {
    const notFound = errorResponse(new SessionNotFoundError());
    assert.equal(notFound.status, 404);
    assert.equal((await notFound.json()).error.code, "session_not_found");
    const limited = errorResponse(new RateLimitError(42));
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get("retry-after"), "42");
    const original = console.error;
    console.error = () => {};
    try {
      const internal = errorResponse(new Error("secret detail"));
      assert.equal(internal.status, 500);
      assert.doesNotMatch(await internal.text(), /secret detail/);
    } finally {
      console.error = original;
    }
  });
  test("terminal messages are validated: absurd sizes and unknown types are refused", () => {
    assert.ok(clientMessage.safeParse({ type: "resize", cols: 80, rows: 24 }).success);
    assert.ok(!clientMessage.safeParse({ type: "resize", cols: 100000, rows: 24 }).success);
    assert.ok(!clientMessage.safeParse({ type: "exec", data: "x" }).success);
    assert.ok(!clientMessage.safeParse({ type: "ack", bytes: -1 }).success);
  });
});
