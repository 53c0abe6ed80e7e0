/**
 * What the session core keeps and what its parts share: a session and its
 * nodes, the manager's options and events, the labels its resources carry,
 * and the views the API answers with. Nothing here reaches the engine.
 */
import type { EventEmitter } from "node:events";
import type { Access, NodeStatus, NodeView, Participant, SessionView } from "../protocol";
import type { HostRoom } from "./capacity";
import type { HandoutLedger } from "./handouts";
import type { NodeWatch, SandboxLabels, SandboxRuntime } from "./runtime";

export interface ManagerOptions {
  instance: string;
  sessionTtlMs: number;
  maxSessions: number;
  reaperIntervalMs: number;
  /** Sessions kept started ahead, so that a new one is ready at once. 0 disables the pool. */
  poolSize?: number;
  /**
   * How long the pool waits after a hand-out before starting the next session (default 0: at
   * once). A node's start takes a small host's cores for about a second, just when the learner's
   * browser draws the first prompt.
   */
  refillAfterMs?: number;
  /** Where hand-outs of pooled sessions are recorded first (lib/sessions/handouts.ts); none: only in the node. */
  handouts?: HandoutLedger;
  /** What the host has room for, given the sessions on it now (lib/sessions/capacity.ts); none: only maxSessions binds. */
  room?: (held: number) => HostRoom;
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

export type Log = NonNullable<ManagerOptions["log"]>;

export interface NodeState {
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

export interface Session {
  id: string;
  /** The second link, which can look but not change anything. */
  watchId: string;
  createdAt: number;
  expiresAt: number;
  nodes: Map<string, NodeState>;
  /** Settles when every node started by the playground (node1 and those added) has finished starting, however it ended. */
  provisioned: Promise<void>;
  /** Resolves when the session's network exists: nodes added while node1 makes it wait for it. */
  network: Promise<void>;
  ending?: Promise<void>;
  /** Open browser tabs, by client id, with how many sockets each has open. */
  participants: Map<string, Participant & { sockets: number }>;
  /** When someone last had it open or used the API. */
  lastSeen: number;
}

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
  /** Something else the session's page shows changed: who has it open, or its time. */
  changed: [sessionId: string];
}

/**
 * What the manager's parts share. None of it holds sessions; each part
 * takes only the fields it uses (a Pick of this).
 */
export interface Deps {
  runtime: SandboxRuntime;
  opts: ManagerOptions;
  now: () => number;
  log: Log;
  /** The manager itself: its parts report through its events. */
  events: Pick<EventEmitter<SessionManagerEvents>, "emit">;
}

export const maxNodes = (opts: ManagerOptions): number => opts.maxNodes ?? 5;

export const maxLifetimeMs = (opts: ManagerOptions): number => opts.maxLifetimeMs ?? 2 * opts.sessionTtlMs;

export function newSession(clock: () => number, id: string, watchId: string, expiresAt: number): Session {
  const now = clock();
  return {
    id,
    watchId,
    createdAt: now,
    expiresAt,
    nodes: new Map(),
    provisioned: Promise.resolve(),
    network: Promise.resolve(),
    participants: new Map(),
    lastSeen: now,
  };
}

export function addNodeState(session: Session, name: string, message: string): NodeState {
  const node: NodeState = { name, status: "provisioning", message, ready: Promise.resolve() };
  session.nodes.set(name, node);
  return node;
}

/** The labels of the session's resources; a pooled session's expiry is a stand-in, its node's claim has the real one. */
export function labels({ opts, now }: Pick<Deps, "opts" | "now">, s: Session, pooled: boolean): SandboxLabels {
  const expiresAt = Number.isFinite(s.expiresAt) ? s.expiresAt : now() + opts.sessionTtlMs;
  return { instance: opts.instance, sessionId: s.id, expiresAt: new Date(expiresAt), pooled, watchId: s.watchId };
}

export function sessionView(s: Session, access: Access, opts: ManagerOptions): SessionView {
  const id = access === "control" ? s.id : s.watchId;
  return {
    id,
    url: `/s/${id}`,
    access,
    expiresAt: new Date(s.expiresAt).toISOString(),
    maxExpiresAt: new Date(s.createdAt + maxLifetimeMs(opts)).toISOString(),
    nodes: [...s.nodes.values()].map(nodeView),
    maxNodes: maxNodes(opts),
    ...(access === "control" ? { share: { control: `/s/${s.id}`, watch: `/s/${s.watchId}` } } : {}),
    connected: [...s.participants.values()].map(({ name, access }) => ({ name, access })),
  };
}

export function nodeView(n: NodeState): NodeView {
  return {
    name: n.name,
    status: n.status,
    message: n.message,
    ...(n.status === "stopped" && n.stopped ? { stopped: n.stopped } : {}),
    ...(n.ip ? { ip: n.ip } : {}),
  };
}

export const nodeNumber = (name: string) => Number(name.slice(4)) || 0;
