/**
 * The terminal WebSocket against the real engine: a prompt, a shared shell,
 * late joiners and reconnects, flow control under a flood, the Origin check,
 * and shells ending with their session.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, describe, test } from "node:test";
import WebSocket from "ws";
import { CLOSE, terminalPath, type SessionView } from "../../lib/protocol";
import { startServer, type TestServer } from "../support/server";
import { TestTerminal } from "../support/terminal-client";

for (const backend of ["pty", "api"] as const)
describe(`terminal sockets (${backend} backend)`, () => {
  let server: TestServer;
  let session: SessionView;
  const open = (opts: Partial<Parameters<typeof TestTerminal.open>[0]> = {}) =>
    TestTerminal.open({ baseUrl: server.url, sessionId: session.id, ...opts });

  before(async () => {
    server = await startServer({ TERMINAL_BACKEND: backend });
    session = await server.readySession();
  });
  after(async () => {
    await server?.destroy();
  });

  test("a terminal opens a login shell with a welcome and runs docker commands", async () => {
    const t = await open();
    try {
      await t.waitForPrompt();
      assert.match(t.output, /Welcome to the Docker playground/);
      const mark = t.mark();
      t.type("docker run --rm hello-world\r");
      await t.waitFor("Hello from the Docker playground!", 30_000, mark);
      await t.waitForPrompt(10_000, mark);
    } finally {
      t.close();
    }
  });

  test("two clients share one shell; a late joiner sees the current screen", async () => {
    const first = await open();
    const second = await open();
    try {
      await first.waitForPrompt();
      const mark = first.mark();
      first.type("export SHARED=from-first\r");
      await first.waitForPrompt(10_000, mark);
      second.type("echo value=$SHARED\r");
      await second.waitFor("value=from-first");
      await first.waitFor("value=from-first");
      const late = await open();
      try {
        // Nothing is typed any more: only the snapshot of the screen can bring it.
        await late.waitFor("value=from-first", 10_000);
      } finally {
        late.close();
      }
    } finally {
      first.close();
      second.close();
    }
  });

  test("a dropped connection comes back to the same shell", async () => {
    const t = await open();
    t.type("cd /tmp && RECONNECT_MARK=42\r");
    await t.waitFor(/\/tmp[#$] $/m);
    t.close();
    await t.closedPromise();
    const again = await open();
    try {
      again.type("echo mark=$RECONNECT_MARK in $(pwd)\r");
      await again.waitFor("mark=42 in /tmp");
    } finally {
      again.close();
    }
  });

  test("resize reaches the shell", async () => {
    const t = await open({ cols: 132, rows: 41 });
    try {
      // The size travels pty -> docker CLI -> engine, beside the input: asked until it has arrived.
      await t.waitForPrompt();
      const deadline = Date.now() + 10_000;
      let size = "";
      while (size !== "41 132" && Date.now() < deadline) {
        const mark = t.mark();
        t.type("stty size\r");
        await t.waitFor(/^\d+ \d+\r?$/m, 10_000, mark);
        size = /^(\d+ \d+)\r?$/m.exec(t.output.slice(mark - t.received))?.[1] ?? "";
      }
      assert.equal(size, "41 132");
    } finally {
      t.close();
    }
  });

  test("with `yes` flooding, Ctrl+C brings the prompt back (flow control)", async () => {
    const t = await open();
    try {
      t.type("yes playground-flood-line\r");
      await t.waitFor(/(playground-flood-line\r\n){200}/, 10_000);
      const mark = t.mark();
      t.type("\x03");
      await t.waitFor(/\^C\r\n.*[#$] $/ms, 10_000, mark);
      // The server held the flood back: far less arrived than `yes` can write.
      assert.ok(t.mark() < 50 * 1024 * 1024);
    } finally {
      t.close();
    }
  });

  test("terminal sockets refuse other origins, unknown sessions and bad messages", async () => {
    const url = new URL(terminalPath(session.id, "node1"), server.url.replace("http", "ws"));
    const refused = new WebSocket(url, { headers: { origin: "http://evil.example" } });
    const status = await new Promise<number>((resolve) => refused.once("unexpected-response", (_q, res) => resolve(res.statusCode ?? 0)));
    assert.equal(status, 403);

    // A malformed path or an oversized frame must not bring the server down.
    const malformed = new WebSocket(`${server.url.replace("http", "ws")}/ws/sessions/%E0%A4%A/nodes/node1/terminal`);
    const malformedStatus = await new Promise<number>((resolve) => {
      malformed.once("unexpected-response", (_q, res) => resolve(res.statusCode ?? 0));
      malformed.once("error", () => resolve(-1));
    });
    assert.notEqual(malformedStatus, 101);
    const big = await open();
    big.send({ type: "input", data: "x".repeat(300 * 1024) });
    assert.equal((await big.closedPromise()).code, 1009, "an oversized frame closes that socket only");
    assert.equal((await server.api("/api/health")).status, 200, "the server is still up");

    const unknown = await TestTerminal.open({ baseUrl: server.url, sessionId: "a".repeat(24) });
    assert.equal((await unknown.closedPromise()).code, CLOSE.NOT_FOUND);

    const t = await open();
    try {
      t.send({ type: "resize", cols: 1_000_000, rows: 5 });
      t.send("not json at all");
      const deadline = Date.now() + 10_000;
      while (!t.messages.some((m) => m.type === "error" && m.code === "bad_message") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(t.messages.some((m) => m.type === "error" && m.code === "bad_message"));
      // The shell still answers after both.
      const mark = t.mark();
      t.type("echo still-$((40+2))\r");
      await t.waitFor("still-42", 10_000, mark);
      assert.equal(t.closed, undefined, "a bad message does not kill the terminal");
    } finally {
      t.close();
    }
  });

  test("ending the session closes its terminals and leaves no docker exec behind", async () => {
    const own = await server.readySession();
    const t = await TestTerminal.open({ baseUrl: server.url, sessionId: own.id });
    await t.waitForPrompt();
    const container = `playground-${server.instance}-${own.id}-node1`;
    const execs = () => execFileSync("ps", ["-eo", "args"]).toString().split("\n").filter((l) => l.includes(container));
    if (backend === "pty") assert.ok(execs().length >= 1, "a docker exec runs for the terminal");
    assert.equal((await server.api(`/api/sessions/${own.id}`, { method: "DELETE" })).status, 204);
    assert.equal((await t.closedPromise()).code, CLOSE.SESSION_ENDED);
    // The docker exec ends a moment after its socket: waited for, up to 10 s.
    const deadline = Date.now() + 10_000;
    while (execs().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(execs(), []);
  });
});
