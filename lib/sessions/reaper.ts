/**
 * Ending sessions, when asked to and when they expire or sit idle, and the
 * reaper: a timer that first adopts what a previous server left, then on
 * every tick ends expired and idle sessions and refills the warm pool.
 */
import type { Adoption } from "./adoption";
import type { WarmPool } from "./pool";
import type { SessionRegistry } from "./registry";
import type { Deps, EndReason, Session } from "./state";
import { unwatch } from "./watch";

export class Reaper {
  private timer?: NodeJS.Timeout;
  private adopted = false;

  constructor(
    private readonly deps: Pick<Deps, "runtime" | "opts" | "now" | "log" | "events">,
    private readonly registry: SessionRegistry,
    private readonly pool: Pick<WarmPool, "values" | "refill">,
    private readonly adoption: Pick<Adoption, "adopt">,
  ) {}

  /**
   * Starts the reaper, which first adopts what a previous server left. While
   * the engine is unreachable, adoption is tried again on every tick, and
   * expired sessions are still ended as soon as it answers.
   */
  async start(): Promise<void> {
    this.registry.adopting = !this.adopted;
    this.timer = setInterval(() => void this.tick(), this.deps.opts.reaperIntervalMs);
    this.timer.unref();
    await this.tick();
  }

  private async tick(): Promise<void> {
    if (!this.adopted) {
      try {
        await this.adoption.adopt();
        this.adopted = true;
        this.registry.adopting = false;
      } catch (e) {
        this.deps.log("adoption_failed", { error: String(e), retryInMs: this.deps.opts.reaperIntervalMs });
        return;
      }
    }
    await this.reap();
    if ((await this.deps.runtime.status()).engine.reachable) this.pool.refill();
  }

  /** Stops the reaper and the nodes' watches. Sessions keep running: a restarted server adopts them. */
  stop(): void {
    clearInterval(this.timer);
    for (const s of [...this.registry.values(), ...this.pool.values()]) for (const node of s.nodes.values()) unwatch(node);
  }

  /** Ends a session: its terminals are told first, then everything is removed. Idempotent. */
  end(session: Session, reason: EndReason): Promise<void> {
    const { runtime, log, events } = this.deps;
    session.ending ??= (async () => {
      for (const node of session.nodes.values()) unwatch(node);
      events.emit("ended", session.id, reason);
      await session.provisioned;
      try {
        await runtime.removeSession(session.id);
      } catch (e) {
        // Leave the session findable so that a later delete or the reaper tries again.
        session.ending = undefined;
        log("session_end_failed", { sessionId: session.id, error: String(e) });
        throw e;
      }
      this.registry.unregister(session);
      this.deps.opts.handouts?.forget(session.id);
      this.pool.refill(); // the seat is free: the pool may use it until a person does
      log("session_ended", { sessionId: session.id, reason });
      events.emit("removed", session.id, reason);
    })();
    return session.ending;
  }

  /** Ends every expired session, and every idle one; returns how many. */
  async reap(): Promise<number> {
    const now = this.deps.now();
    const idleMs = this.deps.opts.idleTimeoutMs ?? 0;
    const ends: [Session, EndReason][] = [];
    for (const s of this.registry.values()) {
      if (s.ending) continue;
      if (s.expiresAt <= now) ends.push([s, "expired"]);
      else if (idleMs > 0 && s.participants.size === 0 && now - s.lastSeen >= idleMs) ends.push([s, "idle"]);
    }
    const results = await Promise.allSettled(ends.map(([s, reason]) => this.end(s, reason)));
    results.forEach((r, i) => {
      if (r.status === "rejected") this.deps.log("reap_failed", { sessionId: ends[i]![0].id, error: String(r.reason) });
    });
    return ends.length;
  }
}
