/** An in-memory SandboxRuntime for unit tests: records calls, fails on demand. */
import { createHash } from "node:crypto";
import { posix } from "node:path";
import { Readable } from "node:stream";
import type { ExecResult } from "../../lib/protocol";
import { PathNotFoundError } from "../../lib/sessions/errors";
import type {
  CommandStream,
  FoundNode,
  NodeEvent,
  NodeSpec,
  NodeWatch,
  PathContent,
  RuntimeStatus,
  SandboxLabels,
  SandboxRuntime,
} from "../../lib/sessions/runtime";

export class FakeRuntime implements SandboxRuntime {
  readonly networks = new Set<string>();
  readonly nodes = new Map<string, FoundNode>();
  readonly orphans = new Set<string>();
  readonly removed: string[] = [];
  /** Nodes removed one by one: "session/node". */
  readonly removedNodes: string[] = [];
  /** Answers for exec, by the command's first word; default: echo the argv. */
  readonly answers = new Map<string, (node: string, cmd: string[]) => ExecResult | Promise<ExecResult>>();
  private nextIp = 2;
  readonly execs: { sessionId: string; node: string; cmd: string[] }[] = [];
  /** What each node's claim file holds (pooled sessions handed out). */
  readonly claims = new Map<string, string>();
  status_: RuntimeStatus = { engine: { reachable: true, version: "fake" }, sandboxImage: true, registryRunning: true };
  /** When set, startNode fails with this error. */
  failStart?: Error;
  /** When set, startNode waits for this promise. */
  startGate?: Promise<void>;
  /** When set, createNetwork waits for this promise. */
  networkGate?: Promise<void>;

  /** Nodes being watched ("session/node") and what each watch reports to. */
  readonly watchers = new Map<string, (event: NodeEvent) => void>();
  /** Every watch begun, in order ("session/node"). */
  readonly watchesStarted: string[] = [];
  /** Restarts asked for, in order: "engine session/node" or "node session/node". */
  readonly restarts: string[] = [];
  /** When set, restartEngine and restartNode fail with this error. */
  failRestart?: Error;
  /** When set, restartEngine and restartNode wait for this promise. */
  restartGate?: Promise<void>;

  /** Makes a watched node report an event, as the real node's output would; false when nobody watches it. */
  emitNode(sessionId: string, node: string, event: NodeEvent): boolean {
    const watcher = this.watchers.get(`${sessionId}/${node}`);
    watcher?.(event);
    return !!watcher;
  }

  watchNode(sessionId: string, node: string, onEvent: (event: NodeEvent) => void): NodeWatch {
    const key = `${sessionId}/${node}`;
    this.watchesStarted.push(key);
    this.watchers.set(key, onEvent);
    return {
      stop: () => {
        if (this.watchers.get(key) === onEvent) this.watchers.delete(key);
      },
    };
  }

  async restartEngine(sessionId: string, node: string) {
    this.restarts.push(`engine ${sessionId}/${node}`);
    if (this.restartGate) await this.restartGate;
    if (this.failRestart) throw this.failRestart;
  }

  async restartNode(sessionId: string, node: string, onProgress: (m: string) => void) {
    this.restarts.push(`node ${sessionId}/${node}`);
    onProgress("starting the node again");
    if (this.restartGate) await this.restartGate;
    if (this.failRestart) throw this.failRestart;
    // /run is emptied by a restart: the claim file is gone.
    this.claims.delete(sessionId);
    return { ip: `10.0.0.${this.nextIp++}` };
  }

  async status() {
    return this.status_;
  }

  async createNetwork(sessionId: string, _labels: SandboxLabels) {
    if (this.networkGate) await this.networkGate;
    this.networks.add(sessionId);
  }

  async startNode(spec: NodeSpec, onProgress: (m: string) => void) {
    // As the engine answers a container created on a network it does not have.
    if (!this.networks.has(spec.sessionId)) throw new Error(`(HTTP code 404) no such container - network of ${spec.sessionId} not found`);
    onProgress("starting the Docker engine inside the node");
    if (this.startGate) await this.startGate;
    if (this.failStart) throw this.failStart;
    this.nodes.set(`${spec.sessionId}/${spec.name}`, {
      sessionId: spec.sessionId,
      name: spec.name,
      expiresAt: spec.labels.expiresAt,
      running: true,
      pooled: !!spec.labels.pooled,
      watchId: spec.labels.watchId,
    });
    return { ip: `10.0.0.${this.nextIp++}` };
  }

  /**
   * A small file system per node, enough for the editor's file operations:
   * files (content) and folders, by "session/node:path". `/` and `/root`
   * always exist. No links.
   */
  readonly files = new Map<string, Buffer>();
  readonly folders = new Set<string>();
  /** Modification times in seconds, by the same keys; every change bumps the clock. */
  readonly mtimes = new Map<string, number>();
  private clock = 1_700_000_000;

  /** Puts a file straight into a node, as a command run there would (folders above it included). */
  putFile(sessionId: string, node: string, path: string, content: string | Buffer): void {
    this.fsMkdir(sessionId, node, posix.dirname(path));
    const key = `${sessionId}/${node}:${path}`;
    this.files.set(key, Buffer.from(content));
    this.mtimes.set(key, ++this.clock);
  }

  async writeFile(sessionId: string, node: string, path: string, content: NodeJS.ReadableStream, size: number) {
    const chunks: Buffer[] = [];
    for await (const c of content) chunks.push(Buffer.from(c));
    const data = Buffer.concat(chunks);
    if (data.length !== size) throw new Error(`size mismatch: ${data.length} != ${size}`);
    if (!this.isFolder(sessionId, node, posix.dirname(path))) throw new PathNotFoundError(node, posix.dirname(path));
    this.putFile(sessionId, node, path, data);
  }

  async readPath(sessionId: string, node: string, path: string): Promise<PathContent> {
    const data = this.files.get(`${sessionId}/${node}:${path}`);
    if (data === undefined) throw new PathNotFoundError(node, path);
    return { kind: "file", name: path.split("/").at(-1)!, size: data.length, stream: Readable.from([data]) };
  }

  private isFolder(sessionId: string, node: string, path: string): boolean {
    return path === "/" || path === "/root" || this.folders.has(`${sessionId}/${node}:${path}`);
  }

  private fsMkdir(sessionId: string, node: string, path: string): string | undefined {
    for (let p = path, made: string[] = []; ; p = posix.dirname(p)) {
      if (this.files.has(`${sessionId}/${node}:${p}`)) return `mkdir: cannot create directory '${path}': Not a directory`;
      if (this.isFolder(sessionId, node, p)) {
        for (const m of made) this.folders.add(`${sessionId}/${node}:${m}`);
        for (const m of made) this.mtimes.set(`${sessionId}/${node}:${m}`, ++this.clock);
        return undefined;
      }
      made.push(p);
    }
  }

  /** Keys at `path` and below it, files and folders. */
  private under(sessionId: string, node: string, path: string): string[] {
    const key = `${sessionId}/${node}:${path}`;
    return [...this.files.keys(), ...this.folders].filter((k) => k === key || k.startsWith(`${key}/`));
  }

  /** The commands of lib/sessions/files.ts, on the fake file system; undefined for any other command. */
  private fsExec(sessionId: string, node: string, cmd: string[]): ExecResult | undefined {
    const ok = (stdout = ""): ExecResult => ({ exitCode: 0, stdout, stderr: "" });
    const fail = (stderr: string, exitCode = 1): ExecResult => ({ exitCode, stdout: "", stderr });
    const at = (p: string) => `${sessionId}/${node}:${p}`;
    const mtime = (p: string) => `${this.mtimes.get(at(p)) ?? this.clock}.250000000`;
    const [first] = cmd;
    const path = cmd.at(-1)!;
    if (first === "sh" && cmd[3] === "playground-stat") {
      const p = cmd[4]!;
      const file = this.files.get(at(p));
      if (file) return ok(`regular file\t${file.length}\t${mtime(p)}\t${p}`);
      if (this.isFolder(sessionId, node, p)) return ok(`directory\t4096\t${mtime(p)}\t${p}`);
      return fail("", 3);
    }
    if (first === "sh" && cmd[3] === "playground-list") {
      const [p, max] = [cmd[4]!, Number(cmd[5])];
      const prefix = at(p === "/" ? "" : p) + "/";
      const records: string[] = [];
      for (const [key, kind] of [...[...this.files.keys()].map((k) => [k, "f"]), ...[...this.folders].map((k) => [k, "d"])]) {
        const name = key!.startsWith(prefix) ? key!.slice(prefix.length) : "";
        if (!name || name.includes("/")) continue;
        const size = kind === "f" ? this.files.get(key!)!.length : 4096;
        records.push(`${kind}\t${size}\t${this.mtimes.get(key!) ?? this.clock}.5\t${name}\0`);
      }
      return ok(records.slice(0, max).join(""));
    }
    if (first === "stat" && cmd[1] === "--printf") {
      if (this.files.has(at(path))) return ok("regular file");
      return this.isFolder(sessionId, node, path) ? ok("directory") : fail(`stat: cannot statx '${path}': No such file or directory`);
    }
    if (first === "sha256sum") {
      const file = this.files.get(at(path));
      if (file) return ok(`${createHash("sha256").update(file).digest("hex")}  ${path}\n`);
      return fail(`sha256sum: ${path}: ${this.isFolder(sessionId, node, path) ? "Is a directory" : "No such file or directory"}`);
    }
    if (first === "rm" && cmd[1] === "-rf") {
      for (const key of this.under(sessionId, node, path)) {
        this.files.delete(key);
        this.folders.delete(key);
      }
      return ok();
    }
    if (first === "mv") {
      const [from, to] = cmd.slice(-2) as [string, string];
      if (this.under(sessionId, node, to).length) return ok(); // -n: nothing replaced
      if (to.startsWith(`${from}/`)) return fail(`mv: cannot move '${from}' to a subdirectory of itself, '${to}'`);
      for (const key of this.under(sessionId, node, from)) {
        const moved = at(to) + key.slice(at(from).length);
        const file = this.files.get(key);
        if (file) {
          this.files.delete(key);
          this.files.set(moved, file);
        } else {
          this.folders.delete(key);
          this.folders.add(moved);
        }
      }
      return ok();
    }
    if (first === "mkdir" && cmd[1] === "-p") {
      const error = this.fsMkdir(sessionId, node, path);
      return error ? fail(error) : ok();
    }
    return undefined;
  }

  async removeNode(sessionId: string, node: string) {
    this.removedNodes.push(`${sessionId}/${node}`);
    this.nodes.delete(`${sessionId}/${node}`);
  }

  stream(_sessionId: string, _node: string, _cmd: string[], _onData: (chunk: string) => void, onEnd: () => void): CommandStream {
    return { stop: onEnd };
  }

  async exec(sessionId: string, node: string, cmd: string[]): Promise<ExecResult> {
    this.execs.push({ sessionId, node, cmd });
    const claimFile = "/run/playground/claim";
    if (cmd[0] === "sh" && cmd.at(-1) === claimFile) this.claims.set(sessionId, cmd.at(-2)!);
    if (cmd[0] === "cat" && cmd[1] === claimFile) {
      const claim = this.claims.get(sessionId);
      return claim ? { exitCode: 0, stdout: claim, stderr: "" } : { exitCode: 1, stdout: "", stderr: "No such file" };
    }
    const answer = this.answers.get(cmd[0] ?? "");
    if (answer) return answer(node, cmd);
    const fs = this.fsExec(sessionId, node, cmd);
    if (fs) return fs;
    return { exitCode: 0, stdout: cmd.join(" "), stderr: "" };
  }

  async removeSession(sessionId: string) {
    this.removed.push(sessionId);
    this.networks.delete(sessionId);
    this.orphans.delete(sessionId);
    for (const key of [...this.nodes.keys()]) if (key.startsWith(`${sessionId}/`)) this.nodes.delete(key);
  }

  async listNodes() {
    return [...this.nodes.values()];
  }

  async listOrphanSessions() {
    return [...this.orphans];
  }
}
