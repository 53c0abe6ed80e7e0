/**
 * The terminal WebSocket edge: /ws/sessions/:id/nodes/:node/terminal.
 * Checks the Origin before upgrading, validates every message, waits while
 * the node starts (telling the client what is happening), then joins the
 * node's shared terminal.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { originAllowed } from "../http/origin";
import { CLOSE, clientMessage, type Access, type ServerMessage } from "../protocol";
import { isPlaygroundError } from "../sessions/errors";
import type { SessionManager } from "../sessions/manager";
import type { TerminalClient } from "../terminal/hub";
import type { TerminalService } from "../terminal/service";

const PATH = /^\/ws\/sessions\/([^/]+)\/nodes\/([^/]+)\/terminal$/;
const STATUS_POLL_MS = 250;
const HEARTBEAT_MS = 30_000;
/**
 * Output queued for a socket and not yet taken by its peer. Flow control keeps
 * an honest client far below this; one that acknowledges output it never
 * reads would make the server buffer without end, so it is cut off here.
 */
const MAX_UNSENT_BYTES = 16 * 1024 * 1024;
/** A bad message is answered only while the peer reads: tiny bad frames must not pile up replies. */
const MAX_UNSENT_FOR_REPLIES = 64 * 1024;

export interface TerminalSocketOptions {
  manager: SessionManager;
  terminals: TerminalService;
  allowedOrigins: string[];
  log: (event: string, fields: Record<string, unknown>) => void;
  /** Called when a socket joins a node's shell (for the metrics' counter). */
  onConnection?: (access: Access) => void;
}

export function terminalSockets(opts: TerminalSocketOptions) {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 256 * 1024 });
  /** Sockets joined to a shell right now, by what they may do. */
  const open: Record<Access, number> = { control: 0, watch: 0 };
  /** The session's own id for the log, whichever id (control or watch) the socket used. */
  const sessionIdOf = (id: string) => {
    try {
      return opts.manager.sessionOf(id).sessionId;
    } catch {
      return id;
    }
  };

  /** Handles the upgrade if the path is ours; returns false to leave it to others (Next's HMR). */
  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    let id: string, node: string, who: { clientId: string; name: string };
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      const match = PATH.exec(url.pathname);
      if (!match) return false;
      [id, node] = [decodeURIComponent(match[1]!), decodeURIComponent(match[2]!)];
      who = participant(url.searchParams);
    } catch {
      socket.end("HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\n\r\nMalformed terminal path.\n");
      return true;
    }
    if (!originAllowed(req.headers.origin, req.headers.host, opts.allowedOrigins)) {
      opts.log("ws_origin_refused", { sessionId: sessionIdOf(id), node, origin: req.headers.origin, host: req.headers.host });
      socket.end("HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nThis origin may not open terminals.\n");
      return true;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      // Before anything else: a bad frame makes ws emit "error", fatal without a listener. ws has
      // closed the socket itself then (1007, 1009): the client's fault, logged as a warning.
      ws.on("error", (e) => {
        const refused = String((e as { code?: unknown }).code).startsWith("WS_ERR_");
        opts.log(refused ? "ws_frame_refused" : "ws_error", { sessionId: sessionIdOf(id), node, error: String(e) });
      });
      keepAlive(ws);
      void serve(ws, id, node, who);
    });
    return true;
  }

  async function serve(ws: WebSocket, id: string, node: string, who: { clientId: string; name: string }): Promise<void> {
    const send = (m: ServerMessage) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m));
    try {
      // Tell the client what is happening while the node starts.
      let last = "";
      for (;;) {
        const state = opts.manager.nodeState(id, node);
        if (state.status === "failed") {
          send({ type: "status", state: "failed", message: state.message ?? "the node failed to start" });
          ws.close(CLOSE.NODE_FAILED, "node failed");
          return;
        }
        if (state.message !== last) send({ type: "status", state: state.status, message: state.message ?? "" });
        last = state.message ?? "";
        // A node whose engine alone stopped still has its shell: join it (the page shows the stop).
        if (state.status === "ready" || (state.status === "stopped" && state.stopped === "engine")) break;
        await new Promise((r) => setTimeout(r, STATUS_POLL_MS));
        if (ws.readyState !== ws.OPEN) return;
      }
    } catch (e) {
      const gone = isPlaygroundError(e) && e.status === 404;
      const engine = isPlaygroundError(e) && e.code === "engine_unavailable";
      if (isPlaygroundError(e)) send({ type: "error", code: e.code, message: e.message });
      else opts.log("ws_error", { sessionId: sessionIdOf(id), node, error: String(e) });
      if (engine) ws.close(CLOSE.ENGINE_UNAVAILABLE, "engine unavailable");
      else ws.close(gone ? CLOSE.NOT_FOUND : CLOSE.INTERNAL, gone ? "not found" : "error");
      return;
    }
    if (ws.readyState !== ws.OPEN) return;

    let target: { sessionId: string; access: "control" | "watch" };
    let leave: () => void;
    try {
      target = opts.manager.sessionOf(id);
      leave = opts.manager.join(id, who);
    } catch {
      ws.close(CLOSE.NOT_FOUND, "not found");
      return;
    }
    const control = target.access === "control";
    const hub = opts.terminals.hub(target.sessionId, node);
    const client: TerminalClient = {
      sendOutput: (data) => {
        if (ws.readyState !== ws.OPEN) return;
        // It reads nothing, so a close frame would only queue behind the rest: end it at once.
        if (ws.bufferedAmount > MAX_UNSENT_BYTES) {
          opts.log("ws_output_refused", { sessionId: target.sessionId, node, unsent: ws.bufferedAmount });
          return ws.terminate();
        }
        ws.send(data, { binary: true });
      },
      sendMessage: send,
      close: (code, reason) => ws.close(code, reason),
    };
    ws.on("message", (raw, isBinary) => {
      let message;
      try {
        message = clientMessage.parse(JSON.parse(isBinary ? "" : raw.toString()));
      } catch {
        if (ws.bufferedAmount < MAX_UNSENT_FOR_REPLIES) {
          send({ type: "error", code: "bad_message", message: "The server could not read a message from this page." });
        }
        return;
      }
      // Watchers' input and resizes are dropped here and in the hub: the server enforces watch-only.
      if (message.type === "input") {
        if (control) hub.input(client, message.data);
      } else if (message.type === "resize") {
        if (control) hub.resize(client, message.cols, message.rows);
      } else hub.ack(client, message.bytes);
    });
    open[target.access]++;
    opts.onConnection?.(target.access);
    ws.on("close", () => {
      open[target.access]--;
      hub.detach(client);
      leave();
    });
    hub.attach(client, { control });
  }

  /** Ends sockets whose peer vanished without closing (no pong within one interval). */
  function keepAlive(ws: WebSocket): void {
    let alive = true;
    ws.on("pong", () => (alive = true));
    const timer = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, HEARTBEAT_MS);
    ws.on("close", () => clearInterval(timer));
  }

  return {
    handleUpgrade,
    /** Sockets joined to a shell right now, by access: counts only. */
    connections: (): Record<Access, number> => ({ ...open }),
    close: () => wss.close(),
  };
}

/**
 * Who opened a socket, for the session's list of participants: the page
 * sends a random tab id and a display name; both are bounded and cleaned.
 */
function participant(params: URLSearchParams): { clientId: string; name: string } {
  // Without a tab id, each socket counts as one person.
  const clientId = /^[A-Za-z0-9_-]{1,64}$/.test(params.get("client") ?? "") ? params.get("client")! : `socket-${randomUUID()}`;
  const name = (params.get("name") ?? "")
    .replace(/[^\p{L}\p{N} ._-]/gu, "")
    .trim()
    .slice(0, 32);
  return { clientId, name: name || "Guest" };
}
