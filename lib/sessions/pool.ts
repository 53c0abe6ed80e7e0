/**
 * The warm pool: sessions started ahead and not handed out yet, so that a
 * new one is ready at once. Seats are for people: the pool only fills seats
 * nobody holds (`spare`), and shrinks first when people need them. A pooled
 * session's real expiry is recorded in its node (the claim) only when it is
 * handed out.
 */
import { removeLeftover } from "./adoption";
import { writeClaim } from "./claims";
import type { Deps, Session } from "./state";
import { unwatch } from "./watch";

/** With a ledger, the node's own claim is written this long (up to twice) after the hand-out. */
const CLAIM_LATER_MS = 5000;

export class WarmPool {
  /** Started ahead and not handed out yet; not counted as active. */
  private readonly sessions = new Map<string, Session>();
  /** Seats of classes about to join, kept warm besides POOL_SIZE (lib/workshops/cohorts.ts). */
  private classSeats = 0;

  /** How many the pool wants: POOL_SIZE and the seats classes may soon take. */
  get target(): number {
    return (this.deps.opts.poolSize ?? 0) + this.classSeats;
  }

  /** Classes' seats to keep warm from now on; the pool grows or shrinks to match. */
  warmClassSeats(seats: number): void {
    this.classSeats = Math.max(0, Math.floor(seats));
    this.refill();
  }

  /**
   * `start` starts one pooled session, provisioning in the background;
   * `spare` is how many seats nobody holds or is being given.
   */
  constructor(
    private readonly deps: Pick<Deps, "runtime" | "opts" | "now" | "log" | "events">,
    private readonly start: () => Session,
    private readonly spare: () => number,
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

  /** Takes out a pooled session (its node stopped, or its seat is wanted) and removes it from the engine. */
  discard(session: Session): void {
    this.sessions.delete(session.id);
    for (const n of session.nodes.values()) {
      unwatch(n);
      // Its shell, started ahead (lib/terminal/service.ts), goes with it.
      this.deps.events.emit("nodeRemoved", session.id, n.name);
    }
    // One still starting is removed once its start is over; `ending` makes the start give up early.
    session.ending ??= session.provisioned.then(() => void removeLeftover(this.deps, session.id));
  }

  /** Pooled sessions: how many, and how many are ready to hand out. */
  get view(): { size: number; ready: number; target: number } {
    const ready = [...this.sessions.values()].filter(isReady).length;
    return { size: this.sessions.size, ready, target: this.target };
  }

  /** A ready pooled session, recorded as handed out; undefined when none is ready. */
  async take(): Promise<Session | undefined> {
    for (const session of this.sessions.values()) {
      if (!isReady(session)) continue;
      this.sessions.delete(session.id);
      // Most likely a class's seat, now taken: not started again before the classes say so (warmClassSeats).
      if (this.classSeats > 0) this.classSeats--;
      session.createdAt = this.deps.now();
      session.lastSeen = session.createdAt;
      session.expiresAt = session.createdAt + this.deps.opts.sessionTtlMs;
      try {
        const { handouts } = this.deps.opts;
        if (handouts) {
          // On the server's disk at once; in the node some seconds later, spread out so that
          // a class joining at once does not queue its commands behind 30 claims (lib/sessions/handouts.ts).
          await handouts.record(session.id, { expiresAt: session.expiresAt, createdAt: session.createdAt });
          setTimeout(() => {
            if (session.ending) return;
            writeClaim(this.deps.runtime, session).catch((e: unknown) => this.deps.log("claim_failed", { sessionId: session.id, error: String(e) }));
          }, CLAIM_LATER_MS * (1 + Math.random())).unref();
        } else {
          await writeClaim(this.deps.runtime, session);
        }
        return session;
      } catch (e) {
        this.deps.log("pool_claim_failed", { sessionId: session.id, error: String(e) });
        await removeLeftover(this.deps, session.id);
      }
    }
    return undefined;
  }

  /**
   * Brings the pool to its size, or to the spare seats when fewer: pooled
   * sessions still starting are given up first, then ready ones. Failures
   * are retried on the reaper's next tick.
   */
  refill(): void {
    const target = Math.max(0, Math.min(this.target, this.spare()));
    const extra = [...this.sessions.values()].sort((a, b) => Number(isReady(a)) - Number(isReady(b)));
    for (const session of extra.slice(0, Math.max(0, this.sessions.size - target))) {
      this.deps.log("pool_shrunk", { sessionId: session.id });
      this.discard(session);
    }
    const want = target - this.sessions.size;
    for (let i = 0; i < want; i++) {
      const session = this.start();
      this.sessions.set(session.id, session);
      session.provisioned.then(() => {
        if (session.nodes.get("node1")?.status === "failed") this.sessions.delete(session.id);
      });
    }
  }
}

const isReady = (session: Session): boolean => session.nodes.get("node1")?.status === "ready";
