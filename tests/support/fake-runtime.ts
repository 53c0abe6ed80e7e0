/** An in-memory SandboxRuntime for unit tests: records calls, fails on demand. */
import type { ExecResult } from "../../lib/protocol";
import type { FoundNode, NodeSpec, RuntimeStatus, SandboxLabels, SandboxRuntime } from "../../lib/sessions/runtime";

export class FakeRuntime implements SandboxRuntime {
  readonly networks = new Set<string>();
  readonly nodes = new Map<string, FoundNode>();
  readonly orphans = new Set<string>();
  readonly removed: string[] = [];
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
    });
  }

  async exec(sessionId: string, node: string, cmd: string[]): Promise<ExecResult> {
    this.execs.push({ sessionId, node, cmd });
    const claimFile = "/run/playground/claim";
    if (cmd[0] === "sh" && cmd.at(-1) === claimFile) this.claims.set(sessionId, cmd.at(-2)!);
    if (cmd[0] === "cat" && cmd[1] === claimFile) {
      const claim = this.claims.get(sessionId);
      return claim ? { exitCode: 0, stdout: claim, stderr: "" } : { exitCode: 1, stdout: "", stderr: "No such file" };
    }
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
