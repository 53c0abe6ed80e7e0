/**
 * GET /metrics on the real server: the exposition format, sessions and
 * terminals counted as they come, API errors counted by code, and the
 * structured log lines.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startServer, type TestServer } from "../support/server";
import { TestTerminal } from "../support/terminal-client";

/** The value of one sample line, e.g. `playground_sessions_active`; undefined when absent. */
function sample(body: string, series: string): number | undefined {
  const line = body.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("metrics on the real server", () => {
  let server: TestServer;
  const metrics = async () => {
    const res = await server.api("/metrics");
    assert.equal(res.status, 200);
    return { res, body: await res.text() };
  };

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.destroy();
  });

  test("GET /metrics from loopback answers the Prometheus text format with the gauges", async () => {
    const { res, body } = await metrics();
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    assert.equal(sample(body, "playground_sessions_active"), 0);
    assert.equal(sample(body, "playground_sessions_max"), 30);
    assert.equal(sample(body, "playground_pool_target"), 0);
    assert.equal(sample(body, "playground_engine_up"), 1);
    assert.equal(sample(body, 'playground_terminal_connections{access="control"}'), 0);
    assert.match(body, /^# TYPE playground_node_provision_seconds histogram$/m);
    assert.match(body, /^playground_process_resident_memory_bytes \d+/m);
  });

  test("a session and its terminal are counted; ids never appear", async () => {
    const session = await server.readySession();
    const terminal = await TestTerminal.open({ baseUrl: server.url, sessionId: session.id });
    try {
      await terminal.waitForPrompt();
      const { body } = await metrics();
      assert.equal(sample(body, "playground_sessions_active"), 1);
      assert.equal(sample(body, "playground_sessions_created_total"), 1);
      assert.equal(sample(body, 'playground_nodes{status="ready"}'), 1);
      assert.equal(sample(body, 'playground_terminal_connections{access="control"}'), 1);
      assert.equal(sample(body, 'playground_ws_connections_total{access="control"}'), 1);
      assert.ok((sample(body, "playground_node_provision_seconds_count") ?? 0) >= 1, body);
      assert.ok(!body.includes(session.id) && !body.includes(session.share!.watch.slice(3)));
    } finally {
      terminal.close();
      await terminal.closedPromise();
    }
    assert.equal((await server.api(`/api/sessions/${session.id}`, { method: "DELETE" })).status, 204);
    // The server may see the socket's close a moment after the client does.
    let body = "";
    for (let i = 0; i < 50; i++) {
      body = (await metrics()).body;
      if (sample(body, 'playground_terminal_connections{access="control"}') === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(sample(body, 'playground_terminal_connections{access="control"}'), 0);
    assert.equal(sample(body, "playground_sessions_active"), 0);
    assert.equal(sample(body, 'playground_sessions_ended_total{reason="deleted"}'), 1);
  });

  test("API errors are counted by their code", async () => {
    const before = sample((await metrics()).body, 'playground_http_errors_total{code="session_not_found"}') ?? 0;
    assert.equal((await server.api(`/api/sessions/${"a".repeat(24)}`)).status, 404);
    assert.equal((await server.api("/api/no-such-endpoint")).status, 404);
    const { body } = await metrics();
    assert.equal(sample(body, 'playground_http_errors_total{code="session_not_found"}'), before + 1);
    assert.equal(sample(body, 'playground_http_errors_total{code="not_found"}'), 1);
  });

  test("a port of a session that does not exist counts as no_session", async () => {
    const res = await server.api(`/ports/${"b".repeat(24)}/node1/80/`);
    assert.equal(res.status, 404);
    await res.text();
    assert.equal(sample((await metrics()).body, 'playground_proxy_requests_total{result="no_session"}'), 1);
  });

  test("log lines are JSON objects with a level, and session lines carry the session id", () => {
    const lines = server.logs.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(lines.length > 0);
    for (const line of lines) assert.match(String(line.level), /^(info|warn|error)$/, JSON.stringify(line));
    const ready = lines.find((l) => l.event === "node_ready");
    assert.ok(ready && typeof ready.sessionId === "string" && ready.node === "node1" && typeof ready.ms === "number");
    const ended = lines.find((l) => l.event === "session_ended");
    assert.equal(ended?.reason, "deleted");
    assert.equal(typeof ended?.sessionId, "string");
  });
});
