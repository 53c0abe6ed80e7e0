/** The terminal hubs of all sessions: one per node, ended with their session. */
import { CLOSE } from "../protocol";
import type { SessionManager } from "../sessions/manager";
import { TerminalHub } from "./hub";
import type { SpawnTerminal } from "./process";

/** Each node has one shared terminal for now; the name is recorded inside the node. */
const TERMINAL_NAME = "main";

export class TerminalService {
  private readonly hubs = new Map<string, TerminalHub>();

  constructor(
    manager: SessionManager,
    private readonly spawn: SpawnTerminal,
  ) {
    manager.on("ended", (sessionId) => this.closeSession(sessionId, CLOSE.SESSION_ENDED, "session ended"));
    // The shell starts with the node (a pooled one too): whoever opens the terminal finds its prompt there.
    manager.on("nodeReady", (sessionId, node) => this.hub(sessionId, node).warm());
    manager.on("nodeRemoved", (sessionId, node) => {
      const key = `${sessionId}/${node}`;
      this.hubs.get(key)?.close(CLOSE.NOT_FOUND, "node removed");
      this.hubs.delete(key);
    });
    // The node's shell ended with it: clients come back and wait while it is restarted, then get a new shell.
    manager.on("nodeStopped", (sessionId, node, what) => {
      const key = `${sessionId}/${node}`;
      if (what === "engine") {
        // The shell goes on; the pages learn at once rather than at their next poll.
        const hub = this.hubs.get(key);
        if (!hub) return;
        try {
          const state = manager.nodeState(sessionId, node);
          hub.notify({ type: "status", state: state.status, message: state.message ?? "" });
        } catch {
          // The session is ending: its terminals are closed by "ended".
        }
        return;
      }
      this.hubs.get(key)?.close(CLOSE.NODE_STOPPED, "node stopped");
      this.hubs.delete(key);
    });
  }

  /** The hub of a node; the caller has checked that the node exists and is ready. */
  hub(sessionId: string, node: string): TerminalHub {
    const key = `${sessionId}/${node}`;
    let hub = this.hubs.get(key);
    if (!hub) {
      hub = new TerminalHub({ spawn: (size) => this.spawn({ sessionId, node, name: TERMINAL_NAME }, size) });
      this.hubs.set(key, hub);
    }
    return hub;
  }

  closeSession(sessionId: string, code: number, reason: string): void {
    for (const [key, hub] of this.hubs) {
      if (key.startsWith(`${sessionId}/`)) {
        hub.close(code, reason);
        this.hubs.delete(key);
      }
    }
  }

  /** On shutdown: clients are told to come back (1012), the sessions live on. */
  closeAll(): void {
    for (const hub of this.hubs.values()) hub.close(1012, "server restarting");
    this.hubs.clear();
  }
}
