import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hostRoom, subnetsIn } from "../../lib/server/host-room";
import { capacityOf, fullMessage } from "../../lib/sessions/capacity";
import { SessionManager } from "../../lib/sessions/manager";
import { Cohorts } from "../../lib/workshops/cohorts";
import { FakeRuntime } from "../support/fake-runtime";

describe("capacity", () => {
  test("the smallest figure binds, and the message says which", () => {
    assert.deepEqual(capacityOf(30), { sessions: 30, binding: "max_sessions", limits: { max_sessions: 30 } });
    const c = capacityOf(30, { memory: 400, pids: 28, addresses: 1024 });
    assert.equal(c.sessions, 28);
    assert.equal(c.binding, "pids");
    assert.match(fullMessage(c), /28 sessions fit in the host's process ids/);
    assert.equal(capacityOf(30, { memory: 12 }).binding, "memory");
  });

  test("the host's room comes from MemAvailable, pid_max and the session range", () => {
    const files: Record<string, string> = {
      "/proc/meminfo": "MemTotal:       24000000 kB\nMemAvailable:   2097152 kB\n",
      "/proc/sys/kernel/pid_max": "32768\n",
      "/proc/sys/kernel/keys/maxkeys": "200\n",
    };
    const room = hostRoom({ isolation: "userns", sessionSubnets: "10.213.0.0/16", nodePidsLimit: 1024, read: (p) => files[p]! });
    // 2048 MiB available, 1024 kept: 16 more idle sessions besides the 3 held.
    assert.deepEqual(room(3), { memory: 3 + 16, pids: 28, keys: 50, addresses: 1024 });
    files["/proc/sys/kernel/pid_max"] = "4194304\n";
    assert.equal(room(0).pids, 3686);
    assert.equal(hostRoom({ isolation: "none", sessionSubnets: "10.213.0.0/16", nodePidsLimit: 1024, read: (p) => files[p]! })(0).addresses, 30);
    assert.deepEqual(hostRoom({ isolation: "userns", sessionSubnets: "10.213.0.0/16", nodePidsLimit: 1024, read: () => { throw new Error("no /proc"); } })(0), { addresses: 1024 });
    assert.equal(subnetsIn("10.213.0.0/20"), 64);
    assert.equal(subnetsIn("10.213.0.0/27"), 0);
  });

  test("a new session is refused when the host's room binds, and the pool keeps to it", async () => {
    const runtime = new FakeRuntime();
    let memory = 2;
    const manager = new SessionManager(runtime, { consume: async () => {} }, {
      instance: "t", sessionTtlMs: 60_000, maxSessions: 30, reaperIntervalMs: 60_000, poolSize: 2, room: () => ({ memory }),
    });
    await manager.start();
    await manager.create("a");
    await manager.create("b");
    await assert.rejects(manager.create("c"), { code: "playground_full", message: /2 sessions fit in the host's memory/ });
    manager.stop();
    assert.equal(manager.poolView.size, 0, "the pool gave its seats to people");
    memory = 10;
    assert.equal(manager.capacity.sessions, 10);
  });
});

describe("warm class seats", () => {
  test("free seats of classes inside the window are wanted, and the pool keeps within capacity", async () => {
    let now = 1_000_000;
    const heard: number[] = [];
    const store = { load: async () => [], save: async () => {} };
    const cohorts = new Cohorts(store, () => now, { forMs: 60_000, onSeats: (n) => heard.push(n) });
    const a = await cohorts.create({ workshop: "w", title: "A", seats: 3 });
    now += 30_000;
    await cohorts.create({ workshop: "w", title: "B", seats: 2 });
    await cohorts.join(a.code, { sessionId: "s".repeat(24), watchId: "w".repeat(24), name: "Ada" });
    assert.deepEqual(heard, [3, 5, 4]);
    now += 40_000; // A's window has closed
    assert.equal(await cohorts.seatsToWarm(), 2);

    const runtime = new FakeRuntime();
    const manager = new SessionManager(runtime, { consume: async () => {} }, { instance: "t", sessionTtlMs: 60_000, maxSessions: 4, reaperIntervalMs: 60_000, poolSize: 1 });
    await manager.start();
    manager.warmClassSeats(10);
    await new Promise((r) => setImmediate(r));
    manager.stop();
    assert.deepEqual(manager.poolView, { size: 4, ready: 4, target: 11 }, "as many as the seats allow");
  });
});
