/**
 * The warm pool: sessions started ahead and not handed out yet, so that a
 * new one is ready at once. They hold no seat, and their real expiry is
 * recorded in their nodes (the claim) only when they are handed out.
 */
import { removeLeftover } from "./adoption";
import { writeClaim } from "./claims";
import type { Deps, Session } from "./state";
import { unwatch } from "./watch";

export class WarmPool {
  /** Started ahead and not handed out yet; not counted as active. */
  private readonly sessions = new Map<string, Session>();

  /** `start` starts one pooled session, provisioning in the background. */
  constructor(
    private readonly deps: Pick<Deps, "runtime" | "opts" | "now" | "log">,
    private readonly start: () => Session,
  ) {}

  has(id: string): boolean {
    return this.sessions.has(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  values(): IterableIterator<Session> {
    return this.sessions.values();
  }

  /** Puts back a session never handed out (found on the engine after a restart). */
  add(session: Session): void {
    this.sessions.set(session.id, session);
  }

  /** Takes out a pooled session whose node stopped, and removes it from the engine. */
  discard(session: Session): void {
    this.sessions.delete(session.id);
    for (const n of session.nodes.values()) unwatch(n);
    void removeLeftover(this.deps, session.id);
  }

  /** Pooled sessions: how many, and how many are ready to hand out. */
  get view(): { size: number; ready: number; target: number } {
    const ready = [...this.sessions.values()].filter((s) => s.nodes.get("node1")?.status === "ready").length;
    return { size: this.sessions.size, ready, target: this.deps.opts.poolSize ?? 0 };
  }

  /** A ready pooled session, recorded as handed out; undefined when none is ready. */
  async take(): Promise<Session | undefined> {
    for (const session of this.sessions.values()) {
      if (session.nodes.get("node1")?.status !== "ready") continue;
      this.sessions.delete(session.id);
      session.createdAt = this.deps.now();
      session.lastSeen = session.createdAt;
      session.expiresAt = session.createdAt + this.deps.opts.sessionTtlMs;
      try {
        await writeClaim(this.deps.runtime, session);
        return session;
      } catch (e) {
        this.deps.log("pool_claim_failed", { sessionId: session.id, error: String(e) });
        await removeLeftover(this.deps, session.id);
      }
    }
    return undefined;
  }

  /** Starts pooled sessions until the pool is full; failures are retried on the reaper's next tick. */
  refill(): void {
    const want = (this.deps.opts.poolSize ?? 0) - this.sessions.size;
    for (let i = 0; i < want; i++) {
      const session = this.start();
      this.sessions.set(session.id, session);
      session.provisioned.then(() => {
        if (session.nodes.get("node1")?.status === "failed") this.sessions.delete(session.id);
      });
    }
  }
}
