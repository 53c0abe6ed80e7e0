/** The warm pool on the real engine: sessions handed out ready, refilled, kept across a restart. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { newInstance, removeInstance, resourcesOf, startServer, type TestServer } from "../support/server";
import { TestTerminal } from "../support/terminal-client";

async function poolReady(server: TestServer, ready: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const health = await (await server.api("/api/health")).json();
    if (health.pool.ready >= ready) return;
    if (Date.now() > deadline) throw new Error(`pool not ready: ${JSON.stringify(health.pool)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test("a pooled session is ready at once, the pool refills, and a restart keeps both", async () => {
  const instance = newInstance();
  try {
    const first = await startServer({ POOL_SIZE: "1" }, instance);
    await poolReady(first, 1);
    const session = await first.createSession();
    assert.equal(session.nodes[0]?.status, "ready", "handed out ready");
    const t = await TestTerminal.open({ baseUrl: first.url, sessionId: session.id });
    await t.waitForPrompt();
    t.type("docker run --rm hello-world\r");
    await t.waitFor("Hello from the Docker playground!", 30_000);
    t.close();
    await poolReady(first, 1);
    const nodes = (await resourcesOf(instance)).containers.filter((name) => /-node\d+$/.test(name));
    assert.equal(nodes.length, 2, "one handed out, one waiting");
    await first.stop();

    const second = await startServer({ POOL_SIZE: "1" }, instance);
    try {
      const res = await second.api(`/api/sessions/${session.id}`);
      assert.equal(res.status, 200);
      assert.equal((await res.json()).expiresAt, session.expiresAt, "the expiry given at hand-out survives");
      const health = await (await second.api("/api/health")).json();
      assert.deepEqual(health.pool, { size: 1, ready: 1, target: 1 }, "the waiting one is back in the pool");
      assert.equal(health.sessions.active, 1);
      assert.equal((await second.api(`/api/sessions/${session.id}`, { method: "DELETE" })).status, 204);
    } finally {
      await second.stop();
    }
  } finally {
    await removeInstance(instance);
  }
  assert.deepEqual(await resourcesOf(instance), { containers: [], volumes: [], networks: [] });
});

test("a class's free seats are started ahead: joins at once each get a ready node, and the dashboard says how many are warm", async () => {
  // Classes of its own: other tests' classes would be warmed too.
  const dataDir = mkdtempSync(join(tmpdir(), "warm-class-"));
  const server = await startServer({ POOL_SIZE: "0", MAX_SESSIONS: "5", CLASS_WARM_MINUTES: "60", DATA_DIR: dataDir });
  try {
    const created = await server.api("/api/cohorts", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ workshop: "first-containers", seats: 3 }),
    });
    assert.equal(created.status, 201);
    const cohort = await created.json();
    await poolReady(server, 3);
    const dashboard = async () => (await (await server.api(`/api/cohorts/${cohort.id}`)).json()) as { warm: { ready: number; starting: number } };
    assert.deepEqual((await dashboard()).warm, { ready: 3, starting: 0 });

    const joins = await Promise.all(
      ["Ada", "Bo", "Cy"].map(async (name) => {
        const res = await server.api("/api/sessions", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ cohort: cohort.code, name }),
        });
        assert.equal(res.status, 201, await res.clone().text());
        return res.json();
      }),
    );
    for (const j of joins) assert.equal(j.nodes[0]?.status, "ready", "a warm seat is handed out ready");
    const t = await TestTerminal.open({ baseUrl: server.url, sessionId: joins[0].id });
    await t.waitForPrompt(5000);
    t.close();

    // Every seat taken: nothing more is kept warm for this class.
    const health = await (await server.api("/api/health")).json();
    assert.equal(health.pool.target, 0);
    assert.deepEqual((await dashboard()).warm, { ready: 0, starting: 0 });
    const nodes = (await resourcesOf(server.instance)).containers.filter((name) => /-node\d+$/.test(name));
    assert.equal(nodes.length, 3, "no node left over for the full class");
  } finally {
    await server.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
