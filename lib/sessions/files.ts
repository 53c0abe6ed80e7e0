/**
 * Files of one node, for the page's editor: list a folder, read a text file
 * with its version, check a version before a save, remove, move, make a
 * folder. Everything runs inside the node through SandboxRuntime (commands
 * as argv arrays; where a pipe is needed, `sh -c` with the paths as
 * positional arguments, never in the script), so paths are resolved by the
 * node's own file system and nothing on the host is touched.
 *
 * A version is the SHA-256 of the content, in hex: it changes exactly when
 * the content does, and the node computes the same value (sha256sum) as the
 * server does over what it reads or writes.
 */
import { createHash } from "node:crypto";
import { posix } from "node:path";
import { PassThrough, pipeline } from "node:stream";
import { EDIT_MAX_BYTES, LIST_MAX_ENTRIES, type FileEntry, type FileEntryKind, type PathView } from "../protocol";
import { BadRequestError, BinaryFileError, ConflictError, FileTooLargeError, PathNotFoundError } from "./errors";
import type { SandboxRuntime } from "./runtime";

const TIMEOUT_MS = 15_000;

/** Folders the API never removes or moves: the file system's root and the working folder. */
const PROTECTED = new Set(["/", "/root"]);

/**
 * `$0` names each script: it shows in the node's process list and error
 * messages, and the fake runtime of the tests recognises scripts by it.
 * Exit 3: nothing is there.
 */
export const STAT_SCRIPT = `p=$(realpath -e -- "$1" 2>/dev/null) || exit 3
stat -L --printf '%F\\t%s\\t%.9Y\\t' -- "$p" && printf '%s' "$p"`;
export const LIST_SCRIPT = `find "$1" -mindepth 1 -maxdepth 1 -printf '%y\\t%s\\t%T@\\t%f\\0' | head -z -n "$2"`;

export interface PathStat {
  kind: "file" | "folder" | "other";
  size: number;
  /** ISO 8601. */
  mtime: string;
  /** The path with every link followed. */
  path: string;
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** Seconds since the epoch with a fraction, as stat and find print them, as ISO 8601. */
const isoOf = (seconds: string) => {
  const s = Number(seconds);
  return new Date(Number.isFinite(s) ? Math.floor(s * 1000) : 0).toISOString();
};

const KINDS: Record<string, FileEntryKind> = { f: "file", d: "folder", l: "link" };

/** Folders first, then by name. */
function byKindThenName(a: FileEntry, b: FileEntry): number {
  if ((a.kind === "folder") !== (b.kind === "folder")) return a.kind === "folder" ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** An If-Match value as sent by a client: quotes and a weak prefix are allowed. */
export function parseVersion(header: string): string {
  return header.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
}

/** Passes a stream through while hashing it: `version()` once it has ended. */
export function hashing(content: NodeJS.ReadableStream): { stream: NodeJS.ReadableStream; version: () => string } {
  const hash = createHash("sha256");
  const out = new PassThrough();
  // `out` may be read only after an await (the node being ready): an error before then must not be
  // thrown as uncaught; whoever reads it with pipeline() still gets it.
  out.on("error", () => {});
  content.on("data", (chunk: Buffer | string) => hash.update(chunk));
  pipeline(content, out, () => {});
  let digest: string | undefined;
  return { stream: out, version: () => (digest ??= hash.digest("hex")) };
}

export class NodeFiles {
  constructor(
    private readonly runtime: SandboxRuntime,
    private readonly sessionId: string,
    private readonly node: string,
  ) {}

  private run(cmd: string[]) {
    return this.runtime.exec(this.sessionId, this.node, cmd, { timeoutMs: TIMEOUT_MS });
  }

  /** What is at `path`, links followed; undefined when nothing is (or a link leads nowhere). */
  async stat(path: string): Promise<PathStat | undefined> {
    const r = await this.run(["sh", "-c", STAT_SCRIPT, "playground-stat", path]);
    if (r.exitCode === 3) return undefined;
    const [type, size, mtime, ...rest] = r.stdout.split("\t");
    if (r.exitCode !== 0 || rest.length === 0) throw new Error(`stat of ${path} in ${this.node} failed: ${r.stderr.trim()}`);
    const kind = type === "directory" ? "folder" : type?.startsWith("regular") ? "file" : "other";
    return { kind, size: Number(size), mtime: isoOf(mtime ?? ""), path: rest.join("\t") };
  }

  /** Whether anything is at `path` itself (a link is not followed). */
  private async exists(path: string): Promise<boolean> {
    return (await this.run(["stat", "--printf", "%F", "--", path])).exitCode === 0;
  }

  /** A folder's entries, or a text file with its version. */
  async get(path: string): Promise<PathView> {
    const found = await this.stat(path);
    if (!found) throw new PathNotFoundError(this.node, path);
    if (found.kind === "folder") return this.list(found.path);
    if (found.kind === "other") {
      throw new BadRequestError(`${found.path} is not a regular file or a folder, so it cannot be opened here.`);
    }
    if (found.size > EDIT_MAX_BYTES) throw new FileTooLargeError(found.path, EDIT_MAX_BYTES);
    const content = await this.read(found.path);
    // A NUL byte is never in text; anything else must be valid UTF-8.
    if (content.includes(0)) throw new BinaryFileError(found.path);
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(content);
    } catch {
      throw new BinaryFileError(found.path);
    }
    return { kind: "file", path: found.path, content: text, size: content.length, mtime: found.mtime, version: sha256(content) };
  }

  /** A file's bytes; a file that grew past the limit since it was looked at is refused. */
  private async read(path: string): Promise<Buffer> {
    const { stream } = await this.runtime.readPath(this.sessionId, this.node, path);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > EDIT_MAX_BYTES) throw new FileTooLargeError(path, EDIT_MAX_BYTES);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  private async list(path: string): Promise<PathView> {
    const r = await this.run(["sh", "-c", LIST_SCRIPT, "playground-list", path, String(LIST_MAX_ENTRIES + 1)]);
    if (r.exitCode !== 0) throw new Error(`listing ${path} in ${this.node} failed: ${r.stderr.trim()}`);
    const entries: FileEntry[] = [];
    for (const record of r.stdout.split("\0")) {
      const [type, size, mtime, ...name] = record.split("\t");
      if (!name.length) continue;
      entries.push({ name: name.join("\t"), kind: KINDS[type ?? ""] ?? "other", size: Number(size), mtime: isoOf(mtime ?? "") });
    }
    const truncated = entries.length > LIST_MAX_ENTRIES || r.truncated === true;
    const kept = entries.slice(0, LIST_MAX_ENTRIES).sort(byKindThenName);
    return { kind: "folder", path, entries: kept, ...(truncated ? { truncated: true as const } : {}) };
  }

  /** The version of the file at `path` now; null when there is no file there. */
  async version(path: string): Promise<string | null> {
    const r = await this.run(["sha256sum", "--", path]);
    const hex = /^[0-9a-f]{64}/.exec(r.stdout);
    return r.exitCode === 0 && hex ? hex[0] : null;
  }

  /** Removes a file, or a folder with everything in it; a link itself, not what it leads to. */
  async remove(path: string): Promise<void> {
    refuseProtected(path, "remove");
    if (!(await this.exists(path))) throw new PathNotFoundError(this.node, path);
    const r = await this.run(["rm", "-rf", "--", path]);
    if (r.exitCode !== 0) throw new BadRequestError(`Cannot remove ${path}: ${r.stderr.trim()}`);
  }

  /** Renames or moves; never replaces what is at `to`. The folders above `to` are created. */
  async move(from: string, to: string): Promise<void> {
    refuseProtected(from, "move");
    if (to === "/") throw new BadRequestError("The root folder cannot be replaced.");
    if (!(await this.exists(from))) throw new PathNotFoundError(this.node, from);
    if (await this.exists(to)) throw new ConflictError("path_exists", `Something is already at ${to}. Remove it first, or choose another name.`);
    const mkdir = await this.run(["mkdir", "-p", "--", posix.dirname(to)]);
    if (mkdir.exitCode !== 0) throw new BadRequestError(`Cannot create the folder ${posix.dirname(to)}: ${mkdir.stderr.trim()}`);
    // -T: `to` is the new name, never a folder to move into; -n: never overwrite (a race lost is reported below).
    const r = await this.run(["mv", "-n", "-T", "--", from, to]);
    if (r.exitCode !== 0) throw new BadRequestError(`Cannot move ${from} to ${to}: ${r.stderr.trim()}`);
    if (await this.exists(from)) throw new ConflictError("path_exists", `Something appeared at ${to} meanwhile; ${from} was not moved.`);
  }

  /** Creates a folder and its parents; a folder already there is fine, anything else is in the way. */
  async mkdir(path: string): Promise<void> {
    const found = await this.stat(path);
    if (found?.kind === "folder") return;
    if (found || (await this.exists(path))) {
      throw new ConflictError("path_exists", `A file is already at ${path}. Remove it first, or choose another name.`);
    }
    const r = await this.run(["mkdir", "-p", "--", path]);
    if (r.exitCode !== 0) throw new BadRequestError(`Cannot create the folder ${path}: ${r.stderr.trim()}`);
  }
}

function refuseProtected(path: string, what: "remove" | "move"): void {
  if (PROTECTED.has(path)) throw new BadRequestError(`${path} cannot be ${what === "remove" ? "removed" : "moved"}: it holds the node's files.`);
}
