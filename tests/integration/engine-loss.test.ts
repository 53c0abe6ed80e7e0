/**
 * Losing the host's Docker engine while sessions run, and getting it back.
 * The server reaches the engine through a small Unix socket proxy of the
 * test's own (DOCKER_HOST=unix://<tmp>/engine.sock), which the test cuts
 * (listener closed, every open connection destroyed), hangs (connections
 * accepted and never answered) and restores. The real engine is never touched.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { ErrorBody, HealthView, SessionView } from "../../lib/protocol";
import { CLOSE } from "../../lib/protocol";
import { newInstance, nodeContainer, removeInstance, startServer, type TestServer } from "../support/server";
import { EngineProxy } from "../support/engine-proxy";
import { TestTerminal } from "../support/terminal-client";

/** A fetch that fails the test instead of waiting for ever. */
async function bounded(server: TestServer, path: string, init: RequestInit = {}, ms = 15_000) {
  const started = Date.now();
  try {
    const res = await server.api(path, { ...init, signal: AbortSignal.timeout(ms) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, ms: Date.now() - started };
  } catch (e) {
    if ((e as Error).name === "TimeoutError") assert.fail(`${init.method ?? "GET"} ${path} did not answer within ${ms} ms`);
    throw e;
  }
}

const execBody = (cmd: string[]) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ cmd, timeoutMs: 30_000 }),
});

/** Polls /api/health until `want` holds; returns how long it took. */
async function healthUntil(server: TestServer, want: (status: number, body: HealthView) => boolean, withinMs: number) {
  const started = Date.now();
  let last: unknown;
  while (Date.now() - started < withinMs) {
    const r = await bounded(server, "/api/health", {}, 10_000);
    last = { status: r.status, body: r.body };
    if (want(r.status, r.body as HealthView)) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`health did not change within ${withinMs} ms; last answer: ${JSON.stringify(last)}`);
}

/** Lines the server logged from `from` on that point at a crash or at an unexplained 500. */
function troubleIn(logs: string[], from: number): string[] {
  return logs.slice(from).filter((line) => {
    if (/uncaught|unhandled/i.test(line)) return true;
    try {
      const entry = JSON.parse(line) as { event?: string };
      return entry.event === "http_error" || entry.event === "ws_error";
    } catch {
      // Not one of the server's JSON lines: a stack trace on stderr, say.
      return true;
    }
  });
}

async function waitClosed(t: TestTerminal, withinMs: number) {
  const timer = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`the terminal was not closed within ${withinMs} ms`)), withinMs).unref(),
  );
  return Promise.race([t.closedPromise(), timer]);
}

describe("losing the host's Docker engine", () => {
  const dir = mkdtempSync(join(tmpdir(), "engine-loss-"));
  const proxy = new EngineProxy(join(dir, "engine.sock"));
  const instance = newInstance();
  let server: TestServer;
  let session: SessionView;
  const env = () => ({ DOCKER_HOST: `unix://${proxy.path}`, REAPER_INTERVAL_MS: "1000" });

  before(async () => {
    await proxy.up();
    server = await startServer(env(), instance);
    session = await server.readySession();
  });

  after(async () => {
    await proxy.up().catch(() => {});
    await server?.stop();
    await proxy.down();
    await removeInstance(instance);
    rmSync(dir, { recursive: true, force: true });
  });

  test("while the engine is gone, every answer is quick and clear; when it returns, the same session goes on", async () => {
    const written = await bounded(server, `/api/sessions/${session.id}/nodes/node1/exec`, execBody(["sh", "-c", "echo kept > /root/kept.txt"]));
    assert.equal(written.status, 200);
    const terminal = await TestTerminal.open({ baseUrl: server.url, sessionId: session.id });
    await terminal.waitForPrompt();
    // The quotes keep the terminal's echo of the typed line from matching: only the shell's output does.
    terminal.type('echo "before-the-"loss\r');
    await terminal.waitFor("before-the-loss\r\n");
    const logsFrom = server.logs.length;

    await proxy.down();
    const cutAt = Date.now();

    // Health says so at once, and never hangs.
    const lossSeenMs = await healthUntil(server, (status, body) => status === 503 && body.engine.reachable === false && !body.ok, 10_000);

    // The attached terminal is told why and closed, so that the page can say so and come back.
    const closed = await waitClosed(terminal, 15_000);
    assert.equal(closed.code, CLOSE.ENGINE_UNAVAILABLE, `closed with ${closed.code} ${closed.reason}`);
    assert.ok(
      terminal.messages.some((m) => m.type === "error" && m.code === "engine_unavailable"),
      `messages: ${JSON.stringify(terminal.messages.filter((m) => m.type !== "snapshot"))}`,
    );

    // A new session is refused with a clear 503, not a hang and not a 500.
    const created = await bounded(server, "/api/sessions", { method: "POST" });
    assert.equal(created.status, 503);
    assert.equal((created.body as ErrorBody).error.code, "engine_unavailable");
    assert.match((created.body as ErrorBody).error.message, /Docker engine/);

    // The session is still known.
    const view = await bounded(server, `/api/sessions/${session.id}`);
    assert.equal(view.status, 200);
    assert.equal((view.body as SessionView).id, session.id);
    assert.equal((view.body as SessionView).nodes[0]?.name, "node1");

    // Commands fail with the engine's code.
    const exec = await bounded(server, `/api/sessions/${session.id}/nodes/node1/exec`, execBody(["echo", "hi"]));
    assert.equal(exec.status, 503, JSON.stringify(exec.body));
    assert.equal((exec.body as ErrorBody).error.code, "engine_unavailable");

    // A terminal opened now is refused the same way.
    const during = await TestTerminal.open({ baseUrl: server.url, sessionId: session.id });
    const refused = await waitClosed(during, 15_000);
    assert.equal(refused.code, CLOSE.ENGINE_UNAVAILABLE, `closed with ${refused.code} ${refused.reason}`);

    // Give the reaper (every second here) a few turns with the engine away.
    await new Promise((r) => setTimeout(r, 3000));
    const health = await bounded(server, "/api/health", {}, 10_000);
    assert.equal(health.status, 503, "the server still answers");
    const node = await nodeContainer(instance, session.id).inspect();
    assert.equal(node.State.Running, true, "the node kept running on the real engine");
    const downFor = Date.now() - cutAt;

    await proxy.up();
    const recoveredMs = await healthUntil(server, (status, body) => status === 200 && body.ok, 10_000);

    // The same session, its files and a terminal.
    const back = await bounded(server, `/api/sessions/${session.id}/nodes/node1/exec`, execBody(["cat", "/root/kept.txt"]));
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal(back.body.stdout, "kept\n");
    const inner = await bounded(server, `/api/sessions/${session.id}/nodes/node1/exec`, execBody(["docker", "version", "--format", "{{.Server.Version}}"]));
    assert.equal(inner.status, 200);
    assert.equal(inner.body.exitCode, 0, inner.body.stderr);
    const again = await TestTerminal.open({ baseUrl: server.url, sessionId: session.id });
    try {
      await again.waitForPrompt(20_000);
      // Typed before the new shell runs, the line is echoed at once; the output means the shell has started.
      again.type('echo "after-the-"loss\r');
      await again.waitFor("after-the-loss\r\n");
      // The screen from before the loss is still there, and the shell the loss orphaned was ended.
      assert.match(again.text(), /before-the-loss/);
      // Terminal shells are started by `docker exec`, so their parent is outside the node (0); a
      // subshell that the prompt forks for a moment has the shell as its parent and is not counted.
      const ps = await bounded(server, `/api/sessions/${session.id}/nodes/node1/exec`, execBody(["ps", "-o", "pid=,ppid=,args=", "-C", "bash"]));
      const shells = String(ps.body.stdout).trim().split("\n").filter((line) => line.trim().split(/\s+/)[1] === "0");
      assert.equal(shells.length, 1, `one shell in the node: ${ps.status} ${JSON.stringify(ps.body)}`);
    } finally {
      again.close();
    }

    // New sessions start again.
    const fresh = await bounded(server, "/api/sessions", { method: "POST" }, 60_000);
    assert.equal(fresh.status, 201, JSON.stringify(fresh.body));
    assert.equal((await bounded(server, `/api/sessions/${fresh.body.id}`, { method: "DELETE" }, 60_000)).status, 204);

    // Nothing treated "unreachable" as "gone", and nothing crashed.
    assert.ok(!server.logs.slice(logsFrom).some((l) => l.includes('"session_ended"') && l.includes(session.id)));
    assert.deepEqual(troubleIn(server.logs, logsFrom), []);
    console.log(
      `engine loss: health reported it after ${lossSeenMs} ms; down for ${downFor} ms; health ok ${recoveredMs} ms after the engine returned`,
    );
  });

  test("an engine that accepts connections and never answers gets the same answers, bounded", async () => {
    const logsFrom = server.logs.length;
    await proxy.hang();
    const seenMs = await healthUntil(server, (status, body) => status === 503 && body.engine.reachable === false, 10_000);
    const created = await bounded(server, "/api/sessions", { method: "POST" });
    assert.equal(created.status, 503);
    assert.equal((created.body as ErrorBody).error.code, "engine_unavailable");
    const exec = await bounded(server, `/api/sessions/${session.id}/nodes/node1/exec`, execBody(["echo", "hi"]), 30_000);
    assert.equal(exec.status, 503, JSON.stringify(exec.body));
    assert.equal((exec.body as ErrorBody).error.code, "engine_unavailable");
    const terminal = await TestTerminal.open({ baseUrl: server.url, sessionId: session.id });
    const closed = await waitClosed(terminal, 30_000);
    assert.equal(closed.code, CLOSE.ENGINE_UNAVAILABLE, `closed with ${closed.code} ${closed.reason}`);
    assert.ok(proxy.accepted > 0);

    await proxy.down();
    await proxy.up();
    const recoveredMs = await healthUntil(server, (status, body) => status === 200 && body.ok, 10_000);
    const back = await bounded(server, `/api/sessions/${session.id}/nodes/node1/exec`, execBody(["echo", "back"]));
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal(back.body.stdout, "back\n");
    assert.deepEqual(troubleIn(server.logs, logsFrom), []);
    console.log(`hung engine: health reported it after ${seenMs} ms, ok again ${recoveredMs} ms after it answered`);
  });

  test("a server started while the engine is away keeps the session and adopts it when the engine returns", async () => {
    await server.stop();
    await proxy.down();
    server = await startServer(env(), instance);
    const logsFrom = server.logs.length;
    // Not adopted yet: the server cannot tell whether the session lives, and says so rather than "ended".
    const unknown = await bounded(server, `/api/sessions/${session.id}`);
    assert.equal(unknown.status, 503, JSON.stringify(unknown.body));
    assert.equal((unknown.body as ErrorBody).error.code, "engine_unavailable");
    await new Promise((r) => setTimeout(r, 2500)); // a few adoption attempts fail meanwhile

    await proxy.up();
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await bounded(server, `/api/sessions/${session.id}`)).status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(status, 200, "adopted once the engine answered");
    const back = await bounded(server, `/api/sessions/${session.id}/nodes/node1/exec`, execBody(["cat", "/root/kept.txt"]));
    assert.equal(back.body.stdout, "kept\n");
    assert.deepEqual(troubleIn(server.logs, logsFrom), []);
  });
});
