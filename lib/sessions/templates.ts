/**
 * Swarm templates: a Docker swarm built from the session's nodes, with the
 * nodes it needs added first. The swarm commands run inside the nodes.
 */
import type { SessionView } from "../protocol";
import { ConflictError, PlaygroundError } from "./errors";
import type { NodeOperations } from "./nodes";
import type { Provisioner } from "./provision";
import type { SessionRegistry } from "./registry";
import { maxNodes, sessionView, type Deps } from "./state";

/** Templates that build a Docker swarm from the session's nodes. */
export const TEMPLATES = {
  "swarm-1-1": { managers: 1, workers: 1 },
  "swarm-3-2": { managers: 3, workers: 2 },
} as const;
export type TemplateName = keyof typeof TEMPLATES;

export class SwarmTemplates {
  constructor(
    private readonly deps: Pick<Deps, "runtime" | "opts" | "log">,
    private readonly registry: Pick<SessionRegistry, "control">,
    private readonly provisioner: Pick<Provisioner, "startAddedNode">,
    private readonly nodes: Pick<NodeOperations, "readyNode" | "nodeAddress">,
  ) {}

  /**
   * Builds a swarm: adds nodes until the template has enough, makes node1
   * the first manager, and joins the other managers, then the workers.
   */
  async apply(id: string, name: TemplateName, waitMs: number): Promise<SessionView> {
    const session = this.registry.control(id);
    const { managers, workers } = TEMPLATES[name];
    const names = Array.from({ length: managers + workers }, (_, i) => `node${i + 1}`);
    const max = maxNodes(this.deps.opts);
    if (names.length > max) {
      throw new ConflictError("node_limit", `This template needs ${names.length} nodes; a session may have ${max}.`);
    }
    for (const node of names) if (!session.nodes.has(node)) this.provisioner.startAddedNode(session, node);
    await Promise.all(names.map((node) => this.nodes.readyNode(id, node, waitMs)));

    const run = async (node: string, cmd: string[]) => {
      const r = await this.deps.runtime.exec(session.id, node, cmd, { timeoutMs: 60_000 });
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
    const leader = this.nodes.nodeAddress(id, "node1");
    await run("node1", ["docker", "swarm", "init", "--advertise-addr", leader]);
    const managerToken = await run("node1", ["docker", "swarm", "join-token", "-q", "manager"]);
    const workerToken = await run("node1", ["docker", "swarm", "join-token", "-q", "worker"]);
    // Managers one at a time (each joins the Raft group), workers together.
    for (const node of names.slice(1, managers)) await run(node, ["docker", "swarm", "join", "--token", managerToken, `${leader}:2377`]);
    await Promise.all(names.slice(managers).map((node) => run(node, ["docker", "swarm", "join", "--token", workerToken, `${leader}:2377`])));
    this.deps.log("template_applied", { sessionId: session.id, template: name });
    return sessionView(session, "control", this.deps.opts);
  }
}
