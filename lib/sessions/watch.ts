/**
 * Following ready nodes: what the runtime reports of a node (its inner
 * engine stopping, starting and answering again; the node itself stopping)
 * becomes the node's status and message, and the manager's nodeStopped event.
 */
import { NodeNotReadyError } from "./errors";
import type { NodeEvent } from "./runtime";
import type { WarmPool } from "./pool";
import type { Deps, NodeState, Session } from "./state";

export class NodeWatcher {
  constructor(
    private readonly deps: Pick<Deps, "runtime" | "log" | "events">,
    private readonly pool: Pick<WarmPool, "has" | "discard">,
  ) {}

  /** Starts following a node (replacing an earlier watch of it). */
  watch(session: Session, node: NodeState): void {
    node.watch?.stop();
    node.watch = this.deps.runtime.watchNode(session.id, node.name, (event) => this.onNodeEvent(session, node, event));
  }

  /** What a watched node reported; repeated reports change nothing. */
  private onNodeEvent(session: Session, node: NodeState, event: NodeEvent): void {
    if (session.ending || session.nodes.get(node.name) !== node || node.status === "failed") return;
    if (this.pool.has(session.id) && (event.kind === "engine_stopped" || event.kind === "node_stopped")) {
      // Nobody has this session yet: it is replaced rather than repaired.
      this.deps.log("pool_node_stopped", { sessionId: session.id, node: node.name, event: event.kind, detail: event.detail });
      this.pool.discard(session);
      return;
    }
    switch (event.kind) {
      case "engine_ready":
        if (node.status === "provisioning" || (node.status === "stopped" && node.stopped === "engine")) this.markReady(session, node);
        return;
      case "engine_starting":
        if (node.status === "ready" || (node.status === "stopped" && node.stopped === "engine")) {
          // Someone asked the node itself (`playground-engine restart`): show it starting until it answers.
          node.status = "provisioning";
          node.stopped = undefined;
          node.message = "restarting the Docker engine";
          node.ready = new Promise<void>((resolve, reject) => (node.settle = { resolve, reject }));
          node.ready.catch(() => {});
          this.deps.log("node_restarting", { sessionId: session.id, node: node.name, what: "engine", by: "node" });
        }
        return;
      case "engine_stopped":
        if (node.status === "stopped") return;
        return this.markStopped(session, node, "engine", event);
      case "node_stopped":
        node.watch = undefined; // the runtime's watch ends with this event
        if (event.gone) {
          node.status = "failed";
          node.stopped = undefined;
          node.message = `${node.name} is gone from the engine, so it cannot be restarted: remove it and add a new node.`;
          node.settle?.reject(new NodeNotReadyError(node.name, node.message));
          node.settle = undefined;
          this.deps.log("node_gone", { sessionId: session.id, node: node.name });
          this.deps.events.emit("nodeStopped", session.id, node.name, "node");
          return;
        }
        if (node.status === "stopped" && node.stopped === "node") return;
        return this.markStopped(session, node, "node", event);
    }
  }

  private markStopped(
    session: Session,
    node: NodeState,
    what: "engine" | "node",
    event: { exitStatus?: number; oomKilled?: boolean; detail: string },
  ): void {
    node.status = "stopped";
    node.stopped = what;
    node.message = stoppedMessage(node.name, what, event.exitStatus, event.oomKilled);
    node.settle?.reject(new NodeNotReadyError(node.name, node.message));
    node.settle = undefined;
    // The engine's own words can name host paths and addresses: the log only.
    this.deps.log("node_stopped", { sessionId: session.id, node: node.name, what, exitStatus: event.exitStatus, oomKilled: event.oomKilled, detail: event.detail });
    this.deps.events.emit("nodeStopped", session.id, node.name, what);
  }

  markReady(session: Session, node: NodeState, ms?: number): void {
    if (node.status === "ready") return;
    node.status = "ready";
    node.stopped = undefined;
    node.message = "ready";
    node.settle?.resolve();
    node.settle = undefined;
    this.deps.log("node_restarted", { sessionId: session.id, node: node.name, ...(ms !== undefined ? { ms } : {}) });
  }
}

/** Stops following a node. */
export function unwatch(node: NodeState): void {
  node.watch?.stop();
  node.watch = undefined;
}

/** What people read when a node's engine, or the node, stopped: what happened, what is kept, what to do. */
export function stoppedMessage(name: string, what: "engine" | "node", exitStatus?: number, oomKilled?: boolean): string {
  const cause = oomKilled
    ? ": out of memory"
    : exitStatus === 137
      ? ": it was killed"
      : exitStatus === 143 || (exitStatus === 0 && what === "node")
        ? ": it was told to stop"
        : "";
  const why = exitStatus === undefined ? "" : ` (exit status ${exitStatus}${cause})`;
  if (what === "engine") {
    return (
      `The Docker engine in ${name} stopped${why}. Your files and open shells are still there, but docker commands fail until it runs again. ` +
      `Restart it with the Restart button, or type \`playground-engine restart\` in ${name}'s terminal.`
    );
  }
  return (
    `${name} stopped${why}. Its files are kept, but the programs that ran in it ended, its open shells too. ` +
    "Restart it with the Restart button."
  );
}
