/**
 * What the session core needs from a container engine. The Docker adapter
 * implements it for real (lib/docker); unit tests use a fake.
 */
import type { ExecResult } from "../protocol";

/** Labels every resource of the playground carries; teardown finds them by these. */
export interface SandboxLabels {
  instance: string;
  sessionId: string;
  expiresAt: Date;
  /** Started ahead in the pool: the real expiry is recorded in the node when handed out. */
  pooled?: boolean;
  /** The session's watch-only id: kept on the engine so that a restarted server knows it. */
  watchId: string;
}

export interface NodeSpec {
  sessionId: string;
  name: string;
  labels: SandboxLabels;
}

/** A sandbox found on the engine, for adoption after a restart. */
export interface FoundNode {
  sessionId: string;
  name: string;
  expiresAt: Date;
  running: boolean;
  pooled?: boolean;
  watchId?: string;
  /** Address on the session's network. */
  ip?: string;
}

export interface PathContent {
  kind: "file" | "folder";
  /** The last part of the path. */
  name: string;
  /** A file's size in bytes; undefined for folders (the archive's size is not known ahead). */
  size?: number;
  stream: NodeJS.ReadableStream;
}

export interface StartedNode {
  /** Address on the session's network. */
  ip: string;
}

/** Output of a long-running command, until stopped. */
export interface CommandStream {
  stop(): void;
}

export interface ExecOptions {
  timeoutMs: number;
}

/** What a watched node reports (SandboxRuntime.watchNode). */
export type NodeEvent =
  /** The inner engine answers (again). */
  | { kind: "engine_ready" }
  /** The inner engine is starting again: someone asked for a restart, in the node or through the API. */
  | { kind: "engine_starting" }
  /**
   * The inner engine stopped; the node runs on, with its files and shells.
   * `detail` is the engine's last log lines: for the operator's log, never for people.
   */
  | { kind: "engine_stopped"; exitStatus?: number; detail: string }
  /**
   * The node itself stopped: every process in it ended, its files are kept.
   * `gone`: it is not on the engine any more. The watch ends with this event.
   */
  | { kind: "node_stopped"; exitStatus?: number; oomKilled?: boolean; gone?: boolean; detail: string };

export interface NodeWatch {
  stop(): void;
}

export interface SandboxRuntime {
  /** Creates the session's private network and joins the registry to it. Idempotent. */
  createNetwork(sessionId: string, labels: SandboxLabels): Promise<void>;
  /** Creates and starts a node; resolves once its inner engine answers. */
  startNode(spec: NodeSpec, onProgress: (message: string) => void): Promise<StartedNode>;
  exec(sessionId: string, node: string, cmd: string[], opts: ExecOptions): Promise<ExecResult>;
  /**
   * Runs a long command whose stdout is delivered as it comes; onEnd when it
   * stops for any reason. The command must end by itself within a bounded time.
   */
  stream(sessionId: string, node: string, cmd: string[], onData: (chunk: string) => void, onEnd: () => void): CommandStream;
  /** Writes one file from a stream of exactly `size` bytes; `path` is absolute, its folder must exist. */
  writeFile(sessionId: string, node: string, path: string, content: NodeJS.ReadableStream, size: number): Promise<void>;
  /** A file's content, or a folder as a tar archive. Throws PathNotFoundError when nothing is there. */
  readPath(sessionId: string, node: string, path: string): Promise<PathContent>;
  /**
   * Follows a running node from now on, until stopped: reports its inner
   * engine stopping, starting and answering again, and the node itself
   * stopping. Once following, it also reports the engine's current state,
   * so that a change just before the watch began is not missed.
   */
  watchNode(sessionId: string, node: string, onEvent: (event: NodeEvent) => void): NodeWatch;
  /** Restarts a running node's inner engine (stopping it cleanly first when it runs); resolves once it answers. */
  restartEngine(sessionId: string, node: string): Promise<void>;
  /** Starts a stopped node again, with its files and volume; resolves once its inner engine answers. */
  restartNode(sessionId: string, node: string, onProgress: (message: string) => void): Promise<StartedNode>;
  /** Removes one node and its volume. Idempotent. */
  removeNode(sessionId: string, node: string): Promise<void>;
  /** Removes everything of a session, in order: containers, volumes, network. Idempotent. */
  removeSession(sessionId: string): Promise<void>;
  /** Nodes of this playground instance that exist on the engine. */
  listNodes(): Promise<FoundNode[]>;
  /** Session ids that own networks or volumes but no node: leftovers to remove. */
  listOrphanSessions(): Promise<string[]>;
  /** What the engine has; never throws. */
  status(): Promise<RuntimeStatus>;
}

export interface RuntimeStatus {
  engine: { reachable: boolean; version?: string; message?: string };
  sandboxImage: boolean;
  registryRunning: boolean;
  /** The npm cache (npm.playground): sessions start without it, but npm install in them fails. */
  npmCacheRunning?: boolean;
  aptCacheRunning?: boolean;
  /** Whether the engine keeps nodes apart from the host as configured (NODE_ISOLATION); ok is false when it cannot. */
  isolation?: { mode: "userns" | "none"; ok: boolean; message?: string };
}
