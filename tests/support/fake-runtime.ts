/** An in-memory SandboxRuntime for unit tests: records calls, fails on demand. */
import type { ExecResult } from "../../lib/protocol";
import { Readable } from "node:stream";
import { PathNotFoundError } from "../../lib/sessions/errors";
import type { CommandStream, FoundNode, PathContent, NodeSpec, RuntimeStatus, SandboxLabels, SandboxRuntime } from "../../lib/sessions/runtime";

export class FakeRuntime implements SandboxRuntime {
  readonly networks = new Set<string>();
  readonly nodes = new Map<string, FoundNode>();
  readonly orphans = new Set<string>();
  readonly removed: string[] = [];
  /** Nodes removed one by one: "session/node". */
  readonly removedNodes: string[] = [];
  /** Answers for exec, by the command's first word; default: echo the argv. */
  readonly answers = new Map<string, (node: string, cmd: string[]) => ExecResult>();
  private nextIp = 2;
  readonly execs: { sessionId: string; node: string; cmd: string[] }[] = [];
  /** What each node's claim file holds (pooled sessions handed out). */
  readonly claims = new Map<string, string>();
  status_: RuntimeStatus = { engine: { reachable: true, version: "fake" }, sandboxImage: true, registryRunning: true };
  /** When set, startNode fails with this error. */
  failStart?: Error;
  /** When set, startNode waits for this promise. */
  startGate?: Promise<void>;

  async status() {
    return this.status_;
  }

  async createNetwork(sessionId: string, _labels: SandboxLabels) {
    this.networks.add(sessionId);
  }

  async startNode(spec: NodeSpec, onProgress: (m: string) => void) {
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

  /** Files written, by "session/node:path". */
  readonly files = new Map<string, string>();

  async writeFile(sessionId: string, node: string, path: string, content: NodeJS.ReadableStream, size: number) {
    const chunks: Buffer[] = [];
    for await (const c of content) chunks.push(Buffer.from(c));
    const data = Buffer.concat(chunks);
    if (data.length !== size) throw new Error(`size mismatch: ${data.length} != ${size}`);
    this.files.set(`${sessionId}/${node}:${path}`, data.toString());
  }

  async readPath(sessionId: string, node: string, path: string): Promise<PathContent> {
    const data = this.files.get(`${sessionId}/${node}:${path}`);
    if (data === undefined) throw new PathNotFoundError(node, path);
    return { kind: "file", name: path.split("/").at(-1)!, size: data.length, stream: Readable.from([Buffer.from(data)]) };
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
