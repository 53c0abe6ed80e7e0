/**
 * Starting sessions and nodes: a session's first node (with its network),
 * and nodes added later. Both start in the background; how it went shows in
 * the node's status, and a ready node is watched from then on.
 */
import { PlaygroundError, isPlaygroundError } from "./errors";
import { newSessionId } from "./ids";
import { writeClaim } from "./claims";
import { addNodeState, labels, newSession, nodeNumber, type Deps, type NodeState, type Session } from "./state";
import type { NodeWatcher } from "./watch";

/** How long a session whose node failed stays visible, with its reason. */
const FAILED_SESSION_KEPT_MS = 10 * 60_000;

export class Provisioner {
  constructor(
    private readonly deps: Pick<Deps, "runtime" | "opts" | "now" | "log" | "events">,
    private readonly watcher: Pick<NodeWatcher, "watch">,
  ) {}

  /** A new session with node1 starting; a pooled one has no expiry until it is handed out. */
  startSession(pooled: boolean): Session {
    const session = newSession(this.deps.now, newSessionId(), newSessionId(), pooled ? Infinity : this.deps.now() + this.deps.opts.sessionTtlMs);
    const node = addNodeState(session, "node1", "creating the session's network");
    node.ready = this.provision(session, node, { pooled, first: true });
    session.provisioned = node.ready.catch(() => {});
    return session;
  }

  /** Starts a node in a running session, in the background; how it went shows in its status. */
  startAddedNode(session: Session, name: string): NodeState {
    const node = addNodeState(session, name, "starting the node");
    // Keep the map in name order, so that lists and tabs are stable.
    session.nodes = new Map([...session.nodes.entries()].sort(([a], [b]) => nodeNumber(a) - nodeNumber(b)));
    node.ready = this.provision(session, node, { pooled: false, first: false });
    // Ending the session waits for this start too: a node that sees `ending` late has made its container by then.
    session.provisioned = Promise.all([session.provisioned, node.ready.catch(() => {})]).then(() => {});
    this.deps.log("node_added", { sessionId: session.id, node: name });
    return node;
  }

  /**
   * Starts one node. The first node of a session also creates its network,
   * and when it fails the session has failed; a node added later that fails
   * is removed and reported, and the session goes on.
   */
  private async provision(session: Session, node: NodeState, { pooled, first }: { pooled: boolean; first: boolean }): Promise<void> {
    const { runtime, now, log, events } = this.deps;
    const nodeLabels = labels(this.deps, session, pooled);
    const started = now();
    if (first) {
      session.network = (async () => runtime.createNetwork(session.id, nodeLabels))();
      session.network.catch(() => {}); // reported through node1's status, and each added node's
    }
    try {
      // A workshop of several nodes adds them at once, while node1 may still be making the network.
      await session.network;
      if (session.ending) throw new PlaygroundError("session_ended", "the session ended while it was starting", 410);
      node.message = "starting the node";
      const { ip } = await runtime.startNode({ sessionId: session.id, name: node.name, labels: nodeLabels }, (message) => {
        node.message = message;
      });
      if (session.ending) throw new PlaygroundError("session_ended", "the session ended while it was starting", 410);
      node.ip = ip;
      // A node added after hand-out needs the session's claim like the others.
      if (!first) await writeClaim(runtime, session, [node.name]);
      node.status = "ready";
      node.message = "ready";
      this.watcher.watch(session, node);
      const ms = now() - started;
      log("node_ready", { sessionId: session.id, node: node.name, ms, pooled });
      events.emit("nodeReady", session.id, node.name, ms);
    } catch (e) {
      node.status = "failed";
      // Engine errors can name host paths and addresses: people get a plain reason, the log the detail.
      node.message = isPlaygroundError(e) ? e.message : "the node could not start; the operator can find why in the server's log";
      // A session ended (or a pooled one given up) while its node started: not a failure.
      const abandoned = isPlaygroundError(e) && e.code === "session_ended";
      log(abandoned ? "node_abandoned" : "node_failed", { sessionId: session.id, node: node.name, error: String(e) });
      if (!abandoned) events.emit("nodeFailed", session.id, node.name);
      if (first) {
        // The page shows why for a while; then the reaper forgets the session.
        session.expiresAt = Math.min(session.expiresAt, now() + FAILED_SESSION_KEPT_MS);
        // A half-made node is never left behind; the session stays visible with its reason.
        if (!session.ending) await runtime.removeSession(session.id).catch(() => {});
      } else if (!session.ending) {
        await runtime.removeNode(session.id, node.name).catch(() => {});
      }
      throw e;
    }
  }
}
