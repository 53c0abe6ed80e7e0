import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileLedger } from "../../lib/sessions/handouts";
import { SessionManager } from "../../lib/sessions/manager";
import { FakeRuntime } from "../support/fake-runtime";

const unlimited = { consume: async () => {} };
const settle = () => new Promise((r) => setImmediate(r));

test("the ledger: hand-outs at the same moment share a write; expired ones are not read back; forget removes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ledger-"));
  try {
    const path = join(dir, "handouts.json");
    const ledger = fileLedger(path);
    const now = Date.now();
    await Promise.all(Array.from({ length: 30 }, (_, i) => ledger.record(`s${i}`, { expiresAt: now + 60_000, createdAt: now })));
    assert.equal(Object.keys(JSON.parse(readFileSync(path, "utf8"))).length, 30, "every one on disk once record resolved");
    await ledger.record("old", { expiresAt: now - 1 });
    ledger.forget("s0");
    await ledger.record("s1", { expiresAt: now + 120_000 });
    const again = fileLedger(path);
    await again.load(now);
    assert.equal(again.get("s0"), undefined);
    assert.equal(again.get("old"), undefined, "past its expiry");
    assert.equal(again.get("s1")?.expiresAt, now + 120_000);
    assert.equal(again.get("s2")?.createdAt, now);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("with a ledger, a hand-out does not wait for the node; a restart before the node has its claim still finds it handed out", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ledger-"));
  try {
    const runtime = new FakeRuntime();
    const opts = { instance: "t", sessionTtlMs: 60_000, maxSessions: 5, reaperIntervalMs: 60_000, poolSize: 1 };
    const manager = new SessionManager(runtime, unlimited, { ...opts, handouts: fileLedger(join(dir, "h.json")) });
    await manager.start();
    await settle();
    // The node's claim is lost (the server stopped before it was written, say).
    const exec = runtime.exec.bind(runtime);
    runtime.exec = async (id, node, cmd) => (cmd.at(-1) === "/run/playground/claim" && cmd[0] === "sh" ? { exitCode: 1, stdout: "", stderr: "stopped" } : exec(id, node, cmd));
    const view = await manager.create("c");
    assert.equal(view.nodes[0]?.status, "ready", "handed out from the pool");
    manager.stop();
    await settle();
    assert.equal(runtime.claims.get(view.id), undefined, "the node has no claim");

    const restarted = new SessionManager(runtime, unlimited, { ...opts, handouts: fileLedger(join(dir, "h.json")) });
    await restarted.adopt();
    assert.equal(restarted.get(view.id).expiresAt, view.expiresAt, "handed out, with its expiry");
    assert.equal(restarted.activeCount, 1, "held, not put back into the pool");
    assert.equal(restarted.poolView.size, 1, "only the pool's refill is pooled");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
