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
}

export interface ExecOptions {
  timeoutMs: number;
}

export interface SandboxRuntime {
  /** Creates the session's private network and joins the registry to it. Idempotent. */
  createNetwork(sessionId: string, labels: SandboxLabels): Promise<void>;
  /** Creates and starts a node; resolves once its inner engine answers. */
  startNode(spec: NodeSpec, onProgress: (message: string) => void): Promise<void>;
  exec(sessionId: string, node: string, cmd: string[], opts: ExecOptions): Promise<ExecResult>;
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
}
