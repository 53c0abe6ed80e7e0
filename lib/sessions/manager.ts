/**
 * Core logic for sessions, independent of Docker and of HTTP: creating,
 * finding, expiring and ending sessions, adopting those a previous server
 * left running, and removing leftovers. The engine is reached only through
 * SandboxRuntime.
 */
import { EventEmitter } from "node:events";
import type { ExecResult, NodeStatus, NodeView, SessionView } from "../protocol";
import {
  CapacityError,
  EngineUnavailableError,
  ImagesMissingError,
  NodeNotFoundError,
  NodeNotReadyError,
  PlaygroundError,
  SessionNotFoundError,
  isPlaygroundError,
} from "./errors";
import { isNodeName, isSessionId, newSessionId } from "./ids";
import type { CreationLimiter } from "./rate-limit";
import type { SandboxRuntime } from "./runtime";

export interface ManagerOptions {
  instance: string;
  sessionTtlMs: number;
  maxSessions: number;
  reaperIntervalMs: number;
  /** Sessions kept started ahead, so that a new one is ready at once. 0 disables the pool. */
  poolSize?: number;
  /** Upper bound for exec commands; also how long exec waits for a provisioning node. */
  defaultExecTimeoutMs?: number;
  now?: () => number;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

interface NodeState {
  name: string;
  status: NodeStatus;
  message: string;
  /** Settles when the node is ready (resolves) or has failed (rejects). */
  ready: Promise<void>;
}

interface Session {
  id: string;
  createdAt: number;
  expiresAt: number;
  nodes: Map<string, NodeState>;
  /** Settles when provisioning has finished, however it ended. */
  provisioned: Promise<void>;
  ending?: Promise<void>;
}

/** Inside a node: the expiry given when a pooled session was handed out. */
const CLAIM_FILE = "/run/playground/claim";

/** How long a session whose node failed stays visible, with its reason. */
const FAILED_SESSION_KEPT_MS = 10 * 60_000;

export type EndReason = "deleted" | "expired";

export interface SessionManagerEvents {
  ended: [sessionId: string, reason: EndReason];
}

export class SessionManager extends EventEmitter<SessionManagerEvents> {
  private readonly sessions = new Map<string, Session>();
  /** Started ahead and not handed out yet; not counted as active. */
  private readonly pool = new Map<string, Session>();
  private reaper?: NodeJS.Timeout;
  private adopted = false;
  private readonly now: () => number;
  private readonly log: NonNullable<ManagerOptions["log"]>;

  constructor(
    private readonly runtime: SandboxRuntime,
    private readonly limiter: CreationLimiter,
    private readonly opts: ManagerOptions,
  ) {
    super();
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => {});
  }

  /** Sessions holding a seat: not ending, not expired, and with a node that did not fail. */
  get activeCount(): number {
    const now = this.now();
    return [...this.sessions.values()].filter(
      (s) => !s.ending && s.expiresAt > now && [...s.nodes.values()].some((n) => n.status !== "failed"),
    ).length;
  }

  get maxSessions(): number {
    return this.opts.maxSessions;
  }

  /**
   * Starts the reaper, which first adopts what a previous server left. While
   * the engine is unreachable, adoption is tried again on every tick, and
   * expired sessions are still ended as soon as it answers.
   */
  async start(): Promise<void> {
    this.reaper = setInterval(() => void this.tick(), this.opts.reaperIntervalMs);
    this.reaper.unref();
    await this.tick();
  }

  private async tick(): Promise<void> {
    if (!this.adopted) {
      try {
        await this.adopt();
        this.adopted = true;
      } catch (e) {
        this.log("adoption_failed", { error: String(e), retryInMs: this.opts.reaperIntervalMs });
        return;
      }
    }
    await this.reap();
    if ((await this.runtime.status()).engine.reachable) this.refill();
  }

  /** Pooled sessions: how many, and how many are ready to hand out. */
  get poolView(): { size: number; ready: number; target: number } {
    const ready = [...this.pool.values()].filter((s) => s.nodes.get("node1")?.status === "ready").length;
    return { size: this.pool.size, ready, target: this.opts.poolSize ?? 0 };
  }

  /** Adopts live sessions of this instance and removes dead, expired and orphaned ones. */
  async adopt(): Promise<{ adopted: number; removed: number }> {
    const found = await this.runtime.listNodes();
    const bySession = new Map<string, typeof found>();
    for (const node of found) {
      const list = bySession.get(node.sessionId) ?? [];
      list.push(node);
      bySession.set(node.sessionId, list);
    }
    let adopted = 0;
    let removed = 0;
    for (const [id, nodes] of bySession) {
      if (this.sessions.has(id) || this.pool.has(id)) continue; // made by this process meanwhile
      let expiresAt: number | undefined = Math.min(...nodes.map((n) => n.expiresAt.getTime()));
      const pooled = nodes.some((n) => n.pooled);
      if (pooled && nodes.every((n) => n.running)) expiresAt = await this.readClaim(id);
      const alive = nodes.every((n) => n.running) && (expiresAt === undefined || expiresAt > this.now());
      if (!alive || (expiresAt === undefined && this.pool.size >= (this.opts.poolSize ?? 0))) {
        if (await this.removeLeftover(id)) removed++;
        continue;
      }
      const states = new Map<string, NodeState>();
      for (const n of nodes) {
        states.set(n.name, { name: n.name, status: "ready", message: "ready", ready: Promise.resolve() });
      }
      const session: Session = { id, createdAt: this.now(), expiresAt: expiresAt ?? Infinity, nodes: states, provisioned: Promise.resolve() };
      if (expiresAt === undefined) this.pool.set(id, session); // never handed out: back into the pool
      else this.sessions.set(id, session);
      adopted++;
    }
    const all = [...this.sessions.values(), ...this.pool.values()];
    // The registry may have been recreated since (setup): join it to every network again.
    await Promise.allSettled(all.map((s) => this.runtime.createNetwork(s.id, this.labels(s))));
    // Shells opened by the previous server outlive its `docker exec` clients: end them.
    await Promise.allSettled(
      all.flatMap((s) =>
        [...s.nodes.keys()].map((node) => this.runtime.exec(s.id, node, ["playground-shell", "--reap"], { timeoutMs: 5000 })),
      ),
    );
    for (const id of await this.runtime.listOrphanSessions()) {
      if (!this.sessions.has(id) && !this.pool.has(id) && (await this.removeLeftover(id))) removed++;
    }
    this.log("sessions_adopted", { adopted, removed, pooled: this.pool.size });
    return { adopted, removed };
  }

  /**
   * A pooled session's expiry is decided when it is handed out, after its
   * labels were written: it is kept in the node (/run/playground/claim).
   * undefined: never handed out.
   */
  private async readClaim(id: string): Promise<number | undefined> {
    const r = await this.runtime.exec(id, "node1", ["cat", CLAIM_FILE], { timeoutMs: 5000 }).catch(() => undefined);
    const at = r?.exitCode === 0 ? Date.parse(r.stdout.trim()) : NaN;
    return Number.isNaN(at) ? undefined : at;
  }

  private async writeClaim(session: Session): Promise<void> {
    const iso = new Date(session.expiresAt).toISOString();
    // argv, not a shell string: the date is passed as $1.
    const cmd = ["sh", "-c", 'mkdir -p /run/playground && printf %s "$1" > "$2"', "claim", iso, CLAIM_FILE];
    const r = await this.runtime.exec(session.id, "node1", cmd, { timeoutMs: 5000 });
    if (r.exitCode !== 0) throw new Error(`recording the claim failed: ${r.stderr}`);
  }

  private labels(s: Session) {
    const expiresAt = Number.isFinite(s.expiresAt) ? s.expiresAt : this.now() + this.opts.sessionTtlMs;
    return { instance: this.opts.instance, sessionId: s.id, expiresAt: new Date(expiresAt), pooled: this.pool.has(s.id) };
  }

  /** One leftover that cannot be removed must not stop the server: it is logged and tried again next start. */
  private async removeLeftover(id: string): Promise<boolean> {
    try {
      await this.runtime.removeSession(id);
      return true;
    } catch (e) {
      this.log("leftover_not_removed", { sessionId: id, error: String(e) });
      return false;
    }
  }

  /** Stops the reaper. Sessions keep running: a restarted server adopts them. */
  stop(): void {
    clearInterval(this.reaper);
  }

  async create(clientKey: string): Promise<SessionView> {
    if (this.activeCount >= this.opts.maxSessions) throw new CapacityError(this.opts.maxSessions);
    await this.ensureRunnable();
    await this.limiter.consume(clientKey);
    // Checked again: another request may have taken the last seat meanwhile.
    if (this.activeCount >= this.opts.maxSessions) throw new CapacityError(this.opts.maxSessions);

    const session = (await this.takeFromPool()) ?? this.startSession(false);
    this.sessions.set(session.id, session);
    this.log("session_created", { sessionId: session.id });
    this.refill();
    return this.view(session);
  }

  /** A ready pooled session, recorded as handed out; undefined when none is ready. */
  private async takeFromPool(): Promise<Session | undefined> {
    for (const session of this.pool.values()) {
      if (session.nodes.get("node1")?.status !== "ready") continue;
      this.pool.delete(session.id);
      session.createdAt = this.now();
      session.expiresAt = session.createdAt + this.opts.sessionTtlMs;
      try {
        await this.writeClaim(session);
        return session;
      } catch (e) {
        this.log("pool_claim_failed", { sessionId: session.id, error: String(e) });
        await this.removeLeftover(session.id);
      }
    }
    return undefined;
  }

  /** Starts pooled sessions until the pool is full; failures are retried on the reaper's next tick. */
  private refill(): void {
    const want = (this.opts.poolSize ?? 0) - this.pool.size;
    for (let i = 0; i < want; i++) {
      const session = this.startSession(true);
      this.pool.set(session.id, session);
      session.provisioned.then(() => {
        if (session.nodes.get("node1")?.status === "failed") this.pool.delete(session.id);
      });
    }
  }

  private startSession(pooled: boolean): Session {
    const node: NodeState = { name: "node1", status: "provisioning", message: "creating the session's network", ready: Promise.resolve() };
    const session: Session = {
      id: newSessionId(),
      createdAt: this.now(),
      expiresAt: pooled ? Infinity : this.now() + this.opts.sessionTtlMs,
      nodes: new Map([[node.name, node]]),
      provisioned: Promise.resolve(),
    };
    node.ready = this.provision(session, node, pooled);
    session.provisioned = node.ready.catch(() => {});
    return session;
  }

  /** Throws the error a person should see when the engine cannot start sessions. */
  async ensureRunnable(): Promise<void> {
    const status = await this.runtime.status();
    if (!status.engine.reachable) {
      this.log("engine_unreachable", { detail: status.engine.message });
      throw new EngineUnavailableError(status.engine.message ?? "no answer");
    }
    if (!status.sandboxImage) throw new ImagesMissingError("The sandbox image is missing");
    if (!status.registryRunning) throw new ImagesMissingError("The playground registry is not running");
  }

  private async provision(session: Session, node: NodeState, pooled: boolean): Promise<void> {
    const expiresAt = pooled ? this.now() + this.opts.sessionTtlMs : session.expiresAt;
    const labels = { instance: this.opts.instance, sessionId: session.id, expiresAt: new Date(expiresAt), pooled };
    const started = this.now();
    try {
      await this.runtime.createNetwork(session.id, labels);
      node.message = "starting the node";
      await this.runtime.startNode({ sessionId: session.id, name: node.name, labels }, (message) => {
        node.message = message;
      });
      if (session.ending) throw new PlaygroundError("session_ended", "the session ended while it was starting", 410);
      node.status = "ready";
      node.message = "ready";
      this.log("node_ready", { sessionId: session.id, node: node.name, ms: this.now() - started, pooled });
    } catch (e) {
      node.status = "failed";
      // Engine errors can name host paths and addresses: people get a plain reason, the log the detail.
      node.message = isPlaygroundError(e) ? e.message : "the node could not start; the operator can find why in the server's log";
      this.log("node_failed", { sessionId: session.id, node: node.name, error: String(e) });
      // The page shows why for a while; then the reaper forgets the session.
      session.expiresAt = Math.min(session.expiresAt, this.now() + FAILED_SESSION_KEPT_MS);
      // A half-made node is never left behind; the session stays visible with its reason.
      if (!session.ending) await this.runtime.removeSession(session.id).catch(() => {});
      throw e;
    }
  }

  get(id: string): SessionView {
    return this.view(this.find(id));
  }

  /** The node, once it is ready to run commands; waits while it is starting. */
  async readyNode(id: string, name: string, waitMs: number): Promise<void> {
    const node = this.findNode(id, name);
    if (node.status === "ready") return;
    if (node.status === "failed") throw new NodeNotReadyError(name, node.message);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new NodeNotReadyError(name, "it is still starting; try again in a moment")), waitMs);
    });
    try {
      await Promise.race([node.ready, timeout]);
    } catch (e) {
      if (e instanceof NodeNotReadyError) throw e;
      throw new NodeNotReadyError(name, node.message);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A node's current state, for the terminal: status changes are polled by callers. */
  nodeState(id: string, name: string): NodeView {
    const node = this.findNode(id, name);
    return { name: node.name, status: node.status, message: node.message };
  }

  async exec(id: string, name: string, cmd: string[], timeoutMs?: number): Promise<ExecResult> {
    const limit = timeoutMs ?? this.opts.defaultExecTimeoutMs ?? 30_000;
    const started = this.now();
    await this.readyNode(id, name, limit);
    const left = Math.max(1000, limit - (this.now() - started));
    return this.runtime.exec(id, name, cmd, { timeoutMs: left });
  }

  /** Ends a session: its terminals are told first, then everything is removed. Idempotent. */
  async delete(id: string): Promise<void> {
    await this.end(this.find(id), "deleted");
  }

  private end(session: Session, reason: EndReason): Promise<void> {
    session.ending ??= (async () => {
      this.emit("ended", session.id, reason);
      await session.provisioned;
      try {
        await this.runtime.removeSession(session.id);
      } catch (e) {
        // Leave the session findable so that a later delete or the reaper tries again.
        session.ending = undefined;
        this.log("session_end_failed", { sessionId: session.id, error: String(e) });
        throw e;
      }
      this.sessions.delete(session.id);
      this.log("session_ended", { sessionId: session.id, reason });
    })();
    return session.ending;
  }

  /** Ends every expired session; returns how many. */
  async reap(): Promise<number> {
    const expired = [...this.sessions.values()].filter((s) => !s.ending && s.expiresAt <= this.now());
    const results = await Promise.allSettled(expired.map((s) => this.end(s, "expired")));
    for (const r of results) if (r.status === "rejected") this.log("reap_failed", { error: String(r.reason) });
    return expired.length;
  }

  private find(id: string): Session {
    const session = isSessionId(id) ? this.sessions.get(id) : undefined;
    if (!session || session.ending || session.expiresAt <= this.now()) throw new SessionNotFoundError();
    return session;
  }

  private findNode(id: string, name: string): NodeState {
    const session = this.find(id);
    const node = isNodeName(name) ? session.nodes.get(name) : undefined;
    if (!node) throw new NodeNotFoundError(name);
    return node;
  }

  private view(s: Session): SessionView {
    return {
      id: s.id,
      url: `/s/${s.id}`,
      access: "control",
      expiresAt: new Date(s.expiresAt).toISOString(),
      maxExpiresAt: new Date(s.expiresAt).toISOString(),
      nodes: [...s.nodes.values()].map((n) => ({ name: n.name, status: n.status, message: n.message })),
      maxNodes: 1,
      connected: [],
    };
  }
}
