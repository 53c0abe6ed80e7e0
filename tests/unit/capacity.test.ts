import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { freeSubnet, subnetsIn } from "../../lib/docker/subnets";
import { hostRoom } from "../../lib/server/host-room";
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
    let now = 0;
    let reads = 0;
    const read = (p: string) => (reads++, files[p]!);
    const room = hostRoom({ isolation: "userns", sessionSubnets: "10.213.0.0/16", nodePidsLimit: 1024, read, now: () => now });
    // 2048 MiB available, 1024 kept: 16 more idle sessions besides the 3 held.
    assert.deepEqual(room(3), { memory: 3 + 16, pids: 28, keys: 50, addresses: 1024 });
    files["/proc/sys/kernel/pid_max"] = "4194304\n";
    assert.equal(room(5).pids, 28, "read again only after a second");
    assert.equal(room(5).memory, 5 + 16, "what is held is counted at each question");
    assert.equal(reads, 3);
    now = 1000;
    assert.equal(room(0).pids, 3686);
    assert.equal(hostRoom({ isolation: "none", sessionSubnets: "10.213.0.0/20", nodePidsLimit: 1024, read: (p) => files[p]! })(0).addresses, 64);
    assert.deepEqual(hostRoom({ isolation: "userns", sessionSubnets: "10.213.0.0/16", nodePidsLimit: 1024, read: () => { throw new Error("no /proc"); } })(0), { addresses: 1024 });
    assert.equal(subnetsIn("10.213.0.0/20"), 64);
    assert.equal(subnetsIn("10.213.0.0/27"), 0);
  });

  test("a session subnet is the first /26 of the range that no network overlaps", () => {
    assert.equal(freeSubnet("10.213.0.0/16", []), "10.213.0.0/26");
    assert.equal(freeSubnet("10.213.0.0/16", ["10.213.0.0/26", "10.213.0.64/26", "172.17.0.0/16", "fd00::/64"]), "10.213.0.128/26");
    // A wider network elsewhere in the range, and one that is not on a /26 boundary.
    assert.equal(freeSubnet("10.213.0.0/16", ["10.213.0.0/24", "10.213.1.10/30"]), "10.213.1.64/26");
    assert.equal(freeSubnet("10.213.0.0/16", ["10.0.0.0/8"]), undefined, "a network covering the whole range");
    assert.equal(freeSubnet("10.213.0.0/25", ["10.213.0.64/26"]), "10.213.0.0/26");
    assert.equal(freeSubnet("10.213.0.0/25", ["10.213.0.64/26", "10.213.0.0/26"]), undefined);
    assert.equal(freeSubnet("10.213.7.9/24", []), "10.213.7.0/26", "the range is taken from its boundary");
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
