/**
 * Core logic for sessions, independent of Docker and of HTTP: creating,
 * finding, expiring and ending sessions, adopting those a previous server
 * left running, and removing leftovers. The engine is reached only through
 * SandboxRuntime.
 *
 * SessionManager is the one entry point; the work is done by its parts,
 * each taking what it uses:
 * - registry.ts: the sessions handed out, and what an id names;
 * - pool.ts: sessions started ahead (the warm pool);
 * - provision.ts: starting sessions and nodes;
 * - watch.ts: following ready nodes (engine or node stopping, restarting);
 * - nodes.ts: waiting for, running commands in, adding, removing, restarting nodes;
 * - session-files.ts: files in nodes (uploads, downloads, the editor);
 * - templates.ts: swarm templates;
 * - claims.ts: the expiry recorded inside every node;
 * - adoption.ts: what a previous server left;
 * - reaper.ts: ending sessions, on request, when expired or idle;
 * - state.ts: the session's state and views, shared by all of them.
 */
import { EventEmitter } from "node:events";
import type { Access, ExecResult, NodeStatus, NodeView, PathView, SavedFile, SessionView } from "../protocol";
import { Adoption } from "./adoption";
import { writeClaim } from "./claims";
import { capacityOf, fullMessage, type CapacityView } from "./capacity";
import { CapacityError, ConflictError, EngineUnavailableError, ImagesMissingError, IsolationUnavailableError } from "./errors";
import { NodeOperations } from "./nodes";
import { WarmPool } from "./pool";
import { Provisioner } from "./provision";
import type { CreationLimiter } from "./rate-limit";
import { Reaper } from "./reaper";
import { SessionRegistry } from "./registry";
import type { PathContent, RuntimeStatus, SandboxRuntime } from "./runtime";
import { SessionFiles } from "./session-files";
import { maxLifetimeMs, sessionView, type Deps, type ManagerOptions, type Session, type SessionManagerEvents } from "./state";
import { SwarmTemplates, type TemplateName } from "./templates";
import { NodeWatcher } from "./watch";

export type { EndReason, ManagerOptions, SessionManagerEvents } from "./state";
export { nodePath } from "./session-files";
export { TEMPLATES, type TemplateName } from "./templates";
export { stoppedMessage } from "./watch";

const STATUS_REUSE_MS = 500;

export class SessionManager extends EventEmitter<SessionManagerEvents> {
  private readonly deps: Deps;
  private readonly registry: SessionRegistry;
  private readonly pool: WarmPool;
  private readonly provisioner: Provisioner;
  private readonly nodes: NodeOperations;
  private readonly files: SessionFiles;
  private readonly templates: SwarmTemplates;
  private readonly adoption: Adoption;
  private readonly reaper: Reaper;
  /** Seats being given now (checked, not registered yet): they count as held. */
  private giving = 0;

  constructor(
    private readonly runtime: SandboxRuntime,
    private readonly limiter: CreationLimiter,
    private readonly opts: ManagerOptions,
  ) {
    super();
    const deps: Deps = { runtime, opts, now: opts.now ?? Date.now, log: opts.log ?? (() => {}), events: this };
    this.deps = deps;
    this.registry = new SessionRegistry(deps.now);
    // The pool is filled by the provisioner, which watches nodes, and the watch replaces pooled sessions whose node stops.
    this.pool = new WarmPool(
      deps,
      () => this.provisioner.startSession(true),
      () => this.capacity.sessions - this.registry.activeCount - this.giving,
    );
    const watcher = new NodeWatcher(deps, this.pool);
    this.provisioner = new Provisioner(deps, watcher);
    this.nodes = new NodeOperations(deps, this.registry, this.provisioner, watcher);
    this.files = new SessionFiles(deps, this.registry, this.nodes);
    this.templates = new SwarmTemplates(deps, this.registry, this.provisioner, this.nodes);
    this.adoption = new Adoption(deps, this.registry, this.pool, watcher);
    this.reaper = new Reaper(deps, this.registry, this.pool, this.adoption);
  }

  /** Sessions holding a seat: not ending, not expired, and not failed (every node failed). */
  get activeCount(): number {
    return this.registry.activeCount;
  }

  get maxSessions(): number {
    return this.opts.maxSessions;
  }

  /** Sessions this playground may hold now, and what binds (MAX_SESSIONS or the host's room). */
  get capacity(): CapacityView {
    return capacityOf(this.opts.maxSessions, this.opts.room?.(this.registry.activeCount + this.pool.size));
  }

  /** Nodes of the sessions held (handed out and pooled), by status; counts only, for metrics. */
  get nodeCounts(): Record<NodeStatus, number> {
    const counts: Record<NodeStatus, number> = { provisioning: 0, ready: 0, failed: 0, stopped: 0 };
    for (const s of [...this.registry.values(), ...this.pool.values()]) {
      for (const n of s.nodes.values()) counts[n.status]++;
    }
    return counts;
  }

  /** Keeps this many class seats started ahead besides the pool, as far as capacity allows. */
  warmClassSeats(seats: number): void {
    this.pool.warmClassSeats(seats);
  }

  /** Pooled sessions: how many, and how many are ready to hand out. */
  get poolView(): { size: number; ready: number; target: number } {
    return this.pool.view;
  }

  /**
   * Starts the reaper, which first adopts what a previous server left. While
   * the engine is unreachable, adoption is tried again on every tick, and
   * expired sessions are still ended as soon as it answers.
   */
  start(): Promise<void> {
    return this.reaper.start();
  }

  /** Stops the reaper and the nodes' watches. Sessions keep running: a restarted server adopts them. */
  stop(): void {
    this.reaper.stop();
    clearTimeout(this.refillTimer);
    this.refillTimer = undefined;
  }

  /** Adopts live sessions of this instance and removes dead, expired and orphaned ones. */
  adopt(): Promise<{ adopted: number; removed: number }> {
    return this.adoption.adopt();
  }

  /** Ends every expired session, and every idle one; returns how many. */
  reap(): Promise<number> {
    return this.reaper.reap();
  }

  /**
   * Hands out a session. `clientKey` is what the creation limit counts
   * against; undefined when the caller limits creations itself (a class's seats).
   */
  async create(clientKey: string | undefined): Promise<SessionView> {
    const refuseWhenFull = () => {
      const capacity = this.capacity;
      if (this.activeCount + this.giving >= capacity.sessions) throw new CapacityError(fullMessage(capacity));
    };
    refuseWhenFull();
    await this.ensureRunnable();
    if (clientKey !== undefined) await this.limiter.consume(clientKey);
    // Checked again, and the seat held at once: other requests may be taking seats meanwhile.
    refuseWhenFull();
    this.giving++;
    let session: Session;
    try {
      session = (await this.pool.take()) ?? this.startForSeat();
      this.registry.register(session);
    } finally {
      this.giving--;
    }
    this.deps.log("session_created", { sessionId: session.id });
    this.emit("created", session.id);
    this.refillAfterHandout();
    return sessionView(session, "control", this.opts);
  }

  private refillTimer?: NodeJS.Timeout;
  /** One refill for the hand-outs of the next refillAfterMs (a class joining at once shares it). */
  private refillAfterHandout(): void {
    const delay = this.opts.refillAfterMs ?? 0;
    if (delay <= 0) return this.pool.refill();
    this.refillTimer ??= setTimeout(() => {
      this.refillTimer = undefined;
      this.pool.refill();
    }, delay).unref();
  }

  /** A session started for a person; the pool first gives up the seat it may be holding. */
  private startForSeat(): Session {
    this.pool.refill();
    return this.provisioner.startSession(false);
  }

  /**
   * The engine's status for new sessions: one question for all who ask at
   * the same moment, and a good answer reused for STATUS_REUSE_MS (a class
   * pressing Start at once would otherwise ask 30 times, 3 engine calls each).
   */
  private runnable?: { at: number; status: Promise<RuntimeStatus> };

  /** Throws the error a person should see when the engine cannot start sessions. */
  async ensureRunnable(): Promise<void> {
    const now = this.deps.now();
    if (!this.runnable || now - this.runnable.at > STATUS_REUSE_MS) {
      const asked = { at: now, status: this.runtime.status() };
      this.runnable = asked;
      // A bad answer is never reused: the next one asks again.
      void asked.status.then((s) => {
        const good = s.engine.reachable && s.sandboxImage && s.registryRunning && (s.isolation?.ok ?? true);
        if (!good && this.runnable === asked) this.runnable = undefined;
      });
    }
    const status = await this.runnable.status;
    if (!status.engine.reachable) {
      this.deps.log("engine_unreachable", { detail: status.engine.message });
      throw new EngineUnavailableError(status.engine.message ?? "no answer");
    }
    if (!status.sandboxImage) throw new ImagesMissingError("The sandbox image is missing");
    if (!status.registryRunning) throw new ImagesMissingError("The playground registry is not running");
    if (status.isolation && !status.isolation.ok) throw new IsolationUnavailableError(status.isolation.message ?? "");
  }

  /** Moves the expiry later by extendMs, up to the session's maximum lifetime. */
  async extend(id: string): Promise<SessionView> {
    const { now, log } = this.deps;
    const session = this.registry.control(id);
    const latest = session.createdAt + maxLifetimeMs(this.opts);
    if (session.expiresAt >= latest - 1000) {
      throw new ConflictError(
        "extend_limit",
        `This session cannot run longer: sessions end at most ${Math.round(maxLifetimeMs(this.opts) / 60_000)} minutes after they start.`,
      );
    }
    session.expiresAt = Math.min(Math.max(session.expiresAt, now()) + (this.opts.extendMs ?? this.opts.sessionTtlMs), latest);
    session.lastSeen = now();
    await writeClaim(this.runtime, session).catch((e) => log("claim_failed", { sessionId: session.id, error: String(e) }));
    log("session_extended", { sessionId: session.id, expiresAt: new Date(session.expiresAt).toISOString() });
    this.emit("changed", session.id);
    return sessionView(session, "control", this.opts);
  }

  /** Ends a session: its terminals are told first, then everything is removed. Idempotent. */
  async delete(id: string): Promise<void> {
    await this.reaper.end(this.registry.control(id), "deleted");
  }

  /** Throws unless the id may change the session (404 unknown, 403 watch-only). */
  requireControl(id: string): void {
    this.registry.control(id);
  }

  /** What this id grants: the session's own id controls it, its watch id only looks. */
  access(id: string): Access {
    return this.registry.resolve(id).access;
  }

  /** The session an id (control or watch) names, and what it grants. */
  sessionOf(id: string): { sessionId: string; access: Access } {
    const { session, access } = this.registry.resolve(id);
    return { sessionId: session.id, access };
  }

  /** The id in port links: the watch id, so that a port's address never grants control. */
  watchIdOf(id: string): string {
    return this.registry.resolve(id).session.watchId;
  }

  get(id: string): SessionView {
    const { session, access } = this.registry.resolve(id);
    return sessionView(session, access, this.opts);
  }

  /** Someone is using the session now: it is not idle. */
  touch(id: string): void {
    this.registry.resolve(id).session.lastSeen = this.deps.now();
  }

  /**
   * Records an open terminal of a browser tab; returns the function that
   * records its closing. A session with nobody in it ends after idleTimeoutMs.
   */
  join(id: string, client: { clientId: string; name: string }): () => void {
    const { session, access } = this.registry.resolve(id);
    const entry = session.participants.get(client.clientId) ?? { name: client.name, access, sockets: 0 };
    entry.sockets++;
    session.participants.set(client.clientId, entry);
    this.emit("changed", session.id);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      session.lastSeen = this.deps.now();
      if (--entry.sockets <= 0) session.participants.delete(client.clientId);
      this.emit("changed", session.id);
    };
  }

  // Nodes (lib/sessions/nodes.ts).

  /** The node, once it can run commands; waits while it is starting. */
  readyNode(id: string, name: string, waitMs: number): Promise<void> {
    return this.nodes.readyNode(id, name, waitMs);
  }

  /** A node's current state, for the terminal: status changes are polled by callers. */
  nodeState(id: string, name: string): NodeView {
    return this.nodes.nodeState(id, name);
  }

  /** The address of a ready node on its session's network (ports and the Docker panel use it). */
  nodeAddress(id: string, name: string): string {
    return this.nodes.nodeAddress(id, name);
  }

  exec(id: string, name: string, cmd: string[], timeoutMs?: number, opts?: { background?: boolean }): Promise<ExecResult> {
    return this.nodes.exec(id, name, cmd, timeoutMs, opts);
  }

  /** Adds the next free node (node1..nodeN); it starts in the background. */
  addNode(id: string): NodeView {
    return this.nodes.addNode(id);
  }

  /** Removes a node, its terminals and everything in it. */
  removeNode(id: string, name: string): Promise<void> {
    return this.nodes.removeNode(id, name);
  }

  /** Starts a stopped node again, or a ready node's engine; answers at once with the node "provisioning". */
  restartNode(id: string, name: string): NodeView {
    return this.nodes.restartNode(id, name);
  }

  /** Builds a swarm from the session's nodes, adding those the template needs. */
  applyTemplate(id: string, name: TemplateName, waitMs = 120_000): Promise<SessionView> {
    return this.templates.apply(id, name, waitMs);
  }

  // Files in nodes (lib/sessions/session-files.ts).

  /** Writes a file into a node, creating its folders; relative paths start at /root. */
  writeFile(id: string, name: string, path: string, content: NodeJS.ReadableStream, size: number): Promise<string> {
    return this.files.writeFile(id, name, path, content, size);
  }

  /** A file's content or a folder's archive, for download; watchers may download too. */
  readPath(id: string, name: string, path: string): Promise<PathContent> {
    return this.files.readPath(id, name, path);
  }

  /** A folder's entries or a text file with its version; watchers may read too. */
  getPath(id: string, name: string, path: string): Promise<PathView> {
    return this.files.getPath(id, name, path);
  }

  /** Saves a file like writeFile, with the version written; `ifMatch` refuses it when the file changed since. */
  saveFile(id: string, name: string, path: string, content: NodeJS.ReadableStream, size: number, ifMatch?: string): Promise<SavedFile> {
    return this.files.saveFile(id, name, path, content, size, ifMatch);
  }

  /** Removes a file, or a folder with its contents. */
  removePath(id: string, name: string, path: string): Promise<void> {
    return this.files.removePath(id, name, path);
  }

  /** Renames or moves a file or folder; never replaces anything. Returns the new absolute path. */
  movePath(id: string, name: string, from: string, to: string): Promise<string> {
    return this.files.movePath(id, name, from, to);
  }

  /** Creates a folder and its parents. Returns its absolute path. */
  makeFolder(id: string, name: string, path: string): Promise<string> {
    return this.files.makeFolder(id, name, path);
  }
}
