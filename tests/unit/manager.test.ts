import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import type { ExecResult } from "../../lib/protocol";
import { EngineUnavailableError } from "../../lib/sessions/errors";
import { SessionManager } from "../../lib/sessions/manager";
import type { CreationLimiter } from "../../lib/sessions/rate-limit";
import { memoryLimiter } from "../../lib/sessions/rate-limit";
import { FakeRuntime } from "../support/fake-runtime";

const unlimited: CreationLimiter = { consume: async () => {} };

function setup(opts: { maxSessions?: number; limiter?: CreationLimiter } = {}) {
  const runtime = new FakeRuntime();
  let now = 1_000_000;
  const manager = new SessionManager(runtime, opts.limiter ?? unlimited, {
    instance: "test",
    sessionTtlMs: 60_000,
    maxSessions: opts.maxSessions ?? 3,
    reaperIntervalMs: 60_000,
    now: () => now,
  });
  return { runtime, manager, advance: (ms: number) => (now += ms) };
}

const settle = () => new Promise((r) => setImmediate(r));

describe("SessionManager", () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    t = setup();
  });

  test("creates a session with one provisioning node, ready once the runtime says so", async () => {
    const view = await t.manager.create("client");
    assert.match(view.id, /^[a-z0-9]{24}$/);
    assert.equal(view.url, `/s/${view.id}`);
    assert.equal(view.expiresAt, new Date(1_000_000 + 60_000).toISOString());
    assert.deepEqual(view.nodes.map((n) => n.name), ["node1"]);
    await t.manager.readyNode(view.id, "node1", 1000);
    assert.equal(t.manager.get(view.id).nodes[0]?.status, "ready");
    assert.ok(t.runtime.networks.has(view.id));
  });

  test("unknown, malformed and expired ids are not found", async () => {
    assert.throws(() => t.manager.get("nope"), { code: "session_not_found" });
    assert.throws(() => t.manager.get("a".repeat(24)), { code: "session_not_found" });
    const view = await t.manager.create("client");
    t.advance(60_001);
    assert.throws(() => t.manager.get(view.id), { code: "session_not_found" });
  });

  test("delete removes everything and the id is gone; ended is emitted first", async () => {
    const view = await t.manager.create("client");
    const events: string[] = [];
    t.manager.on("ended", (id, reason) => events.push(`${id}:${reason}`));
    await t.manager.delete(view.id);
    assert.deepEqual(events, [`${view.id}:deleted`]);
    assert.deepEqual(t.runtime.removed, [view.id]);
    assert.throws(() => t.manager.get(view.id), { code: "session_not_found" });
    await assert.rejects(t.manager.delete(view.id), { code: "session_not_found" });
  });

  test("delete during provisioning waits for the node, then removes it", async () => {
    let open!: () => void;
    t.runtime.startGate = new Promise((r) => (open = r));
    const view = await t.manager.create("client");
    await settle(); // node1 is being made
    const deleting = t.manager.delete(view.id);
    await settle();
    assert.deepEqual(t.runtime.removed, []);
    open();
    await deleting;
    assert.deepEqual(t.runtime.removed, [view.id]);
    assert.equal(t.runtime.nodes.size, 0);
  });

  test("a session deleted while its network is being made is removed, and its node is never started", async () => {
    let open!: () => void;
    t.runtime.networkGate = new Promise((r) => (open = r));
    let started = 0;
    const startNode = t.runtime.startNode.bind(t.runtime);
    t.runtime.startNode = (...args) => (started++, startNode(...args));
    const view = await t.manager.create("client");
    const deleting = t.manager.delete(view.id);
    open();
    await deleting;
    assert.deepEqual(t.runtime.removed, [view.id]);
    assert.equal(started, 0, "no node started for a session already ended");
  });

  test("a node that fails to start is reported, its resources removed, its seat freed", async () => {
    const logged: string[] = [];
    const runtime = new FakeRuntime();
    const manager = new SessionManager(runtime, unlimited, {
      instance: "t", sessionTtlMs: 3600_000, maxSessions: 1, reaperIntervalMs: 60_000,
      log: (event, fields) => logged.push(`${event} ${JSON.stringify(fields)}`),
    });
    runtime.failStart = new Error("connect ECONNREFUSED /secret/host/path");
    const view = await manager.create("client");
    await assert.rejects(manager.readyNode(view.id, "node1", 1000), { code: "node_not_ready" });
    const failed = manager.get(view.id);
    assert.equal(failed.nodes[0]?.status, "failed");
    assert.doesNotMatch(failed.nodes[0]?.message ?? "", /secret/, "engine details stay in the log");
    assert.ok(logged.some((l) => l.includes("/secret/host/path")));
    assert.ok(Date.parse(failed.expiresAt) <= Date.now() + 10 * 60_000, "kept only a short while");
    assert.deepEqual(runtime.removed, [view.id]);
    assert.equal(manager.activeCount, 0);
    runtime.failStart = undefined;
    await manager.create("client"); // the seat is free again
  });

  test("capacity: the session past the maximum is refused with playground_full", async () => {
    for (let i = 0; i < 3; i++) await t.manager.create(`c${i}`);
    await assert.rejects(t.manager.create("c4"), { code: "playground_full", status: 503 });
  });

  test("rate limit: too many creations from one client get rate_limited with a retry time", async () => {
    t = setup({ limiter: memoryLimiter(2, 60_000), maxSessions: 10 });
    await t.manager.create("same");
    await t.manager.create("same");
    await assert.rejects(t.manager.create("same"), (e: { code: string; retryAfterS: number }) => {
      assert.equal(e.code, "rate_limited");
      assert.ok(e.retryAfterS >= 1 && e.retryAfterS <= 60);
      return true;
    });
    await t.manager.create("other");
  });

  test("engine down or images missing: creation fails with a clear error", async () => {
    t.runtime.status_ = { engine: { reachable: false, message: "connect ENOENT" }, sandboxImage: false, registryRunning: false };
    await assert.rejects(t.manager.create("c"), { code: "engine_unavailable", status: 503 });
    t.runtime.status_ = { engine: { reachable: true }, sandboxImage: false, registryRunning: true };
    await assert.rejects(t.manager.create("c"), { code: "images_missing" });
  });

  test("the reaper ends expired sessions only", async () => {
    const old = await t.manager.create("a");
    t.advance(30_000);
    const young = await t.manager.create("b");
    t.advance(30_001);
    assert.equal(await t.manager.reap(), 1);
    assert.deepEqual(t.runtime.removed, [old.id]);
    assert.equal(t.manager.get(young.id).id, young.id);
  });

  test("start adopts live sessions, removes expired, stopped and orphaned ones, and ends old shells", async () => {
    const future = new Date(1_000_000 + 10_000);
    t.runtime.nodes.set("live/node1", { sessionId: "a".repeat(24), name: "node1", expiresAt: future, running: true });
    t.runtime.nodes.set("expired/node1", { sessionId: "b".repeat(24), name: "node1", expiresAt: new Date(999_000), running: true });
    t.runtime.nodes.set("stopped/node1", { sessionId: "c".repeat(24), name: "node1", expiresAt: future, running: false });
    t.runtime.orphans.add("d".repeat(24));
    const result = await t.manager.adopt();
    assert.deepEqual(result, { adopted: 1, removed: 3 });
    assert.equal(t.manager.get("a".repeat(24)).nodes[0]?.status, "ready");
    assert.equal(t.manager.get("a".repeat(24)).expiresAt, future.toISOString());
    assert.deepEqual(t.runtime.removed.sort(), ["b".repeat(24), "c".repeat(24), "d".repeat(24)]);
    // Running sessions' claims are read (for a newer expiry); the adopted one's old shells are ended.
    const execs = t.runtime.execs.map((e) => `${e.sessionId.slice(0, 1)} ${e.cmd.join(" ")}`);
    assert.deepEqual(execs.filter((e) => !e.includes("claim")), ["a playground-shell --reap"]);
    assert.ok(execs.includes("a cat /run/playground/claim"));
  });

  test("start keeps trying to adopt while the engine is down, then reaps", async () => {
    const runtime = new FakeRuntime();
    let failing = true;
    const listNodes = runtime.listNodes.bind(runtime);
    runtime.listNodes = async () => {
      if (failing) throw new Error("connect ENOENT /var/run/docker.sock");
      return listNodes();
    };
    runtime.nodes.set("x", { sessionId: "e".repeat(24), name: "node1", expiresAt: new Date(0), running: true });
    const manager = new SessionManager(runtime, unlimited, { instance: "t", sessionTtlMs: 60_000, maxSessions: 3, reaperIntervalMs: 20 });
    await manager.start();
    assert.deepEqual(runtime.removed, []);
    failing = false;
    await new Promise((r) => setTimeout(r, 60));
    manager.stop();
    assert.deepEqual(runtime.removed, ["e".repeat(24)]);
  });

  test("until adoption works, a session the engine may hold is unavailable, not ended", async () => {
    const runtime = new FakeRuntime();
    let failing = true;
    const listNodes = runtime.listNodes.bind(runtime);
    runtime.listNodes = async () => {
      if (failing) throw new EngineUnavailableError("connect ENOENT");
      return listNodes();
    };
    const id = "f".repeat(24);
    runtime.nodes.set("x", { sessionId: id, name: "node1", expiresAt: new Date(Date.now() + 60_000), running: true });
    const manager = new SessionManager(runtime, unlimited, { instance: "t", sessionTtlMs: 60_000, maxSessions: 3, reaperIntervalMs: 20 });
    await manager.start();
    assert.throws(() => manager.get(id), { code: "engine_unavailable" });
    failing = false;
    await new Promise((r) => setTimeout(r, 60));
    manager.stop();
    assert.equal(manager.get(id).id, id);
    assert.throws(() => manager.get("a".repeat(24)), { code: "session_not_found" }, "adopted: unknown ids are unknown again");
  });

  test("a claim that cannot be read because the engine went away is tried again, not taken for none", async () => {
    const runtime = new FakeRuntime();
    const id = "g".repeat(24);
    // A handed-out session whose node was made in the pool: only its claim knows its expiry.
    runtime.nodes.set("x", { sessionId: id, name: "node1", expiresAt: new Date(0), running: true, pooled: true });
    runtime.claims.set(id, JSON.stringify({ expiresAt: new Date(Date.now() + 60_000).toISOString() }));
    let failing = true;
    const exec = runtime.exec.bind(runtime);
    runtime.exec = async (...args: Parameters<FakeRuntime["exec"]>) => {
      if (failing) throw new EngineUnavailableError("connection reset");
      return exec(...args);
    };
    const manager = new SessionManager(runtime, unlimited, { instance: "t", sessionTtlMs: 60_000, maxSessions: 3, reaperIntervalMs: 20 });
    await manager.start();
    assert.deepEqual(runtime.removed, []);
    failing = false;
    await new Promise((r) => setTimeout(r, 60));
    manager.stop();
    assert.deepEqual(runtime.removed, []);
    assert.equal(manager.get(id).id, id);
  });

  test("exec waits for a provisioning node and passes argv unchanged", async () => {
    let open!: () => void;
    t.runtime.startGate = new Promise((r) => (open = r));
    const view = await t.manager.create("client");
    const running = t.manager.exec(view.id, "node1", ["echo", "a b; rm -rf /"]);
    setTimeout(open, 10);
    const result = await running;
    assert.equal(result.exitCode, 0);
    assert.deepEqual(t.runtime.execs[0]?.cmd, ["echo", "a b; rm -rf /"]);
    await assert.rejects(t.manager.exec(view.id, "node9", ["true"]), { code: "node_not_found" });
  });

  test("a command cut off by removing its node or ending the session says so, whatever the engine answered", async () => {
    const view = await t.manager.create("client");
    t.manager.addNode(view.id);
    await t.manager.readyNode(view.id, "node2", 1000);
    // The engine may answer a killed process (137) or fail to find the exec at all.
    const outcomes: (() => Promise<ExecResult>)[] = [
      async () => ({ exitCode: 137, stdout: "", stderr: "" }),
      async () => {
        throw new Error("no such exec");
      },
    ];
    for (const outcome of outcomes) {
      let finish!: () => void;
      t.runtime.answers.set("sleep", () => new Promise<void>((r) => (finish = r)).then(outcome));
      const onNode2 = t.manager.exec(view.id, "node2", ["sleep", "9"]);
      await new Promise((r) => setTimeout(r, 5));
      const removal = t.manager.removeNode(view.id, "node2");
      finish();
      await assert.rejects(onNode2, { code: "node_removed", status: 410, message: "node2 was removed while the command ran." });
      await removal;
      t.manager.addNode(view.id);
      await t.manager.readyNode(view.id, "node2", 1000);
    }
    let finish!: () => void;
    t.runtime.answers.set("sleep", () => new Promise<void>((r) => (finish = r)).then(() => ({ exitCode: 137, stdout: "", stderr: "" })));
    const onNode1 = t.manager.exec(view.id, "node1", ["sleep", "9"]);
    await new Promise((r) => setTimeout(r, 5));
    const ending = t.manager.delete(view.id);
    finish();
    await assert.rejects(onNode1, { code: "session_ended", status: 410 });
    await ending;
  });
});

describe("the warm pool", () => {
  function pooled(poolSize: number) {
    const runtime = new FakeRuntime();
    const manager = new SessionManager(runtime, unlimited, {
      instance: "t", sessionTtlMs: 60_000, maxSessions: 5, reaperIntervalMs: 60_000, poolSize,
    });
    return { runtime, manager };
  }

  test("start fills the pool; a new session comes from it ready, with its expiry recorded in the node", async () => {
    const { runtime, manager } = pooled(2);
    await manager.start();
    await settle();
    assert.deepEqual(manager.poolView, { size: 2, ready: 2, target: 2 });
    assert.equal(manager.activeCount, 0, "pooled sessions hold no seat");
    const before = Date.now();
    const view = await manager.create("c");
    manager.stop();
    assert.equal(view.nodes[0]?.status, "ready");
    assert.ok(Date.parse(view.expiresAt) >= before + 60_000);
    assert.equal(JSON.parse(runtime.claims.get(view.id)!).expiresAt, view.expiresAt);
    await settle();
    assert.equal(manager.poolView.size, 2, "refilled");
    assert.equal(manager.activeCount, 1);
  });

  test("with refillAfterMs, hand-outs close together share one refill, made once the delay is over", async (t) => {
    const runtime = new FakeRuntime();
    const manager = new SessionManager(runtime, unlimited, {
      instance: "t", sessionTtlMs: 60_000, maxSessions: 5, reaperIntervalMs: 60_000, poolSize: 2, refillAfterMs: 2000,
    });
    await manager.start();
    await settle();
    t.mock.timers.enable({ apis: ["setTimeout"] });
    await manager.create("a");
    await manager.create("b");
    await settle();
    assert.equal(manager.poolView.size, 0, "nothing started while the learners' pages draw");
    t.mock.timers.tick(1999);
    await settle();
    assert.equal(manager.poolView.size, 0);
    t.mock.timers.tick(1);
    await settle();
    assert.equal(manager.poolView.size, 2, "refilled once the delay is over");
    manager.stop();
  });

  test("with the pool empty or still starting, a session is started as usual", async () => {
    const { runtime, manager } = pooled(1);
    let open!: () => void;
    runtime.startGate = new Promise((r) => (open = r));
    await manager.start();
    const view = await manager.create("c");
    manager.stop();
    assert.equal(view.nodes[0]?.status, "provisioning");
    open();
    await manager.readyNode(view.id, "node1", 1000);
    assert.equal(runtime.claims.size, 0);
  });

  test("a restart puts unclaimed pooled sessions back in the pool and adopts claimed ones with their expiry", async () => {
    const { runtime, manager } = pooled(2);
    await manager.start();
    await settle();
    const claimed = await manager.create("c");
    manager.stop();
    await settle();
    const expired = "f".repeat(24);
    runtime.nodes.set("exp", { sessionId: expired, name: "node1", expiresAt: new Date(Date.now() + 60_000), running: true, pooled: true });
    runtime.claims.set(expired, new Date(Date.now() - 1000).toISOString());

    const restarted = new SessionManager(runtime, unlimited, {
      instance: "t", sessionTtlMs: 60_000, maxSessions: 5, reaperIntervalMs: 60_000, poolSize: 2,
    });
    const result = await restarted.adopt();
    assert.equal(restarted.get(claimed.id).expiresAt, claimed.expiresAt);
    assert.deepEqual(restarted.poolView, { size: 2, ready: 2, target: 2 });
    assert.equal(result.adopted, 3);
    assert.ok(runtime.removed.includes(expired));
  });
});

describe("seats are for people", () => {
  function seats(maxSessions: number, poolSize: number) {
    const runtime = new FakeRuntime();
    const manager = new SessionManager(runtime, unlimited, { instance: "t", sessionTtlMs: 60_000, maxSessions, reaperIntervalMs: 60_000, poolSize });
    /** Sessions with a node on the engine: what takes memory, handed out or pooled. */
    const onEngine = () => new Set([...runtime.nodes.values()].map((n) => n.sessionId)).size;
    return { runtime, manager, onEngine };
  }

  test("the pool fills only spare seats and gives them up as people take them", async () => {
    const { manager, onEngine } = seats(3, 2);
    await manager.start();
    await settle();
    assert.equal(manager.poolView.size, 2);
    for (let i = 0; i < 3; i++) {
      await manager.create(`c${i}`);
      await settle();
      assert.ok(onEngine() <= 3, `${onEngine()} sessions on the engine after ${i + 1} handed out`);
    }
    manager.stop();
    assert.equal(manager.activeCount, 3);
    assert.equal(manager.poolView.size, 0, "no seat left for the pool");
    await assert.rejects(manager.create("late"), { code: "playground_full" });
  });

  test("a burst gets exactly the seats there are, and the pool still starting gives its seats up", async () => {
    const { runtime, manager, onEngine } = seats(5, 2);
    let open!: () => void;
    runtime.startGate = new Promise((r) => (open = r));
    await manager.start(); // the pool starts, and waits at the gate
    assert.equal(manager.poolView.size, 2);
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => manager.create(`c${i}`)));
    const made = results.filter((r) => r.status === "fulfilled").length;
    const full = results.filter((r) => r.status === "rejected" && (r.reason as { code?: string }).code === "playground_full").length;
    assert.deepEqual({ made, full }, { made: 5, full: 3 });
    assert.equal(manager.poolView.size, 0, "the pooled sessions still starting were given up");
    open();
    await new Promise((r) => setTimeout(r, 20));
    manager.stop();
    assert.equal(onEngine(), 5, "the given-up pooled sessions were removed once started");
    assert.equal(manager.nodeCounts.failed, 0, "giving up a pooled session is not a failure");
  });

  test("a seat freed gives the pool room again", async () => {
    const { manager } = seats(2, 1);
    await manager.start();
    await settle();
    const a = await manager.create("a");
    await manager.create("b");
    await settle();
    assert.equal(manager.poolView.size, 0);
    await manager.delete(a.id);
    await settle();
    manager.stop();
    assert.equal(manager.poolView.size, 1);
  });
});

describe("stopped nodes", () => {
  function watched() {
    const runtime = new FakeRuntime();
    const logged: { event: string; fields: Record<string, unknown> }[] = [];
    const manager = new SessionManager(runtime, unlimited, {
      instance: "t", sessionTtlMs: 60_000, maxSessions: 5, reaperIntervalMs: 60_000,
      log: (event, fields) => logged.push({ event, fields }),
    });
    return { runtime, manager, logged };
  }

  async function readySession(t: ReturnType<typeof watched>) {
    const view = await t.manager.create("c");
    await t.manager.readyNode(view.id, "node1", 1000);
    return view;
  }

  test("a ready node is watched; its engine stopping is reported plainly, the engine's words only logged", async () => {
    const t = watched();
    const view = await readySession(t);
    const stops: string[] = [];
    t.manager.on("nodeStopped", (id, node, what) => stops.push(`${id === view.id} ${node} ${what}`));
    assert.ok(t.runtime.watchers.has(`${view.id}/node1`));
    t.runtime.emitNode(view.id, "node1", { kind: "engine_stopped", exitStatus: 137, detail: "level=fatal msg=\"/var/lib/docker: host secret\"" });
    const node = t.manager.nodeState(view.id, "node1");
    assert.equal(node.status, "stopped");
    assert.equal(node.stopped, "engine");
    assert.match(node.message!, /The Docker engine in node1 stopped \(exit status 137: it was killed\)/);
    assert.match(node.message!, /Restart button/);
    assert.match(node.message!, /playground-engine restart/);
    assert.ok(!JSON.stringify(t.manager.get(view.id)).includes("host secret"), "the engine's log stays out of the API");
    const entry = t.logged.find((l) => l.event === "node_stopped");
    assert.equal(entry?.fields.detail, "level=fatal msg=\"/var/lib/docker: host secret\"");
    assert.deepEqual(stops, ["true node1 engine"]);
    // Repeated reports change nothing.
    t.runtime.emitNode(view.id, "node1", { kind: "engine_stopped", exitStatus: 137, detail: "" });
    assert.equal(stops.length, 1);
    // The node itself still runs commands (files, shells); the watch id sees the state too.
    assert.equal((await t.manager.exec(view.id, "node1", ["ls"])).exitCode, 0);
    const watchId = t.manager.get(view.id).share!.watch.slice(3);
    assert.equal(t.manager.nodeState(watchId, "node1").status, "stopped");
  });

  test("restart of a stopped engine: provisioning, the runtime restarts the engine, then ready", async () => {
    const t = watched();
    const view = await readySession(t);
    t.runtime.emitNode(view.id, "node1", { kind: "engine_stopped", exitStatus: 1, detail: "" });
    let open!: () => void;
    t.runtime.restartGate = new Promise((r) => (open = r));
    const answer = t.manager.restartNode(view.id, "node1");
    assert.equal(answer.status, "provisioning");
    assert.equal(answer.message, "restarting the Docker engine");
    assert.deepEqual(t.runtime.restarts, [`engine ${view.id}/node1`]);
    // Asking again while it restarts is refused.
    assert.throws(() => t.manager.restartNode(view.id, "node1"), { code: "node_starting" });
    // exec waits for it.
    const exec = t.manager.exec(view.id, "node1", ["docker", "version"]);
    open();
    assert.equal((await exec).exitCode, 0);
    assert.equal(t.manager.nodeState(view.id, "node1").status, "ready");
    assert.equal(t.manager.nodeState(view.id, "node1").stopped, undefined);
  });

  test("a restart that fails leaves the node stopped with a plain reason; the error is logged", async () => {
    const t = watched();
    const view = await readySession(t);
    t.runtime.emitNode(view.id, "node1", { kind: "engine_stopped", exitStatus: 1, detail: "" });
    t.runtime.failRestart = new Error("playground-engine restart exited with 1: failed to mount overlay at /var/lib/docker/x");
    t.manager.restartNode(view.id, "node1");
    await settle();
    const node = t.manager.nodeState(view.id, "node1");
    assert.equal(node.status, "stopped");
    assert.match(node.message!, /did not start again\. Try Restart once more/);
    assert.doesNotMatch(node.message!, /overlay/);
    assert.ok(t.logged.some((l) => l.event === "node_restart_failed" && String(l.fields.error).includes("overlay")));
  });

  test("a restart announced by the node itself shows as provisioning until it answers", async () => {
    const t = watched();
    const view = await readySession(t);
    t.runtime.emitNode(view.id, "node1", { kind: "engine_stopped", exitStatus: 2, detail: "" });
    t.runtime.emitNode(view.id, "node1", { kind: "engine_starting" });
    assert.equal(t.manager.nodeState(view.id, "node1").status, "provisioning");
    const waiting = t.manager.readyNode(view.id, "node1", 1000);
    t.runtime.emitNode(view.id, "node1", { kind: "engine_ready" });
    await waiting;
    assert.equal(t.manager.nodeState(view.id, "node1").status, "ready");
    // And one that fails to start: waiters are told why.
    t.runtime.emitNode(view.id, "node1", { kind: "engine_starting" });
    const failing = t.manager.readyNode(view.id, "node1", 1000);
    t.runtime.emitNode(view.id, "node1", { kind: "engine_stopped", exitStatus: 1, detail: "" });
    await assert.rejects(failing, { code: "node_not_ready", message: /stopped \(exit status 1\)/ });
  });

  test("a stopped node (its container) is restarted whole: its claim written again, watched again", async () => {
    const t = watched();
    const view = await readySession(t);
    const before = t.manager.nodeState(view.id, "node1").ip;
    t.runtime.emitNode(view.id, "node1", { kind: "node_stopped", exitStatus: 137, oomKilled: true, detail: "" });
    const node = t.manager.nodeState(view.id, "node1");
    assert.equal(node.status, "stopped");
    assert.equal(node.stopped, "node");
    assert.match(node.message!, /^node1 stopped \(exit status 137: out of memory\)\. Its files are kept/);
    // Commands cannot run in a stopped node.
    await assert.rejects(t.manager.exec(view.id, "node1", ["ls"]), { code: "node_not_ready" });
    assert.throws(() => t.manager.nodeAddress(view.id, "node1"), { code: "node_not_ready" });
    const watches = t.runtime.watchesStarted.length;
    assert.equal(t.manager.restartNode(view.id, "node1").message, "starting the node again");
    await t.manager.readyNode(view.id, "node1", 1000);
    assert.deepEqual(t.runtime.restarts, [`node ${view.id}/node1`]);
    assert.equal(JSON.parse(t.runtime.claims.get(view.id)!).expiresAt, view.expiresAt);
    assert.equal(t.runtime.watchesStarted.length, watches + 1);
    assert.notEqual(t.manager.nodeState(view.id, "node1").ip, before, "the new address is taken");
  });

  test("only the control id restarts; a ready node's engine is restarted; failed nodes are refused", async () => {
    const t = watched();
    const view = await readySession(t);
    const watchId = t.manager.get(view.id).share!.watch.slice(3);
    assert.throws(() => t.manager.restartNode(watchId, "node1"), { code: "watch_only" });
    assert.throws(() => t.manager.restartNode(view.id, "node7"), { code: "node_not_found" });
    assert.equal(t.manager.restartNode(view.id, "node1").status, "provisioning");
    await t.manager.readyNode(view.id, "node1", 1000);
    assert.deepEqual(t.runtime.restarts, [`engine ${view.id}/node1`]);
    t.runtime.failStart = new Error("no room");
    t.manager.addNode(view.id);
    await settle();
    assert.equal(t.manager.nodeState(view.id, "node2").status, "failed");
    assert.throws(() => t.manager.restartNode(view.id, "node2"), { code: "node_failed" });
  });

  test("removing a node or ending the session stops its watch; later reports are ignored", async () => {
    const t = watched();
    const view = await readySession(t);
    t.manager.addNode(view.id);
    await t.manager.readyNode(view.id, "node2", 1000);
    assert.ok(t.runtime.watchers.has(`${view.id}/node2`));
    await t.manager.removeNode(view.id, "node2");
    assert.ok(!t.runtime.watchers.has(`${view.id}/node2`));
    await t.manager.delete(view.id);
    assert.equal(t.runtime.watchers.size, 0);
  });

  test("adopted nodes are watched, and a pooled session whose node stops leaves the pool", async () => {
    const t = watched();
    const future = new Date(Date.now() + 60_000);
    t.runtime.nodes.set("a", { sessionId: "a".repeat(24), name: "node1", expiresAt: future, running: true });
    t.runtime.nodes.set("p", { sessionId: "p".repeat(24), name: "node1", expiresAt: future, running: true, pooled: true });
    const pooledManager = new SessionManager(t.runtime, unlimited, {
      instance: "t", sessionTtlMs: 60_000, maxSessions: 5, reaperIntervalMs: 60_000, poolSize: 1,
    });
    await pooledManager.adopt();
    assert.ok(t.runtime.watchers.has(`${"a".repeat(24)}/node1`));
    assert.ok(t.runtime.watchers.has(`${"p".repeat(24)}/node1`));
    assert.equal(pooledManager.poolView.size, 1);
    // An adopted node whose engine had stopped while no server watched: the watch's first report.
    t.runtime.emitNode("a".repeat(24), "node1", { kind: "engine_stopped", exitStatus: 137, detail: "" });
    assert.equal(pooledManager.nodeState("a".repeat(24), "node1").status, "stopped");
    t.runtime.emitNode("p".repeat(24), "node1", { kind: "node_stopped", exitStatus: 0, detail: "" });
    await settle();
    assert.equal(pooledManager.poolView.size, 0);
    assert.ok(t.runtime.removed.includes("p".repeat(24)));
    pooledManager.stop();
    assert.equal(t.runtime.watchers.size, 0, "stop ends every watch");
  });

  test("a node gone from the engine is failed: it cannot be restarted", async () => {
    const t = watched();
    const view = await readySession(t);
    t.runtime.emitNode(view.id, "node1", { kind: "node_stopped", gone: true, detail: "the container is gone" });
    const node = t.manager.nodeState(view.id, "node1");
    assert.equal(node.status, "failed");
    assert.match(node.message!, /gone/);
    assert.throws(() => t.manager.restartNode(view.id, "node1"), { code: "node_failed" });
  });
});
