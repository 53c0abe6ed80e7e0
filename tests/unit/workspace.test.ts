/** The session core's workspace features: watch links, nodes, time, presence and swarm templates. */
import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { SessionManager } from "../../lib/sessions/manager";
import { FakeRuntime } from "../support/fake-runtime";

function setup(extra: Partial<ConstructorParameters<typeof SessionManager>[2]> = {}) {
  const runtime = new FakeRuntime();
  let now = 1_000_000;
  const manager = new SessionManager(runtime, { consume: async () => {} }, {
    instance: "test",
    sessionTtlMs: 60_000,
    maxSessions: 5,
    reaperIntervalMs: 60_000,
    maxNodes: 3,
    extendMs: 30_000,
    maxLifetimeMs: 100_000,
    idleTimeoutMs: 20_000,
    now: () => now,
    ...extra,
  });
  return { runtime, manager, advance: (ms: number) => (now += ms) };
}

async function readySession(t: ReturnType<typeof setup>) {
  const view = await t.manager.create("c");
  await t.manager.readyNode(view.id, "node1", 1000);
  return view;
}

describe("watch links", () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => (t = setup()));

  test("control gets both links; the watch id sees the session but cannot change it", async () => {
    const view = await readySession(t);
    assert.equal(view.access, "control");
    assert.ok(view.share);
    const watchId = view.share.watch.slice("/s/".length);
    assert.match(watchId, /^[a-z0-9]{24}$/);
    assert.notEqual(watchId, view.id);

    const watched = t.manager.get(watchId);
    assert.equal(watched.access, "watch");
    assert.equal(watched.id, watchId);
    assert.equal(watched.share, undefined, "a watcher never learns the control link");
    assert.ok(!JSON.stringify(watched).includes(view.id));
    assert.deepEqual(t.manager.sessionOf(watchId), { sessionId: view.id, access: "watch" });

    for (const attempt of [
      () => t.manager.delete(watchId),
      () => t.manager.exec(watchId, "node1", ["true"]),
      () => t.manager.extend(watchId),
      () => t.manager.removeNode(watchId, "node1"),
      async () => t.manager.addNode(watchId),
    ]) {
      await assert.rejects(attempt(), { code: "watch_only", status: 403 });
    }
    assert.equal(t.manager.nodeAddress(watchId, "node1"), "10.0.0.2", "looking is allowed");
  });

  test("the watch id ends with the session", async () => {
    const view = await readySession(t);
    const watchId = view.share!.watch.slice(3);
    await t.manager.delete(view.id);
    assert.throws(() => t.manager.get(watchId), { code: "session_not_found" });
  });
});

describe("nodes", () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => (t = setup()));

  test("adds node2 and node3, refuses a fourth, and reuses the lowest free name", async () => {
    const view = await readySession(t);
    assert.equal(t.manager.addNode(view.id).name, "node2");
    assert.equal(t.manager.addNode(view.id).status, "provisioning");
    assert.throws(() => t.manager.addNode(view.id), { code: "node_limit", status: 409 });
    await t.manager.readyNode(view.id, "node3", 1000);
    assert.deepEqual(t.manager.get(view.id).nodes.map((n) => [n.name, n.status, n.ip]), [
      ["node1", "ready", "10.0.0.2"],
      ["node2", "ready", "10.0.0.3"],
      ["node3", "ready", "10.0.0.4"],
    ]);
    // Nodes made after hand-out carry the session's expiry and watch id, and get the claim.
    const node2 = t.runtime.nodes.get(`${view.id}/node2`)!;
    assert.equal(node2.expiresAt.toISOString(), view.expiresAt);
    assert.equal(node2.pooled, false);
    assert.equal(node2.watchId, view.share!.watch.slice(3));
    assert.ok(t.runtime.execs.some((e) => e.node === "node2" && e.cmd.at(-1) === "/run/playground/claim"));

    const removed: string[] = [];
    t.manager.on("nodeRemoved", (_id, node) => removed.push(node));
    await t.manager.removeNode(view.id, "node2");
    assert.deepEqual(removed, ["node2"]);
    assert.deepEqual(t.runtime.removedNodes, [`${view.id}/node2`]);
    assert.equal(t.manager.addNode(view.id).name, "node2");
    await assert.rejects(t.manager.removeNode(view.id, "node7"), { code: "node_not_found" });
  });

  test("a node added while node1 is still making the session's network waits for the network", async () => {
    // A workshop of two nodes asks for node2 as soon as the session exists (app/api/sessions/route.ts).
    let open!: () => void;
    t.runtime.networkGate = new Promise((r) => (open = r));
    const view = await t.manager.create("c");
    t.manager.addNode(view.id);
    await new Promise((r) => setImmediate(r));
    open();
    await t.manager.readyNode(view.id, "node2", 1000);
    assert.deepEqual(t.manager.get(view.id).nodes.map((n) => [n.name, n.status]), [
      ["node1", "ready"],
      ["node2", "ready"],
    ]);
  });

  test("a node added while the session's network fails fails too, with node1", async () => {
    let fail!: (e: Error) => void;
    t.runtime.networkGate = new Promise((_, reject) => (fail = reject));
    const view = await t.manager.create("c");
    t.manager.addNode(view.id);
    fail(new Error("no address pool is free on 172.17.0.0"));
    await assert.rejects(t.manager.readyNode(view.id, "node2", 1000), { code: "node_not_ready" });
    const nodes = t.manager.get(view.id).nodes;
    assert.deepEqual(nodes.map((n) => n.status), ["failed", "failed"]);
    assert.doesNotMatch(nodes[1]!.message ?? "", /172/);
  });

  test("a session ended while a node is being added is removed after that node's start, leaving nothing", async () => {
    const view = await readySession(t);
    let open!: () => void;
    t.runtime.startGate = new Promise((r) => (open = r));
    t.manager.addNode(view.id);
    await new Promise((r) => setImmediate(r));
    const deleted = t.manager.delete(view.id);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(t.runtime.removed, [], "not removed while node2's container may still be made");
    open();
    await deleted;
    assert.deepEqual(t.runtime.removed, [view.id]);
    assert.deepEqual([...t.runtime.nodes.keys()].filter((k) => k.startsWith(view.id)), [], "node2 did not outlive its session");
  });

  test("a node that fails to start is removed and reported; the session goes on", async () => {
    const view = await readySession(t);
    t.runtime.failStart = new Error("no space left on /host/disk");
    t.manager.addNode(view.id);
    await assert.rejects(t.manager.readyNode(view.id, "node2", 1000), { code: "node_not_ready" });
    const node2 = t.manager.get(view.id).nodes[1]!;
    assert.equal(node2.status, "failed");
    assert.doesNotMatch(node2.message ?? "", /host/);
    assert.deepEqual(t.runtime.removedNodes, [`${view.id}/node2`]);
    assert.deepEqual(t.runtime.removed, [], "the session itself stays");
    assert.equal(t.manager.get(view.id).nodes[0]?.status, "ready");
  });
});

describe("time", () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => (t = setup()));

  test("extend adds extendMs up to the maximum lifetime, then refuses", async () => {
    const view = await readySession(t);
    const start = Date.parse(view.expiresAt) - 60_000;
    assert.equal(view.maxExpiresAt, new Date(start + 100_000).toISOString());
    const once = await t.manager.extend(view.id);
    assert.equal(once.expiresAt, new Date(start + 90_000).toISOString());
    assert.equal(JSON.parse(t.runtime.claims.get(view.id)!).expiresAt, once.expiresAt, "recorded in the node");
    const twice = await t.manager.extend(view.id);
    assert.equal(twice.expiresAt, view.maxExpiresAt, "capped");
    await assert.rejects(t.manager.extend(view.id), { code: "extend_limit", status: 409 });
  });

  test("the server's own background reads do not keep an idle session alive; a learner's exec does", async () => {
    const a = await readySession(t);
    const b = await readySession(t);
    t.advance(15_000);
    await t.manager.exec(a.id, "node1", ["cat", "/x"], 1000, { background: true });
    await t.manager.exec(b.id, "node1", ["cat", "/x"], 1000);
    t.advance(5_000);
    assert.equal(await t.manager.reap(), 1);
    assert.throws(() => t.manager.get(a.id), { code: "session_not_found" });
    assert.equal(t.manager.get(b.id).id, b.id);
  });

  test("a session nobody has open ends after the idle timeout; an open one does not", async () => {
    const idle = await readySession(t);
    const watched = await readySession(t);
    const watchId = t.manager.get(watched.id).share!.watch.slice(3);
    const leave = t.manager.join(watchId, { clientId: "tab1", name: "Guest 1" });
    assert.deepEqual(t.manager.get(watched.id).connected, [{ name: "Guest 1", access: "watch" }]);
    t.advance(20_000);
    assert.equal(await t.manager.reap(), 1);
    assert.throws(() => t.manager.get(idle.id), { code: "session_not_found" });
    assert.equal(t.manager.get(watched.id).id, watched.id);

    leave();
    leave(); // twice is harmless
    assert.deepEqual(t.manager.get(watched.id).connected, []);
    t.advance(19_000);
    assert.equal(await t.manager.reap(), 0, "idle time counts from when the last one left");
    t.advance(1_000);
    assert.equal(await t.manager.reap(), 1);
  });

  test("a restarted server keeps the extended expiry and the watch id", async () => {
    const view = await readySession(t);
    const extended = await t.manager.extend(view.id);
    const restarted = new SessionManager(t.runtime, { consume: async () => {} }, {
      instance: "test", sessionTtlMs: 60_000, maxSessions: 5, reaperIntervalMs: 60_000, now: () => 1_000_000,
    });
    await restarted.adopt();
    const after = restarted.get(view.id);
    assert.equal(after.expiresAt, extended.expiresAt);
    assert.equal(after.share?.watch, view.share?.watch);
    assert.equal(after.nodes[0]?.ip, undefined, "the fake lists no address; the real runtime does");
  });
});

describe("swarm templates", () => {
  test("adds the nodes, inits on node1 and joins managers then workers", async () => {
    const t = setup({ maxNodes: 5 });
    const view = await readySession(t);
    t.runtime.answers.set("docker", (_node, cmd) => {
      const args = cmd.join(" ");
      if (args.includes("LocalNodeState")) return { exitCode: 0, stdout: "inactive\n", stderr: "" };
      if (args.includes("join-token -q manager")) return { exitCode: 0, stdout: "TOKEN-M\n", stderr: "" };
      if (args.includes("join-token -q worker")) return { exitCode: 0, stdout: "TOKEN-W\n", stderr: "" };
      return { exitCode: 0, stdout: "", stderr: "" };
    });
    const after = await t.manager.applyTemplate(view.id, "swarm-3-2");
    assert.deepEqual(after.nodes.map((n) => n.name), ["node1", "node2", "node3", "node4", "node5"]);
    const swarm = t.runtime.execs.filter((e) => e.cmd[1] === "swarm").map((e) => `${e.node}: ${e.cmd.slice(2).join(" ")}`);
    assert.deepEqual(swarm.slice(0, 5), [
      "node1: init --advertise-addr 10.0.0.2",
      "node1: join-token -q manager",
      "node1: join-token -q worker",
      "node2: join --token TOKEN-M 10.0.0.2:2377",
      "node3: join --token TOKEN-M 10.0.0.2:2377",
    ]);
    assert.deepEqual(swarm.slice(5).sort(), ["node4: join --token TOKEN-W 10.0.0.2:2377", "node5: join --token TOKEN-W 10.0.0.2:2377"]);
  });

  test("refuses when a node is already in a swarm, and when the template needs too many nodes", async () => {
    const t = setup({ maxNodes: 2 });
    const view = await readySession(t);
    t.runtime.answers.set("docker", () => ({ exitCode: 0, stdout: "active\n", stderr: "" }));
    await assert.rejects(t.manager.applyTemplate(view.id, "swarm-1-1"), { code: "already_in_swarm" });
    await assert.rejects(t.manager.applyTemplate(view.id, "swarm-3-2"), { code: "node_limit" });
  });
});
