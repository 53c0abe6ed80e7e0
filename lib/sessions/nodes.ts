/**
 * What people do with a session's nodes: wait for one, read its state and
 * address, run a command in it, add, remove and restart nodes.
 */
import type { ExecResult, NodeView } from "../protocol";
import { ConflictError, NodeNotReadyError, NodeRemovedError, PlaygroundError, isPlaygroundError } from "./errors";
import { writeClaim } from "./claims";
import type { Provisioner } from "./provision";
import type { SessionRegistry } from "./registry";
import { maxNodes, nodeView, type Deps } from "./state";
import { unwatch, type NodeWatcher } from "./watch";

export class NodeOperations {
  constructor(
    private readonly deps: Pick<Deps, "runtime" | "opts" | "now" | "log" | "events">,
    private readonly registry: Pick<SessionRegistry, "control" | "findNode">,
    private readonly provisioner: Pick<Provisioner, "startAddedNode">,
    private readonly watcher: Pick<NodeWatcher, "watch" | "markReady">,
  ) {}

  /**
   * The node, once it can run commands; waits while it is starting. A node
   * whose engine alone stopped still runs commands (its files and shells are
   * there; `docker` says the engine does not answer).
   */
  async readyNode(id: string, name: string, waitMs: number): Promise<void> {
    const node = this.registry.findNode(id, name);
    if (node.status === "ready" || (node.status === "stopped" && node.stopped === "engine")) return;
    if (node.status === "failed" || node.status === "stopped") throw new NodeNotReadyError(name, node.message);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new NodeNotReadyError(name, "it is still starting; try again in a moment")), waitMs);
    });
    try {
      await Promise.race([node.ready, timeout]);
    } catch (e) {
      if (e instanceof NodeNotReadyError) throw e;
      throw new NodeNotReadyError(name, node.message);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A node's current state, for the terminal: status changes are polled by callers. */
  nodeState(id: string, name: string): NodeView {
    return nodeView(this.registry.findNode(id, name));
  }

  /** The address of a ready node on its session's network (ports and the Docker panel use it). */
  nodeAddress(id: string, name: string): string {
    const node = this.registry.findNode(id, name);
    const running = node.status === "ready" || (node.status === "stopped" && node.stopped === "engine");
    if (!running || !node.ip) throw new NodeNotReadyError(name, node.status === "provisioning" ? "it is still starting" : node.message);
    return node.ip;
  }

  /** `background`: the server's own read (a class dashboard's), which does not keep an idle session alive. */
  async exec(id: string, name: string, cmd: string[], timeoutMs?: number, { background = false } = {}): Promise<ExecResult> {
    const session = this.registry.control(id);
    if (!background) session.lastSeen = this.deps.now();
    const limit = timeoutMs ?? this.deps.opts.defaultExecTimeoutMs ?? 30_000;
    const started = this.deps.now();
    await this.readyNode(id, name, limit);
    const node = this.registry.findNode(id, name);
    // Removing the node (or ending the session) kills what runs in it: say so, whatever the engine answered.
    const cutOff = () => {
      if (session.ending) return new PlaygroundError("session_ended", "The session ended while the command ran.", 410);
      if (session.nodes.get(name) !== node) return new NodeRemovedError(name, "the command ran");
    };
    const left = Math.max(1000, limit - (this.deps.now() - started));
    let result: ExecResult;
    try {
      result = await this.deps.runtime.exec(session.id, name, cmd, { timeoutMs: left });
    } catch (e) {
      throw cutOff() ?? e;
    }
    const error = cutOff();
    if (error) throw error;
    return result;
  }

  /** Adds the next free node (node1..nodeN); it starts in the background. */
  addNode(id: string): NodeView {
    const session = this.registry.control(id);
    const max = maxNodes(this.deps.opts);
    if (session.nodes.size >= max) {
      throw new ConflictError("node_limit", `A session has at most ${max} nodes. Remove one to add another.`);
    }
    let n = 1;
    while (session.nodes.has(`node${n}`)) n++;
    return nodeView(this.provisioner.startAddedNode(session, `node${n}`));
  }

  /** Removes a node, its terminals and everything in it. */
  async removeNode(id: string, name: string): Promise<void> {
    const session = this.registry.control(id);
    const node = this.registry.findNode(id, name);
    session.nodes.delete(name);
    unwatch(node);
    this.deps.events.emit("nodeRemoved", session.id, name);
    await node.ready.catch(() => {});
    await this.deps.runtime.removeNode(session.id, name);
    this.deps.log("node_removed", { sessionId: session.id, node: name });
  }

  /**
   * Starts a stopped node again: its engine, or the whole node (files and
   * volume kept; its shells ended with it). A ready node gets its engine
   * restarted, as `playground-engine restart` in the node does. Answers at
   * once with the node "provisioning"; how it went shows in its status.
   */
  restartNode(id: string, name: string): NodeView {
    const { runtime, now, log } = this.deps;
    const session = this.registry.control(id);
    const node = this.registry.findNode(id, name);
    if (node.status === "provisioning") {
      throw new ConflictError("node_starting", `${name} is starting. Wait until it is ready, then try again if needed.`);
    }
    if (node.status === "failed") {
      throw new ConflictError("node_failed", `${name} could not start, so it cannot be restarted: remove it and add a new node.`);
    }
    const what = node.status === "stopped" ? (node.stopped ?? "engine") : "engine";
    session.lastSeen = now();
    node.settle = undefined;
    node.status = "provisioning";
    node.stopped = undefined;
    node.message = what === "node" ? "starting the node again" : "restarting the Docker engine";
    const started = now();
    log("node_restarting", { sessionId: session.id, node: name, what });
    const current = () => session.nodes.get(name) === node && !session.ending;
    node.ready = (async () => {
      try {
        if (what === "node") {
          unwatch(node);
          const { ip } = await runtime.restartNode(session.id, name, (message) => {
            if (current() && node.status === "provisioning") node.message = message;
          });
          node.ip = ip;
          // /run is emptied with the node: its claim must be written again.
          if (current()) await writeClaim(runtime, session, [name]);
        } else {
          await runtime.restartEngine(session.id, name);
        }
      } catch (e) {
        log("node_restart_failed", { sessionId: session.id, node: name, what, error: String(e) });
        if (current() && node.status === "provisioning") {
          node.status = "stopped";
          node.stopped = what;
          node.message =
            `${what === "node" ? name : `The Docker engine in ${name}`} did not start again` +
            `${isPlaygroundError(e) ? `: ${e.message}` : ""}. Try Restart once more; if it fails again, remove ${name} and add a new node.`;
          if (what === "node") this.watcher.watch(session, node);
        }
        throw e;
      }
      if (!current()) throw new NodeRemovedError(name, "it restarted");
      if (what === "node") this.watcher.watch(session, node);
      this.watcher.markReady(session, node, now() - started);
    })();
    node.ready.catch(() => {}); // reported through the node's status
    return nodeView(node);
  }
}
