/**
 * The wire protocol between the browser and the server, shared by both sides.
 * HTTP bodies and WebSocket messages are described here once; the server
 * validates everything it receives against these schemas.
 */
import { z } from "zod";

// ---------------------------------------------------------------- HTTP API

/**
 * "stopped": the node's Docker engine, or the whole node, stopped after it
 * was ready; POST .../nodes/:node/restart starts it again.
 */
export type NodeStatus = "provisioning" | "ready" | "failed" | "stopped";

export interface NodeView {
  name: string;
  status: NodeStatus;
  /** What is happening or what went wrong, for people. */
  message?: string;
  /**
   * With status "stopped": what stopped. "engine": only the Docker engine
   * inside; the node's files, shells and terminal are still there. "node":
   * the whole node; its files are kept, its processes ended.
   */
  stopped?: "engine" | "node";
  /** The node's address on the session's network, once it has one. */
  ip?: string;
}

/**
 * What a link grants. "control": type in terminals and change anything.
 * "watch": see everything live, change nothing (enforced by the server).
 */
export type Access = "control" | "watch";

/** Someone with the session open: one entry per browser tab. */
export interface Participant {
  name: string;
  access: Access;
}

export interface SessionView {
  /** The id this view was asked for: the session's control id or its watch id. */
  id: string;
  /** Path of the session page, relative to the playground's origin. */
  url: string;
  access: Access;
  /** ISO 8601 time at which the session ends. */
  expiresAt: string;
  /** The latest expiry that extending can reach. */
  maxExpiresAt: string;
  nodes: NodeView[];
  /** How many nodes the session may have. */
  maxNodes: number;
  /** Paths of the two links to share; only given to control. */
  share?: { control: string; watch: string };
  /** Who has the session open now. */
  connected: Participant[];
  /** Address of a published port, with {node} and {port} to fill in (GET /api/sessions/:id only). */
  portUrl?: string;
  /** Largest file an upload may carry, in bytes (GET /api/sessions/:id only). */
  uploadMaxBytes?: number;
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export const createSessionBody = z
  .object({
    /** A workshop's slug: the session opens with that lesson beside the terminal. */
    workshop: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "a workshop's slug (see GET /api/workshops)").optional(),
    /** A class's join code: the session is listed on the instructor's page (and follows the class's workshop). */
    cohort: z.string().regex(/^[a-z0-9]{10}$/, "a class's join code").optional(),
    /** How the instructor sees this attendee. */
    name: z.string().trim().min(1).max(40).optional(),
  })
  .strict()
  .describe("POST /api/sessions: all optional; the body may be omitted");

export const addNodeBody = z.object({}).strict().describe("POST /api/sessions/:id/nodes: no options; the body may be omitted");

export const templateBody = z
  .object({ template: z.enum(["swarm-1-1", "swarm-3-2"]) })
  .strict()
  .describe("POST /api/sessions/:id/template: swarm-1-1 = 1 manager + 1 worker, swarm-3-2 = 3 managers + 2 workers");

/** A port published in a node, with the address that serves it. */
export interface PortView {
  port: number;
  /** "container": published by a container (`docker run -p`); "process": any program listening in the node. */
  source: "container" | "process";
  /** Opens the port through the playground's proxy: an absolute URL, or a path on the playground's origin. */
  url: string;
  container?: string;
}

export interface UploadResult {
  /** Where the file landed, as an absolute path in the node. */
  path: string;
  size: number;
}

export const execBody = z
  .object({
    cmd: z.array(z.string().max(64 * 1024)).min(1).max(1024),
    timeoutMs: z.number().int().positive().max(10 * 60_000).optional(),
  })
  .strict();
export type ExecRequest = z.infer<typeof execBody>;

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** True when the command was killed because it ran past timeoutMs. */
  timedOut?: boolean;
  /** True when stdout or stderr was longer than the server keeps (1 MiB each). */
  truncated?: boolean;
}

/** What may bind how many sessions a host holds (lib/sessions/capacity.ts). */
export type CapacityBound = "max_sessions" | "memory" | "pids" | "keys" | "addresses";

export interface HealthView {
  ok: boolean;
  engine: { reachable: boolean; version?: string; message?: string };
  /** The caches do not decide ok: sessions work without them, but cannot npm install, or apt-get install offline. */
  images: { sandbox: boolean; registry: boolean; npmCache?: boolean; aptCache?: boolean; message?: string };
  /**
   * NODE_ISOLATION in force: userns (root in a node is an unprivileged uid on
   * the host) or none (root in a node is root of the host's user namespace).
   * ok is false when the engine cannot give what is configured.
   */
  isolation: { mode: "userns" | "none"; ok: boolean; message?: string };
  sessions: { active: number; max: number };
  /**
   * Sessions that may exist at once (handed out and pooled), and what binds:
   * MAX_SESSIONS, or the host's memory, process ids, kernel keys or session addresses;
   * `limits` has each figure.
   */
  capacity: { sessions: number; binding: CapacityBound; limits: Partial<Record<CapacityBound, number>> };
  /** Sessions started ahead: how many exist, how many are ready, how many are wanted. */
  pool: { size: number; ready: number; target: number };
}

// ---------------------------------------------------------- terminal socket

/** Paths of terminal sockets: /ws/sessions/:id/nodes/:node/terminal */
export const terminalPath = (sessionId: string, node: string) =>
  `/ws/sessions/${encodeURIComponent(sessionId)}/nodes/${encodeURIComponent(node)}/terminal`;

export const MAX_COLS = 500;
export const MAX_ROWS = 200;

/**
 * Flow control, in bytes of terminal output. The client acknowledges output
 * once xterm has rendered it, at least every ACK_EVERY_BYTES; the server stops
 * reading the shell while any client has more than PAUSE_ABOVE_BYTES
 * unacknowledged, and reads again below RESUME_BELOW_BYTES.
 * Invariant: ACK_EVERY_BYTES < RESUME_BELOW_BYTES < PAUSE_ABOVE_BYTES, or a
 * client that waits to acknowledge could block the shell for ever.
 */
export const FLOW = {
  ACK_EVERY_BYTES: 8 * 1024,
  RESUME_BELOW_BYTES: 16 * 1024,
  PAUSE_ABOVE_BYTES: 64 * 1024,
} as const;

export const clientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("input"), data: z.string().max(64 * 1024) }),
  z.object({
    type: z.literal("resize"),
    cols: z.number().int().min(1).max(MAX_COLS),
    rows: z.number().int().min(1).max(MAX_ROWS),
  }),
  z.object({ type: z.literal("ack"), bytes: z.number().int().nonnegative() }),
]);
export type ClientMessage = z.infer<typeof clientMessage>;

/**
 * Server to client. Terminal output travels as binary frames (UTF-8 bytes);
 * everything else as JSON text frames of this type.
 */
export type ServerMessage =
  | { type: "status"; state: NodeStatus; message: string }
  /** The current screen, sent once to each client before live output. */
  | { type: "snapshot"; data: string }
  /**
   * The shell's size, sent on joining and whenever it changes. Every client
   * shows the terminal at exactly this size; the size follows the control
   * client that typed or resized last.
   */
  | { type: "size"; cols: number; rows: number }
  /** The shell ended; input starts a new one. */
  | { type: "exit"; exitCode: number }
  | { type: "error"; code: string; message: string };

/** WebSocket close codes used by the playground (4000-4999 are ours). */
export const CLOSE = {
  NORMAL: 1000,
  NOT_FOUND: 4404,
  /** The node failed to start; the status message before it says why. */
  NODE_FAILED: 4409,
  SESSION_ENDED: 4410,
  /** The node stopped: its shell ended. The client reconnects and waits while it is restarted. */
  NODE_STOPPED: 4502,
  TOO_SLOW: 4429,
  INTERNAL: 4500,
  /** The host's Docker engine does not answer; the error message before it says so. The client retries. */
  ENGINE_UNAVAILABLE: 4503,
} as const;

// ------------------------------------------------- files API (the editor)

/** Largest file GET .../files returns as text, in bytes; larger ones are downloaded. */
export const EDIT_MAX_BYTES = 1024 * 1024;
/** Entries one folder listing returns at most; past it the listing says `truncated`. */
export const LIST_MAX_ENTRIES = 2000;

export type FileEntryKind = "file" | "folder" | "link" | "other";

export interface FileEntry {
  name: string;
  kind: FileEntryKind;
  /** In bytes; a link's own size, not its target's. */
  size: number;
  /** ISO 8601. */
  mtime: string;
}

/** GET /api/sessions/:id/nodes/:node/files?path=P (links are followed: `path` is where they lead). */
export type PathView =
  | { kind: "folder"; path: string; entries: FileEntry[]; truncated?: true }
  | {
      kind: "file";
      path: string;
      content: string;
      size: number;
      mtime: string;
      /** Opaque; changes when the content changes. Send it back as If-Match when saving. */
      version: string;
    };

/** PUT .../files answers 201 with this; `version` is that of what was written. */
export interface SavedFile extends UploadResult {
  version: string;
}

/** 409 file_changed: the file's version now, null when it was removed. */
export interface FileChangedBody extends ErrorBody {
  current: { version: string | null };
}

const nodePathField = z.string().min(1).max(4096);

export const moveBody = z
  .object({ from: nodePathField, to: nodePathField })
  .strict()
  .describe("POST .../files/move: renames or moves a file or folder; relative paths start at /root");
export type MoveRequest = z.infer<typeof moveBody>;

export const folderBody = z
  .object({ path: nodePathField })
  .strict()
  .describe("POST .../files/folder: creates a folder and its parents");
export type FolderRequest = z.infer<typeof folderBody>;

// ---------------------------------------------------------------- Lint

/**
 * A problem found in a Dockerfile or a compose file. Lines and columns are
 * 1-based, as in Monaco; endColumn is exclusive.
 */
export interface Diagnostic {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: "error" | "warning" | "info";
  /** For people: what is wrong and what would be right. */
  message: string;
  source: "dockerfile" | "compose";
  /** Stable name of the check, e.g. "undeclared-network". */
  code?: string;
}

export type LintKind = Diagnostic["source"];

/** Largest file POST /api/lint reads, in characters. */
export const LINT_MAX_CONTENT_CHARS = 256 * 1024;

export const lintBody = z
  .object({
    kind: z.enum(["dockerfile", "compose"]),
    content: z.string().max(LINT_MAX_CONTENT_CHARS),
  })
  .strict();
export type LintRequest = z.infer<typeof lintBody>;

export interface LintResult {
  diagnostics: Diagnostic[];
}
