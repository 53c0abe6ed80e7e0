/**
 * After a restart: what a previous server left on the engine. Live sessions
 * are taken over (handed-out ones with the expiry their claim records,
 * never handed-out ones back into the pool); dead, expired and orphaned
 * ones are removed.
 */
import { readClaim } from "./claims";
import { newSessionId } from "./ids";
import type { WarmPool } from "./pool";
import type { SessionRegistry } from "./registry";
import { labels, newSession, nodeNumber, type Deps, type NodeState } from "./state";
import type { NodeWatcher } from "./watch";

export class Adoption {
  constructor(
    private readonly deps: Pick<Deps, "runtime" | "opts" | "now" | "log">,
    private readonly registry: SessionRegistry,
    private readonly pool: WarmPool,
    private readonly watcher: Pick<NodeWatcher, "watch">,
  ) {}

  /** Adopts live sessions of this instance and removes dead, expired and orphaned ones. */
  async adopt(): Promise<{ adopted: number; removed: number }> {
    const { runtime, now, log } = this.deps;
    const { registry, pool } = this;
    await this.deps.opts.handouts?.load(now());
    const found = await runtime.listNodes();
    const bySession = new Map<string, typeof found>();
    for (const node of found) {
      const list = bySession.get(node.sessionId) ?? [];
      list.push(node);
      bySession.set(node.sessionId, list);
    }
    let adopted = 0;
    let removed = 0;
    for (const [id, nodes] of bySession) {
      if (registry.has(id) || pool.has(id)) continue; // made by this process meanwhile
      const running = nodes.every((n) => n.running);
      const inNode = running ? await readClaim(runtime, id, nodes.map((n) => n.name)) : undefined;
      // A hand-out is in the node's claim, or in the server's ledger when the server stopped before the node had it.
      const ledger = this.deps.opts.handouts?.get(id);
      const claim = [inNode, ledger].filter((c) => !!c).sort((a, b) => b.expiresAt - a.expiresAt)[0];
      // Labels of nodes made after hand-out carry an expiry; the claim has the latest one.
      const labelled = nodes.filter((n) => !n.pooled).map((n) => n.expiresAt.getTime());
      const candidates = [...labelled, ...(claim ? [claim.expiresAt] : [])];
      const expiresAt = candidates.length ? Math.max(...candidates) : undefined;
      const alive = running && (expiresAt === undefined || expiresAt > now());
      if (!alive || (expiresAt === undefined && pool.size >= pool.target)) {
        if (await removeLeftover(this.deps, id)) removed++;
        continue;
      }
      const states = new Map<string, NodeState>();
      for (const n of [...nodes].sort((a, b) => nodeNumber(a.name) - nodeNumber(b.name))) {
        states.set(n.name, { name: n.name, status: "ready", message: "ready", ready: Promise.resolve(), ip: n.ip });
      }
      const session = newSession(now, id, nodes.find((n) => n.watchId)?.watchId ?? newSessionId(), expiresAt ?? Infinity);
      session.nodes = states;
      session.createdAt = claim?.createdAt ?? now();
      if (expiresAt === undefined) pool.add(session); // never handed out: back into the pool
      else registry.register(session);
      adopted++;
    }
    const all = [...registry.values(), ...pool.values()];
    // A node's engine may have stopped while no server watched: the watch reports it.
    for (const s of all) for (const node of s.nodes.values()) if (!node.watch) this.watcher.watch(s, node);
    // The playground registry (the nodes' image mirror) may have been recreated since (setup): join it to every network again.
    await Promise.allSettled(all.map((s) => runtime.createNetwork(s.id, labels(this.deps, s, pool.has(s.id)))));
    // Shells opened by the previous server outlive its `docker exec` clients: end them.
    await Promise.allSettled(
      all.flatMap((s) =>
        [...s.nodes.keys()].map((node) => runtime.exec(s.id, node, ["playground-shell", "--reap"], { timeoutMs: 5000 })),
      ),
    );
    for (const id of await runtime.listOrphanSessions()) {
      if (!registry.has(id) && !pool.has(id) && (await removeLeftover(this.deps, id))) removed++;
    }
    log("sessions_adopted", { adopted, removed, pooled: pool.size });
    return { adopted, removed };
  }
}

/** One leftover that cannot be removed must not stop the server: it is logged and tried again next start. */
export async function removeLeftover({ runtime, log }: Pick<Deps, "runtime" | "log">, id: string): Promise<boolean> {
  try {
    await runtime.removeSession(id);
    return true;
  } catch (e) {
    log("leftover_not_removed", { sessionId: id, error: String(e) });
    return false;
  }
}
