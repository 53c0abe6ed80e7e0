/**
 * Core logic for sessions, independent of Docker and of HTTP: creating,
 * finding, expiring and ending sessions, adopting those a previous server
 * left running, and removing leftovers. The engine is reached only through
 * SandboxRuntime.
 */
import { EventEmitter } from "node:events";
import { posix } from "node:path";
import type { Access, ExecResult, NodeStatus, NodeView, Participant, PathView, SavedFile, SessionView } from "../protocol";
import {
  CapacityError,
  ConflictError,
  EngineUnavailableError,
  ImagesMissingError,
  IsolationUnavailableError,
  NodeNotFoundError,
  NodeNotReadyError,
  NodeRemovedError,
  PlaygroundError,
  SessionNotFoundError,
  BadRequestError,
  FileChangedError,
  WatchOnlyError,
  isPlaygroundError,
} from "./errors";
import { NodeFiles, hashing, parseVersion } from "./files";
import { isNodeName, isSessionId, newSessionId } from "./ids";
import type { CreationLimiter } from "./rate-limit";
import type { NodeEvent, NodeWatch, PathContent, SandboxRuntime } from "./runtime";

export interface ManagerOptions {
  instance: string;
  sessionTtlMs: number;
  maxSessions: number;
  reaperIntervalMs: number;
  /** Sessions kept started ahead, so that a new one is ready at once. 0 disables the pool. */
  poolSize?: number;
  /** Upper bound for exec commands; also how long exec waits for a provisioning node. */
  defaultExecTimeoutMs?: number;
  /** Nodes one session may have (default 5). */
  maxNodes?: number;
  /** How much one "extend" adds (default: the TTL). */
  extendMs?: number;
  /** The longest a session may live, extensions included (default: twice the TTL). */
  maxLifetimeMs?: number;
  /** A session nobody has open for this long ends early; 0 never. */
  idleTimeoutMs?: number;
  now?: () => number;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

interface NodeState {
  name: string;
  status: NodeStatus;
  message: string;
  /** Settles when the node is ready (resolves) or has failed or stopped (rejects). */
  ready: Promise<void>;
  ip?: string;
  /** With status "stopped": the engine inside stopped, or the whole node. */
  stopped?: "engine" | "node";
  /** Follows a ready node, to notice its engine or itself stopping. */
  watch?: NodeWatch;
  /** Settles `ready` when a restart that the node announced itself (a learner's command) ends. */
  settle?: { resolve: () => void; reject: (e: Error) => void };
}

interface Session {
  id: string;
  /** The second link, which can look but not change anything. */
  watchId: string;
  createdAt: number;
  expiresAt: number;
  nodes: Map<string, NodeState>;
  /** Settles when provisioning has finished, however it ended. */
  provisioned: Promise<void>;
  ending?: Promise<void>;
  /** Open browser tabs, by client id, with how many sockets each has open. */
  participants: Map<string, Participant & { sockets: number }>;
  /** When someone last had it open or used the API. */
  lastSeen: number;
}

/** What the claim file inside every node holds. */
interface Claim {
  expiresAt: number;
  createdAt?: number;
}

/**
 * Inside every node: the session's expiry and creation time, written when a
 * pooled session is handed out and when the session is extended. Labels are
 * fixed when a container is made; this file is how a restarted server learns
 * the current expiry.
 */
const CLAIM_FILE = "/run/playground/claim";

/** How long a session whose node failed stays visible, with its reason. */
const FAILED_SESSION_KEPT_MS = 10 * 60_000;

export type EndReason = "deleted" | "expired" | "idle";

export interface SessionManagerEvents {
  /** A session was handed to someone (from the pool or started for them). */
  created: [sessionId: string];
  /** A session is ending: its terminals are told before its resources go. */
  ended: [sessionId: string, reason: EndReason];
  /** A session's resources are gone; emitted once per session, after `ended`. */
  removed: [sessionId: string, reason: EndReason];
  nodeRemoved: [sessionId: string, node: string];
  /** A node started: how long it took, from the start of provisioning to a ready engine. */
  nodeReady: [sessionId: string, node: string, ms: number];
  nodeFailed: [sessionId: string, node: string];
  /** A ready node's engine ("engine") or the node itself ("node") stopped. */
  nodeStopped: [sessionId: string, node: string, what: "engine" | "node"];
}

/** Templates that build a Docker swarm from the session's nodes. */
export const TEMPLATES = {
  "swarm-1-1": { managers: 1, workers: 1 },
  "swarm-3-2": { managers: 3, workers: 2 },
} as const;
export type TemplateName = keyof typeof TEMPLATES;

export class SessionManager extends EventEmitter<SessionManagerEvents> {
  private readonly sessions = new Map<string, Session>();
  /** Watch id to session id, for the sessions in `sessions`. */
  private readonly watchIds = new Map<string, string>();
  /** Started ahead and not handed out yet; not counted as active. */
  private readonly pool = new Map<string, Session>();
  private reaper?: NodeJS.Timeout;
  private adopted = false;
  /** Started, and what a previous server left is not known yet (the engine has not answered). */
  private adopting = false;
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

  private get maxNodes(): number {
    return this.opts.maxNodes ?? 5;
  }

  private get maxLifetimeMs(): number {
    return this.opts.maxLifetimeMs ?? 2 * this.opts.sessionTtlMs;
  }

  /** Sessions holding a seat: not ending, not expired, and not failed (every node failed). */
  get activeCount(): number {
    const now = this.now();
    return [...this.sessions.values()].filter((s) => {
      if (s.ending || s.expiresAt <= now) return false;
      const nodes = [...s.nodes.values()];
      return nodes.length === 0 || nodes.some((n) => n.status !== "failed");
    }).length;
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
    this.adopting = !this.adopted;
    this.reaper = setInterval(() => void this.tick(), this.opts.reaperIntervalMs);
    this.reaper.unref();
    await this.tick();
  }

  private async tick(): Promise<void> {
    if (!this.adopted) {
      try {
        await this.adopt();
        this.adopted = true;
        this.adopting = false;
      } catch (e) {
        this.log("adoption_failed", { error: String(e), retryInMs: this.opts.reaperIntervalMs });
        return;
      }
    }
    await this.reap();
    if ((await this.runtime.status()).engine.reachable) this.refill();
  }

  /** Nodes of the sessions held (handed out and pooled), by status; counts only, for metrics. */
  get nodeCounts(): Record<NodeStatus, number> {
    const counts: Record<NodeStatus, number> = { provisioning: 0, ready: 0, failed: 0, stopped: 0 };
    for (const s of [...this.sessions.values(), ...this.pool.values()]) {
      for (const n of s.nodes.values()) counts[n.status]++;
    }
    return counts;
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
      const running = nodes.every((n) => n.running);
      const claim = running ? await this.readClaim(id, nodes.map((n) => n.name)) : undefined;
      // Labels of nodes made after hand-out carry an expiry; the claim has the latest one.
      const labelled = nodes.filter((n) => !n.pooled).map((n) => n.expiresAt.getTime());
      const candidates = [...labelled, ...(claim ? [claim.expiresAt] : [])];
      const expiresAt = candidates.length ? Math.max(...candidates) : undefined;
      const alive = running && (expiresAt === undefined || expiresAt > this.now());
      if (!alive || (expiresAt === undefined && this.pool.size >= (this.opts.poolSize ?? 0))) {
        if (await this.removeLeftover(id)) removed++;
        continue;
      }
      const states = new Map<string, NodeState>();
      for (const n of [...nodes].sort((a, b) => nodeNumber(a.name) - nodeNumber(b.name))) {
        states.set(n.name, { name: n.name, status: "ready", message: "ready", ready: Promise.resolve(), ip: n.ip });
      }
      const session = this.newSession(id, nodes.find((n) => n.watchId)?.watchId ?? newSessionId(), expiresAt ?? Infinity);
      session.nodes = states;
      session.createdAt = claim?.createdAt ?? this.now();
      if (expiresAt === undefined) this.pool.set(id, session); // never handed out: back into the pool
      else this.register(session);
      adopted++;
    }
    const all = [...this.sessions.values(), ...this.pool.values()];
    // A node's engine may have stopped while no server watched: the watch reports it.
    for (const s of all) for (const node of s.nodes.values()) if (!node.watch) this.watch(s, node);
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

  /** The newest claim any of the nodes holds; undefined when none has one (never handed out). */
  private async readClaim(id: string, nodes: string[]): Promise<Claim | undefined> {
    const claims = await Promise.all(
      nodes.map(async (node) => {
        const r = await this.runtime.exec(id, node, ["cat", CLAIM_FILE], { timeoutMs: 5000 }).catch((e: unknown) => {
          // Without the claim a handed-out session would look unclaimed: try the whole adoption again later.
          if (isPlaygroundError(e) && e.code === "engine_unavailable") throw e;
          return undefined;
        });
        return r?.exitCode === 0 ? parseClaim(r.stdout) : undefined;
      }),
    );
    return claims.filter((c): c is Claim => !!c).sort((a, b) => b.expiresAt - a.expiresAt)[0];
  }

  /** Records the session's expiry in the given nodes (all ready ones by default). */
  private async writeClaim(session: Session, only?: string[]): Promise<void> {
    const claim = JSON.stringify({
      expiresAt: new Date(session.expiresAt).toISOString(),
      createdAt: new Date(session.createdAt).toISOString(),
    });
    const targets = only ?? [...session.nodes.values()].filter((n) => n.status === "ready").map((n) => n.name);
    // argv, not a shell string: the claim is passed as $1.
    const cmd = ["sh", "-c", 'mkdir -p /run/playground && printf %s "$1" > "$2"', "claim", claim, CLAIM_FILE];
    await Promise.all(
      targets.map(async (node) => {
        const r = await this.runtime.exec(session.id, node, cmd, { timeoutMs: 5000 });
        if (r.exitCode !== 0) throw new Error(`recording the claim in ${node} failed: ${r.stderr}`);
      }),
    );
  }

  private labels(s: Session, pooled = this.pool.has(s.id)) {
    const expiresAt = Number.isFinite(s.expiresAt) ? s.expiresAt : this.now() + this.opts.sessionTtlMs;
    return { instance: this.opts.instance, sessionId: s.id, expiresAt: new Date(expiresAt), pooled, watchId: s.watchId };
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

  /** Stops the reaper and the nodes' watches. Sessions keep running: a restarted server adopts them. */
  stop(): void {
    clearInterval(this.reaper);
    for (const s of [...this.sessions.values(), ...this.pool.values()]) for (const node of s.nodes.values()) this.unwatch(node);
  }

  /**
   * Hands out a session. `clientKey` is what the creation limit counts
   * against; undefined when the caller limits creations itself (a class's seats).
   */
  async create(clientKey: string | undefined): Promise<SessionView> {
    if (this.activeCount >= this.opts.maxSessions) throw new CapacityError(this.opts.maxSessions);
    await this.ensureRunnable();
    if (clientKey !== undefined) await this.limiter.consume(clientKey);
    // Checked again: another request may have taken the last seat meanwhile.
    if (this.activeCount >= this.opts.maxSessions) throw new CapacityError(this.opts.maxSessions);

    const session = (await this.takeFromPool()) ?? this.startSession(false);
    this.register(session);
    this.log("session_created", { sessionId: session.id });
    this.emit("created", session.id);
    this.refill();
    return this.view(session, "control");
  }

  private newSession(id: string, watchId: string, expiresAt: number): Session {
    const now = this.now();
    return {
      id,
      watchId,
      createdAt: now,
      expiresAt,
      nodes: new Map(),
      provisioned: Promise.resolve(),
      participants: new Map(),
      lastSeen: now,
    };
  }

  private register(session: Session): void {
    this.sessions.set(session.id, session);
    this.watchIds.set(session.watchId, session.id);
  }

  private unregister(session: Session): void {
    this.sessions.delete(session.id);
    this.watchIds.delete(session.watchId);
  }

  /** A ready pooled session, recorded as handed out; undefined when none is ready. */
  private async takeFromPool(): Promise<Session | undefined> {
    for (const session of this.pool.values()) {
      if (session.nodes.get("node1")?.status !== "ready") continue;
      this.pool.delete(session.id);
      session.createdAt = this.now();
      session.lastSeen = session.createdAt;
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
    const session = this.newSession(newSessionId(), newSessionId(), pooled ? Infinity : this.now() + this.opts.sessionTtlMs);
    const node = this.addNodeState(session, "node1", "creating the session's network");
    node.ready = this.provision(session, node, { pooled, first: true });
    session.provisioned = node.ready.catch(() => {});
    return session;
  }

  private addNodeState(session: Session, name: string, message: string): NodeState {
    const node: NodeState = { name, status: "provisioning", message, ready: Promise.resolve() };
    session.nodes.set(name, node);
    return node;
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
    if (status.isolation && !status.isolation.ok) throw new IsolationUnavailableError(status.isolation.message ?? "");
  }

  /**
   * Starts one node. The first node of a session also creates its network,
   * and when it fails the session has failed; a node added later that fails
   * is removed and reported, and the session goes on.
   */
  private async provision(session: Session, node: NodeState, { pooled, first }: { pooled: boolean; first: boolean }): Promise<void> {
    const labels = this.labels(session, pooled);
    const started = this.now();
    try {
      if (first) await this.runtime.createNetwork(session.id, labels);
      node.message = "starting the node";
      const { ip } = await this.runtime.startNode({ sessionId: session.id, name: node.name, labels }, (message) => {
        node.message = message;
      });
      if (session.ending) throw new PlaygroundError("session_ended", "the session ended while it was starting", 410);
      node.ip = ip;
      // A node added after hand-out needs the session's claim like the others.
      if (!first) await this.writeClaim(session, [node.name]);
      node.status = "ready";
      node.message = "ready";
      this.watch(session, node);
      const ms = this.now() - started;
      this.log("node_ready", { sessionId: session.id, node: node.name, ms, pooled });
      this.emit("nodeReady", session.id, node.name, ms);
    } catch (e) {
      node.status = "failed";
      // Engine errors can name host paths and addresses: people get a plain reason, the log the detail.
      node.message = isPlaygroundError(e) ? e.message : "the node could not start; the operator can find why in the server's log";
      this.log("node_failed", { sessionId: session.id, node: node.name, error: String(e) });
      this.emit("nodeFailed", session.id, node.name);
      if (first) {
        // The page shows why for a while; then the reaper forgets the session.
        session.expiresAt = Math.min(session.expiresAt, this.now() + FAILED_SESSION_KEPT_MS);
        // A half-made node is never left behind; the session stays visible with its reason.
        if (!session.ending) await this.runtime.removeSession(session.id).catch(() => {});
      } else if (!session.ending) {
        await this.runtime.removeNode(session.id, node.name).catch(() => {});
      }
      throw e;
    }
  }

  /** What this id grants: the session's own id controls it, its watch id only looks. */
  access(id: string): Access {
    return this.resolve(id).access;
  }

  /** The session an id (control or watch) names, and what it grants. */
  sessionOf(id: string): { sessionId: string; access: Access } {
    const { session, access } = this.resolve(id);
    return { sessionId: session.id, access };
  }

  /** The id in port links: the watch id, so that a port's address never grants control. */
  watchIdOf(id: string): string {
    return this.resolve(id).session.watchId;
  }

  get(id: string): SessionView {
    const { session, access } = this.resolve(id);
    return this.view(session, access);
  }

  /** Someone is using the session now: it is not idle. */
  touch(id: string): void {
    this.resolve(id).session.lastSeen = this.now();
  }

  /**
   * Records an open terminal of a browser tab; returns the function that
   * records its closing. A session with nobody in it ends after idleTimeoutMs.
   */
  join(id: string, client: { clientId: string; name: string }): () => void {
    const { session, access } = this.resolve(id);
    const entry = session.participants.get(client.clientId) ?? { name: client.name, access, sockets: 0 };
    entry.sockets++;
    session.participants.set(client.clientId, entry);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      session.lastSeen = this.now();
      if (--entry.sockets <= 0) session.participants.delete(client.clientId);
    };
  }

  /**
   * The node, once it can run commands; waits while it is starting. A node
   * whose engine alone stopped still runs commands (its files and shells are
   * there; `docker` says the engine does not answer).
   */
  async readyNode(id: string, name: string, waitMs: number): Promise<void> {
    const node = this.findNode(id, name);
    if (node.status === "ready" || (node.status === "stopped" && node.stopped === "engine")) return;
    if (node.status === "failed" || node.status === "stopped") throw new NodeNotReadyError(name, node.message);
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
    return nodeView(this.findNode(id, name));
  }

  /** The address of a ready node on its session's network (ports and the Docker panel use it). */
  nodeAddress(id: string, name: string): string {
    const node = this.findNode(id, name);
    const running = node.status === "ready" || (node.status === "stopped" && node.stopped === "engine");
    if (!running || !node.ip) throw new NodeNotReadyError(name, node.status === "provisioning" ? "it is still starting" : node.message);
    return node.ip;
  }

  async exec(id: string, name: string, cmd: string[], timeoutMs?: number): Promise<ExecResult> {
    const session = this.control(id);
    session.lastSeen = this.now();
    const limit = timeoutMs ?? this.opts.defaultExecTimeoutMs ?? 30_000;
    const started = this.now();
    await this.readyNode(id, name, limit);
    const node = this.findNode(id, name);
    // Removing the node (or ending the session) kills what runs in it: say so, whatever the engine answered.
    const cutOff = () => {
      if (session.ending) return new PlaygroundError("session_ended", "The session ended while the command ran.", 410);
      if (session.nodes.get(name) !== node) return new NodeRemovedError(name, "the command ran");
    };
    const left = Math.max(1000, limit - (this.now() - started));
    let result: ExecResult;
    try {
      result = await this.runtime.exec(session.id, name, cmd, { timeoutMs: left });
    } catch (e) {
      throw cutOff() ?? e;
    }
    const error = cutOff();
    if (error) throw error;
    return result;
  }

  /**
   * Writes a file into a node, creating its folders. Relative paths are taken
   * from the working folder, /root. The content streams through; nothing is
   * written on the host.
   */
  async writeFile(id: string, name: string, path: string, content: NodeJS.ReadableStream, size: number): Promise<string> {
    const session = this.control(id);
    const target = nodePath(path);
    if (target === "/") throw new BadRequestError("The path must name a file, not the root folder.");
    await this.readyNode(id, name, 30_000);
    const mkdir = await this.runtime.exec(session.id, name, ["mkdir", "-p", "--", posix.dirname(target)], { timeoutMs: 10_000 });
    if (mkdir.exitCode !== 0) throw new BadRequestError(`Cannot create the folder ${posix.dirname(target)}: ${mkdir.stderr.trim()}`);
    await this.runtime.writeFile(session.id, name, target, content, size);
    session.lastSeen = this.now();
    return target;
  }

  /** A file's content or a folder's archive, for download; watchers may download too. */
  async readPath(id: string, name: string, path: string): Promise<PathContent> {
    const { session } = this.resolve(id);
    await this.readyNode(id, name, 30_000);
    return this.runtime.readPath(session.id, name, nodePath(path));
  }

  /** A node's files, for the editor; `sessionId` is the session's own id. */
  private files(sessionId: string, node: string): NodeFiles {
    return new NodeFiles(this.runtime, sessionId, node);
  }

  /** A folder's entries or a text file with its version; watchers may read too. */
  async getPath(id: string, name: string, path: string): Promise<PathView> {
    const { session } = this.resolve(id);
    const target = nodePath(path);
    await this.readyNode(id, name, 30_000);
    return this.files(session.id, name).get(target);
  }

  /**
   * Saves a file like writeFile, and answers with the version written. With
   * `ifMatch` (a version from getPath, or "*" for "any file"), the save is
   * refused with FileChangedError when the file in the node is no longer that
   * version: someone changed or removed it since it was opened. The check and
   * the write are two steps; a change between them is not detected.
   */
  async saveFile(
    id: string,
    name: string,
    path: string,
    content: NodeJS.ReadableStream,
    size: number,
    ifMatch?: string,
  ): Promise<SavedFile> {
    const session = this.control(id);
    const target = nodePath(path);
    if (ifMatch !== undefined) {
      await this.readyNode(id, name, 30_000);
      const current = await this.files(session.id, name).version(target);
      const wanted = parseVersion(ifMatch);
      if (current === null || (wanted !== "*" && wanted !== current)) throw new FileChangedError(target, current);
    }
    const hashed = hashing(content);
    const written = await this.writeFile(id, name, path, hashed.stream, size);
    return { path: written, size, version: hashed.version() };
  }

  /** Removes a file, or a folder with its contents. */
  async removePath(id: string, name: string, path: string): Promise<void> {
    const session = this.control(id);
    const target = nodePath(path);
    await this.readyNode(id, name, 30_000);
    await this.files(session.id, name).remove(target);
    session.lastSeen = this.now();
  }

  /** Renames or moves a file or folder; never replaces anything. Returns the new absolute path. */
  async movePath(id: string, name: string, from: string, to: string): Promise<string> {
    const session = this.control(id);
    const [source, target] = [nodePath(from), nodePath(to)];
    await this.readyNode(id, name, 30_000);
    await this.files(session.id, name).move(source, target);
    session.lastSeen = this.now();
    return target;
  }

  /** Creates a folder and its parents. Returns its absolute path. */
  async makeFolder(id: string, name: string, path: string): Promise<string> {
    const session = this.control(id);
    const target = nodePath(path);
    await this.readyNode(id, name, 30_000);
    await this.files(session.id, name).mkdir(target);
    session.lastSeen = this.now();
    return target;
  }

  /** Adds the next free node (node1..nodeN); it starts in the background. */
  addNode(id: string): NodeView {
    const session = this.control(id);
    if (session.nodes.size >= this.maxNodes) {
      throw new ConflictError("node_limit", `A session has at most ${this.maxNodes} nodes. Remove one to add another.`);
    }
    let n = 1;
    while (session.nodes.has(`node${n}`)) n++;
    return nodeView(this.startAddedNode(session, `node${n}`));
  }

  /** Starts a node in a running session, in the background; how it went shows in its status. */
  private startAddedNode(session: Session, name: string): NodeState {
    const node = this.addNodeState(session, name, "starting the node");
    // Keep the map in name order, so that lists and tabs are stable.
    session.nodes = new Map([...session.nodes.entries()].sort(([a], [b]) => nodeNumber(a) - nodeNumber(b)));
    node.ready = this.provision(session, node, { pooled: false, first: false });
    node.ready.catch(() => {}); // reported through the node's status
    this.log("node_added", { sessionId: session.id, node: name });
    return node;
  }

  /** Removes a node, its terminals and everything in it. */
  async removeNode(id: string, name: string): Promise<void> {
    const session = this.control(id);
    const node = this.findNode(id, name);
    session.nodes.delete(name);
    this.unwatch(node);
    this.emit("nodeRemoved", session.id, name);
    await node.ready.catch(() => {});
    await this.runtime.removeNode(session.id, name);
    this.log("node_removed", { sessionId: session.id, node: name });
  }

  /**
   * Starts a stopped node again: its engine, or the whole node (files and
   * volume kept; its shells ended with it). A ready node gets its engine
   * restarted, as `playground-engine restart` in the node does. Answers at
   * once with the node "provisioning"; how it went shows in its status.
   */
  restartNode(id: string, name: string): NodeView {
    const session = this.control(id);
    const node = this.findNode(id, name);
    if (node.status === "provisioning") {
      throw new ConflictError("node_starting", `${name} is starting. Wait until it is ready, then try again if needed.`);
    }
    if (node.status === "failed") {
      throw new ConflictError("node_failed", `${name} could not start, so it cannot be restarted: remove it and add a new node.`);
    }
    const what = node.status === "stopped" ? (node.stopped ?? "engine") : "engine";
    session.lastSeen = this.now();
    node.settle = undefined;
    node.status = "provisioning";
    node.stopped = undefined;
    node.message = what === "node" ? "starting the node again" : "restarting the Docker engine";
    const started = this.now();
    this.log("node_restarting", { sessionId: session.id, node: name, what });
    const current = () => session.nodes.get(name) === node && !session.ending;
    node.ready = (async () => {
      try {
        if (what === "node") {
          this.unwatch(node);
          const { ip } = await this.runtime.restartNode(session.id, name, (message) => {
            if (current() && node.status === "provisioning") node.message = message;
          });
          node.ip = ip;
          // /run is emptied with the node: its claim must be written again.
          if (current()) await this.writeClaim(session, [name]);
        } else {
          await this.runtime.restartEngine(session.id, name);
        }
      } catch (e) {
        this.log("node_restart_failed", { sessionId: session.id, node: name, what, error: String(e) });
        if (current() && node.status === "provisioning") {
          node.status = "stopped";
          node.stopped = what;
          node.message =
            `${what === "node" ? name : `The Docker engine in ${name}`} did not start again` +
            `${isPlaygroundError(e) ? `: ${e.message}` : ""}. Try Restart once more; if it fails again, remove ${name} and add a new node.`;
          if (what === "node") this.watch(session, node);
        }
        throw e;
      }
      if (!current()) throw new NodeRemovedError(name, "it restarted");
      if (what === "node") this.watch(session, node);
      this.markReady(session, node, this.now() - started);
    })();
    node.ready.catch(() => {}); // reported through the node's status
    return nodeView(node);
  }

  /** Starts following a node (replacing an earlier watch of it). */
  private watch(session: Session, node: NodeState): void {
    node.watch?.stop();
    node.watch = this.runtime.watchNode(session.id, node.name, (event) => this.onNodeEvent(session, node, event));
  }

  private unwatch(node: NodeState): void {
    node.watch?.stop();
    node.watch = undefined;
  }

  /** What a watched node reported; repeated reports change nothing. */
  private onNodeEvent(session: Session, node: NodeState, event: NodeEvent): void {
    if (session.ending || session.nodes.get(node.name) !== node || node.status === "failed") return;
    if (this.pool.has(session.id) && (event.kind === "engine_stopped" || event.kind === "node_stopped")) {
      // Nobody has this session yet: it is replaced rather than repaired.
      this.log("pool_node_stopped", { sessionId: session.id, node: node.name, event: event.kind, detail: event.detail });
      this.pool.delete(session.id);
      for (const n of session.nodes.values()) this.unwatch(n);
      void this.removeLeftover(session.id);
      return;
    }
    switch (event.kind) {
      case "engine_ready":
        if (node.status === "provisioning" || (node.status === "stopped" && node.stopped === "engine")) this.markReady(session, node);
        return;
      case "engine_starting":
        if (node.status === "ready" || (node.status === "stopped" && node.stopped === "engine")) {
          // Someone asked the node itself (`playground-engine restart`): show it starting until it answers.
          node.status = "provisioning";
          node.stopped = undefined;
          node.message = "restarting the Docker engine";
          node.ready = new Promise<void>((resolve, reject) => (node.settle = { resolve, reject }));
          node.ready.catch(() => {});
          this.log("node_restarting", { sessionId: session.id, node: node.name, what: "engine", by: "node" });
        }
        return;
      case "engine_stopped":
        if (node.status === "stopped") return;
        return this.markStopped(session, node, "engine", event);
      case "node_stopped":
        node.watch = undefined; // the runtime's watch ends with this event
        if (event.gone) {
          node.status = "failed";
          node.stopped = undefined;
          node.message = `${node.name} is gone from the engine, so it cannot be restarted: remove it and add a new node.`;
          node.settle?.reject(new NodeNotReadyError(node.name, node.message));
          node.settle = undefined;
          this.log("node_gone", { sessionId: session.id, node: node.name });
          this.emit("nodeStopped", session.id, node.name, "node");
          return;
        }
        if (node.status === "stopped" && node.stopped === "node") return;
        return this.markStopped(session, node, "node", event);
    }
  }

  private markStopped(
    session: Session,
    node: NodeState,
    what: "engine" | "node",
    event: { exitStatus?: number; oomKilled?: boolean; detail: string },
  ): void {
    node.status = "stopped";
    node.stopped = what;
    node.message = stoppedMessage(node.name, what, event.exitStatus, event.oomKilled);
    node.settle?.reject(new NodeNotReadyError(node.name, node.message));
    node.settle = undefined;
    // The engine's own words can name host paths and addresses: the log only.
    this.log("node_stopped", { sessionId: session.id, node: node.name, what, exitStatus: event.exitStatus, oomKilled: event.oomKilled, detail: event.detail });
    this.emit("nodeStopped", session.id, node.name, what);
  }

  private markReady(session: Session, node: NodeState, ms?: number): void {
    if (node.status === "ready") return;
    node.status = "ready";
    node.stopped = undefined;
    node.message = "ready";
    node.settle?.resolve();
    node.settle = undefined;
    this.log("node_restarted", { sessionId: session.id, node: node.name, ...(ms !== undefined ? { ms } : {}) });
  }

  /** Moves the expiry later by extendMs, up to the session's maximum lifetime. */
  async extend(id: string): Promise<SessionView> {
    const session = this.control(id);
    const latest = session.createdAt + this.maxLifetimeMs;
    if (session.expiresAt >= latest - 1000) {
      throw new ConflictError(
        "extend_limit",
        `This session cannot run longer: sessions end at most ${Math.round(this.maxLifetimeMs / 60_000)} minutes after they start.`,
      );
    }
    session.expiresAt = Math.min(Math.max(session.expiresAt, this.now()) + (this.opts.extendMs ?? this.opts.sessionTtlMs), latest);
    session.lastSeen = this.now();
    await this.writeClaim(session).catch((e) => this.log("claim_failed", { sessionId: session.id, error: String(e) }));
    this.log("session_extended", { sessionId: session.id, expiresAt: new Date(session.expiresAt).toISOString() });
    return this.view(session, "control");
  }

  /**
   * Builds a swarm: adds nodes until the template has enough, makes node1
   * the first manager, and joins the other managers, then the workers.
   */
  async applyTemplate(id: string, name: TemplateName, waitMs = 120_000): Promise<SessionView> {
    const session = this.control(id);
    const { managers, workers } = TEMPLATES[name];
    const names = Array.from({ length: managers + workers }, (_, i) => `node${i + 1}`);
    if (names.length > this.maxNodes) {
      throw new ConflictError("node_limit", `This template needs ${names.length} nodes; a session may have ${this.maxNodes}.`);
    }
    for (const node of names) if (!session.nodes.has(node)) this.startAddedNode(session, node);
    await Promise.all(names.map((node) => this.readyNode(id, node, waitMs)));

    const run = async (node: string, cmd: string[]) => {
      const r = await this.runtime.exec(session.id, node, cmd, { timeoutMs: 60_000 });
      if (r.exitCode !== 0) {
        throw new PlaygroundError("template_failed", `\`${cmd.join(" ")}\` failed on ${node}: ${(r.stderr || r.stdout).trim()}`, 502);
      }
      return r.stdout.trim();
    };
    const states = await Promise.all(names.map((node) => run(node, ["docker", "info", "--format", "{{.Swarm.LocalNodeState}}"])));
    const busy = names.filter((_, i) => states[i] !== "inactive");
    if (busy.length) {
      throw new ConflictError(
        "already_in_swarm",
        `${busy.join(", ")} ${busy.length > 1 ? "are" : "is"} already in a swarm. Run \`docker swarm leave --force\` there first, or start a new session.`,
      );
    }
    const leader = this.nodeAddress(id, "node1");
    await run("node1", ["docker", "swarm", "init", "--advertise-addr", leader]);
    const managerToken = await run("node1", ["docker", "swarm", "join-token", "-q", "manager"]);
    const workerToken = await run("node1", ["docker", "swarm", "join-token", "-q", "worker"]);
    // Managers one at a time (each joins the Raft group), workers together.
    for (const node of names.slice(1, managers)) await run(node, ["docker", "swarm", "join", "--token", managerToken, `${leader}:2377`]);
    await Promise.all(names.slice(managers).map((node) => run(node, ["docker", "swarm", "join", "--token", workerToken, `${leader}:2377`])));
    this.log("template_applied", { sessionId: session.id, template: name });
    return this.view(session, "control");
  }

  /** Ends a session: its terminals are told first, then everything is removed. Idempotent. */
  async delete(id: string): Promise<void> {
    await this.end(this.control(id), "deleted");
  }

  private end(session: Session, reason: EndReason): Promise<void> {
    session.ending ??= (async () => {
      for (const node of session.nodes.values()) this.unwatch(node);
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
      this.unregister(session);
      this.log("session_ended", { sessionId: session.id, reason });
      this.emit("removed", session.id, reason);
    })();
    return session.ending;
  }

  /** Ends every expired session, and every idle one; returns how many. */
  async reap(): Promise<number> {
    const now = this.now();
    const idleMs = this.opts.idleTimeoutMs ?? 0;
    const ends: [Session, EndReason][] = [];
    for (const s of this.sessions.values()) {
      if (s.ending) continue;
      if (s.expiresAt <= now) ends.push([s, "expired"]);
      else if (idleMs > 0 && s.participants.size === 0 && now - s.lastSeen >= idleMs) ends.push([s, "idle"]);
    }
    const results = await Promise.allSettled(ends.map(([s, reason]) => this.end(s, reason)));
    results.forEach((r, i) => {
      if (r.status === "rejected") this.log("reap_failed", { sessionId: ends[i]![0].id, error: String(r.reason) });
    });
    return ends.length;
  }

  private resolve(id: string): { session: Session; access: Access } {
    if (!isSessionId(id)) throw new SessionNotFoundError();
    let session = this.sessions.get(id);
    let access: Access = "control";
    if (!session) {
      const owner = this.watchIds.get(id);
      session = owner ? this.sessions.get(owner) : undefined;
      access = "watch";
    }
    if (!session && this.adopting) {
      // A previous server's session may be on the engine, which has not answered yet: not "ended".
      throw new EngineUnavailableError("sessions not adopted yet");
    }
    if (!session || session.ending || session.expiresAt <= this.now()) throw new SessionNotFoundError();
    return { session, access };
  }

  /** Throws unless the id may change the session (404 unknown, 403 watch-only). */
  requireControl(id: string): void {
    this.control(id);
  }

  /** The session, when the id may change it. */
  private control(id: string): Session {
    const { session, access } = this.resolve(id);
    if (access !== "control") throw new WatchOnlyError();
    return session;
  }

  private findNode(id: string, name: string): NodeState {
    const { session } = this.resolve(id);
    const node = isNodeName(name) ? session.nodes.get(name) : undefined;
    if (!node) throw new NodeNotFoundError(name);
    return node;
  }

  private view(s: Session, access: Access): SessionView {
    const id = access === "control" ? s.id : s.watchId;
    return {
      id,
      url: `/s/${id}`,
      access,
      expiresAt: new Date(s.expiresAt).toISOString(),
      maxExpiresAt: new Date(s.createdAt + this.maxLifetimeMs).toISOString(),
      nodes: [...s.nodes.values()].map(nodeView),
      maxNodes: this.maxNodes,
      ...(access === "control" ? { share: { control: `/s/${s.id}`, watch: `/s/${s.watchId}` } } : {}),
      connected: [...s.participants.values()].map(({ name, access }) => ({ name, access })),
    };
  }
}

function nodeView(n: NodeState): NodeView {
  return {
    name: n.name,
    status: n.status,
    message: n.message,
    ...(n.status === "stopped" && n.stopped ? { stopped: n.stopped } : {}),
    ...(n.ip ? { ip: n.ip } : {}),
  };
}

/** What people read when a node's engine, or the node, stopped: what happened, what is kept, what to do. */
export function stoppedMessage(name: string, what: "engine" | "node", exitStatus?: number, oomKilled?: boolean): string {
  const cause = oomKilled
    ? ": out of memory"
    : exitStatus === 137
      ? ": it was killed"
      : exitStatus === 143 || (exitStatus === 0 && what === "node")
        ? ": it was told to stop"
        : "";
  const why = exitStatus === undefined ? "" : ` (exit status ${exitStatus}${cause})`;
  if (what === "engine") {
    return (
      `The Docker engine in ${name} stopped${why}. Your files and open shells are still there, but docker commands fail until it runs again. ` +
      `Restart it with the Restart button, or type \`playground-engine restart\` in ${name}'s terminal.`
    );
  }
  return (
    `${name} stopped${why}. Its files are kept, but the programs that ran in it ended, its open shells too. ` +
    "Restart it with the Restart button."
  );
}

const nodeNumber = (name: string) => Number(name.slice(4)) || 0;

/** A path inside a node: relative ones start at the working folder, /root. */
export function nodePath(path: string): string {
  if (!path || path.length > 4096 || path.includes("\0")) {
    throw new BadRequestError("Give a path of 1 to 4096 characters, without NUL bytes.");
  }
  return posix.resolve("/root", path);
}

/** A claim file: JSON with both times, or (older nodes) just the expiry. */
function parseClaim(text: string): Claim | undefined {
  const t = text.trim();
  try {
    if (t.startsWith("{")) {
      const c = JSON.parse(t) as { expiresAt?: string; createdAt?: string };
      const expiresAt = Date.parse(c.expiresAt ?? "");
      const createdAt = Date.parse(c.createdAt ?? "");
      return Number.isNaN(expiresAt) ? undefined : { expiresAt, createdAt: Number.isNaN(createdAt) ? undefined : createdAt };
    }
  } catch {
    return undefined;
  }
  const at = Date.parse(t);
  return Number.isNaN(at) ? undefined : { expiresAt: at };
}
