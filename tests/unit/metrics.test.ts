/**
 * The metrics registry against a manager on the fake runtime: gauges read at
 * scrape time, counters fed by the manager's events, the engine check that
 * never makes a scrape hang, and who may read /metrics.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, test } from "node:test";
import { levelOf } from "../../lib/server/log";
import { createMetrics, isLoopback, metricsEndpoint } from "../../lib/server/metrics";
import { SessionManager } from "../../lib/sessions/manager";
import type { RuntimeStatus } from "../../lib/sessions/runtime";
import { FakeRuntime } from "../support/fake-runtime";

function setup(engineStatus?: () => Promise<RuntimeStatus>) {
  const runtime = new FakeRuntime();
  let now = 1_000_000;
  const manager = new SessionManager(runtime, { consume: async () => {} }, {
    instance: "test",
    sessionTtlMs: 60_000,
    maxSessions: 3,
    reaperIntervalMs: 60_000,
    now: () => now,
  });
  const terminals = { control: 0, watch: 0 };
  const metrics = createMetrics({
    manager,
    terminalConnections: () => terminals,
    engineStatus: engineStatus ?? (() => runtime.status()),
    engineTimeoutMs: 200,
    defaultMetrics: false,
  });
  return { runtime, manager, metrics, terminals, advance: (ms: number) => (now += ms) };
}

const text = async (m: ReturnType<typeof setup>["metrics"]) => (await m.render()).body;

describe("metrics", () => {
  test("sessions, nodes, ends, provision times, terminals and errors show in the exposition", async () => {
    const t = setup();
    const a = await t.manager.create("client");
    const b = await t.manager.create("client");
    await t.manager.readyNode(a.id, "node1", 1000);
    await t.manager.readyNode(b.id, "node1", 1000);
    await t.manager.delete(b.id);
    t.terminals.control = 1;
    t.terminals.watch = 2;
    t.metrics.wsConnection("control");
    t.metrics.httpError("session_not_found");
    t.metrics.httpError("session_not_found");
    t.metrics.httpError("Not a code!");
    t.metrics.proxyRequest("refused");

    const body = await text(t.metrics);
    for (const line of [
      "playground_sessions_active 1",
      "playground_sessions_max 3",
      'playground_nodes{status="ready"} 1',
      'playground_nodes{status="provisioning"} 0',
      'playground_nodes{status="failed"} 0',
      "playground_pool_size 0",
      "playground_pool_target 0",
      'playground_terminal_connections{access="control"} 1',
      'playground_terminal_connections{access="watch"} 2',
      "playground_engine_up 1",
      "playground_sessions_created_total 2",
      'playground_sessions_ended_total{reason="deleted"} 1',
      'playground_sessions_ended_total{reason="expired"} 0',
      "playground_nodes_failed_total 0",
      'playground_http_errors_total{code="session_not_found"} 2',
      'playground_http_errors_total{code="other"} 1',
      'playground_ws_connections_total{access="control"} 1',
      'playground_ws_connections_total{access="watch"} 0',
      'playground_proxy_requests_total{result="refused"} 1',
      'playground_proxy_requests_total{result="ok"} 0',
      "playground_node_provision_seconds_count 2",
    ]) {
      assert.ok(body.split("\n").includes(line), `missing "${line}" in:\n${body}`);
    }
    assert.match(body, /# TYPE playground_node_provision_seconds histogram/);
    assert.match(body, /playground_node_provision_seconds_bucket\{le="0.5"\} 2/);
    // Counts only: no id ever appears.
    assert.ok(!body.includes(a.id) && !body.includes(b.id));
  });

  test("expired sessions and failed nodes are counted once", async () => {
    const t = setup();
    const a = await t.manager.create("client");
    await t.manager.readyNode(a.id, "node1", 1000);
    t.runtime.failStart = new Error("no room");
    await t.manager.create("client");
    await new Promise((r) => setImmediate(r));
    t.advance(60_001);
    await t.manager.reap();
    await t.manager.reap();
    const body = await text(t.metrics);
    assert.match(body, /^playground_sessions_ended_total\{reason="expired"\} 2$/m);
    assert.match(body, /^playground_nodes_failed_total 1$/m);
    assert.match(body, /^playground_sessions_active 0$/m);
  });

  test("stopped nodes show in the gauge and are counted by what stopped", async () => {
    const t = setup();
    const a = await t.manager.create("client");
    await t.manager.readyNode(a.id, "node1", 1000);
    let body = await text(t.metrics);
    assert.match(body, /^playground_nodes_stopped_total\{what="engine"\} 0$/m);
    t.runtime.emitNode(a.id, "node1", { kind: "engine_stopped", exitStatus: 137, detail: "" });
    body = await text(t.metrics);
    assert.match(body, /^playground_nodes\{status="stopped"\} 1$/m);
    assert.match(body, /^playground_nodes_stopped_total\{what="engine"\} 1$/m);
    assert.match(body, /^playground_nodes_stopped_total\{what="node"\} 0$/m);
  });

  test("a dead engine reads as 0 without holding the scrape, and checks are cached", async () => {
    let calls = 0;
    const hang = () => {
      calls++;
      return new Promise<RuntimeStatus>(() => {});
    };
    const t = setup(hang);
    const started = Date.now();
    const body = await text(t.metrics);
    assert.ok(Date.now() - started < 1000, "the scrape waited for the engine");
    assert.match(body, /^playground_engine_up 0$/m);
    await text(t.metrics);
    assert.equal(calls, 1, "a second check started while one was running");

    let reachable = false;
    let checks = 0;
    const u = setup(async () => {
      checks++;
      return { engine: { reachable }, sandboxImage: true, registryRunning: true };
    });
    assert.match(await text(u.metrics), /^playground_engine_up 0$/m);
    reachable = true;
    assert.match(await text(u.metrics), /^playground_engine_up 0$/m, "cached for a few seconds");
    assert.equal(checks, 1);
  });

  test("the default process metrics carry the prefix", async () => {
    const runtime = new FakeRuntime();
    const manager = new SessionManager(runtime, { consume: async () => {} }, {
      instance: "test", sessionTtlMs: 60_000, maxSessions: 1, reaperIntervalMs: 60_000,
    });
    const metrics = createMetrics({ manager, terminalConnections: () => ({ control: 0, watch: 0 }), engineStatus: () => runtime.status() });
    const body = (await metrics.render()).body;
    assert.match(body, /^playground_process_cpu_user_seconds_total /m);
    assert.match(body, /^playground_nodejs_heap_size_total_bytes /m);
    assert.match((await metrics.render()).contentType, /^text\/plain; version=0\.0\.4/);
  });

  test("loopback addresses", () => {
    for (const a of ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"]) assert.ok(isLoopback(a), a);
    for (const a of ["10.0.0.1", "::ffff:10.0.0.1", "192.168.1.127", "fe80::1", "", undefined, "localhost"]) assert.ok(!isLoopback(a), String(a));
  });

  test("/metrics answers loopback, refuses others unless public, and leaves other paths alone", async () => {
    const t = setup();
    const serve = async (isPublic: boolean, remote?: string) => {
      const endpoint = metricsEndpoint(t.metrics, isPublic);
      const server: Server = createServer((req, res) => {
        // The socket's address decides; a forwarded header changes nothing.
        if (remote) Object.defineProperty(req.socket, "remoteAddress", { value: remote });
        if (!endpoint(req, res)) res.writeHead(418).end();
      });
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const get = (path: string, init?: RequestInit) => fetch(base + path, init);
      return { get, close: () => new Promise((r) => server.close(r)) };
    };
    const local = await serve(false);
    const ok = await local.get("/metrics?x=1");
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    assert.match(await ok.text(), /^playground_sessions_active 0$/m);
    assert.equal((await local.get("/metrics", { method: "POST" })).status, 405);
    assert.equal((await local.get("/metricsx")).status, 418);
    assert.equal((await local.get("/api/metrics")).status, 418);
    await local.close();

    const remote = await serve(false, "10.1.2.3");
    const refused = await remote.get("/metrics", { headers: { "x-forwarded-for": "127.0.0.1" } });
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /METRICS_PUBLIC/);
    await remote.close();

    const open = await serve(true, "10.1.2.3");
    assert.equal((await open.get("/metrics")).status, 200);
    await open.close();
  });

  test("log levels follow the event's name", () => {
    assert.equal(levelOf("node_failed"), "error");
    assert.equal(levelOf("http_error"), "error");
    assert.equal(levelOf("ws_error"), "error");
    assert.equal(levelOf("ws_origin_refused"), "warn");
    assert.equal(levelOf("engine_unreachable"), "warn");
    assert.equal(levelOf("session_created"), "info");
    assert.equal(levelOf("listening"), "info");
  });
});
