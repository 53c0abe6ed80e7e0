/**
 * Files in a session's nodes, by session id: uploads, downloads and the
 * editor's reads, saves, moves and removals. Who may do what is checked
 * here (watchers read only); the work inside a node is lib/sessions/files.ts.
 */
import { posix } from "node:path";
import type { PathView, SavedFile } from "../protocol";
import { BadRequestError, FileChangedError } from "./errors";
import { NodeFiles, hashing, parseVersion } from "./files";
import type { NodeOperations } from "./nodes";
import type { SessionRegistry } from "./registry";
import type { PathContent } from "./runtime";
import type { Deps } from "./state";

export class SessionFiles {
  constructor(
    private readonly deps: Pick<Deps, "runtime" | "now">,
    private readonly registry: Pick<SessionRegistry, "control" | "resolve">,
    private readonly nodes: Pick<NodeOperations, "readyNode">,
  ) {}

  /**
   * Writes a file into a node, creating its folders. Relative paths are taken
   * from the working folder, /root. The content streams through; nothing is
   * written on the host.
   */
  async writeFile(id: string, name: string, path: string, content: NodeJS.ReadableStream, size: number): Promise<string> {
    const { runtime } = this.deps;
    const session = this.registry.control(id);
    const target = nodePath(path);
    if (target === "/") throw new BadRequestError("The path must name a file, not the root folder.");
    await this.nodes.readyNode(id, name, 30_000);
    const mkdir = await runtime.exec(session.id, name, ["mkdir", "-p", "--", posix.dirname(target)], { timeoutMs: 10_000 });
    if (mkdir.exitCode !== 0) throw new BadRequestError(`Cannot create the folder ${posix.dirname(target)}: ${mkdir.stderr.trim()}`);
    await runtime.writeFile(session.id, name, target, content, size);
    session.lastSeen = this.deps.now();
    return target;
  }

  /** A file's content or a folder's archive, for download; watchers may download too. */
  async readPath(id: string, name: string, path: string): Promise<PathContent> {
    const { session } = this.registry.resolve(id);
    await this.nodes.readyNode(id, name, 30_000);
    return this.deps.runtime.readPath(session.id, name, nodePath(path));
  }

  /** A node's files, for the editor; `sessionId` is the session's own id. */
  private files(sessionId: string, node: string): NodeFiles {
    return new NodeFiles(this.deps.runtime, sessionId, node);
  }

  /** A folder's entries or a text file with its version; watchers may read too. */
  async getPath(id: string, name: string, path: string): Promise<PathView> {
    const { session } = this.registry.resolve(id);
    const target = nodePath(path);
    await this.nodes.readyNode(id, name, 30_000);
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
    const session = this.registry.control(id);
    const target = nodePath(path);
    if (ifMatch !== undefined) {
      await this.nodes.readyNode(id, name, 30_000);
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
    const session = this.registry.control(id);
    const target = nodePath(path);
    await this.nodes.readyNode(id, name, 30_000);
    await this.files(session.id, name).remove(target);
    session.lastSeen = this.deps.now();
  }

  /** Renames or moves a file or folder; never replaces anything. Returns the new absolute path. */
  async movePath(id: string, name: string, from: string, to: string): Promise<string> {
    const session = this.registry.control(id);
    const [source, target] = [nodePath(from), nodePath(to)];
    await this.nodes.readyNode(id, name, 30_000);
    await this.files(session.id, name).move(source, target);
    session.lastSeen = this.deps.now();
    return target;
  }

  /** Creates a folder and its parents. Returns its absolute path. */
  async makeFolder(id: string, name: string, path: string): Promise<string> {
    const session = this.registry.control(id);
    const target = nodePath(path);
    await this.nodes.readyNode(id, name, 30_000);
    await this.files(session.id, name).mkdir(target);
    session.lastSeen = this.deps.now();
    return target;
  }
}

/** A path inside a node: relative ones start at the working folder, /root. */
export function nodePath(path: string): string {
  if (!path || path.length > 4096 || path.includes("\0")) {
    throw new BadRequestError("Give a path of 1 to 4096 characters, without NUL bytes.");
  }
  return posix.resolve("/root", path);
}
