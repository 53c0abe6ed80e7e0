/**
 * The terminal WebSocket edge: /ws/sessions/:id/nodes/:node/terminal.
 * Checks the Origin before upgrading, validates every message, waits while
 * the node starts (telling the client what is happening), then joins the
 * node's shared terminal.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { originAllowed } from "../http/origin";
import { CLOSE, clientMessage, type ServerMessage } from "../protocol";
import { isPlaygroundError } from "../sessions/errors";
import type { SessionManager } from "../sessions/manager";
import type { TerminalClient } from "../terminal/hub";
import type { TerminalService } from "../terminal/service";

const PATH = /^\/ws\/sessions\/([^/]+)\/nodes\/([^/]+)\/terminal$/;
const STATUS_POLL_MS = 250;

export interface TerminalSocketOptions {
  manager: SessionManager;
  terminals: TerminalService;
  allowedOrigins: string[];
  log: (event: string, fields: Record<string, unknown>) => void;
}

export function terminalSockets(opts: TerminalSocketOptions) {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 256 * 1024 });

  /** Handles the upgrade if the path is ours; returns false to leave it to others (Next's HMR). */
  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? "/", "http://localhost");
    const match = PATH.exec(url.pathname);
    if (!match) return false;
    if (!originAllowed(req.headers.origin, req.headers.host, opts.allowedOrigins)) {
      opts.log("ws_origin_refused", { origin: req.headers.origin, host: req.headers.host });
      socket.end("HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nThis origin may not open terminals.\n");
      return true;
    }
    const [, id, node] = match.map(decodeURIComponent) as [string, string, string];
    wss.handleUpgrade(req, socket, head, (ws) => void serve(ws, id, node));
    return true;
  }

  async function serve(ws: WebSocket, id: string, node: string): Promise<void> {
    const send = (m: ServerMessage) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m));
    try {
      // Tell the client what is happening while the node starts.
      let last = "";
      for (;;) {
        const state = opts.manager.nodeState(id, node);
        if (state.status === "failed") {
          send({ type: "error", code: "node_failed", message: state.message ?? "the node failed to start" });
          ws.close(CLOSE.NOT_FOUND, "node failed");
          return;
        }
        if (state.message !== last) send({ type: "status", state: state.status, message: state.message ?? "" });
        last = state.message ?? "";
        if (state.status === "ready") break;
        await new Promise((r) => setTimeout(r, STATUS_POLL_MS));
        if (ws.readyState !== ws.OPEN) return;
      }
    } catch (e) {
      const gone = isPlaygroundError(e) && e.status === 404;
      if (isPlaygroundError(e)) send({ type: "error", code: e.code, message: e.message });
      else opts.log("ws_error", { sessionId: id, node, error: String(e) });
      ws.close(gone ? CLOSE.NOT_FOUND : CLOSE.INTERNAL, gone ? "not found" : "error");
      return;
    }
    if (ws.readyState !== ws.OPEN) return;

    const hub = opts.terminals.hub(id, node);
    const client: TerminalClient = {
      sendOutput: (data) => ws.readyState === ws.OPEN && ws.send(data, { binary: true }),
      sendMessage: send,
      close: (code, reason) => ws.close(code, reason),
    };
    ws.on("message", (raw, isBinary) => {
      let message;
      try {
        message = clientMessage.parse(JSON.parse(isBinary ? "" : raw.toString()));
      } catch {
        send({ type: "error", code: "bad_message", message: "The server could not read a message from this page." });
        return;
      }
      if (message.type === "input") hub.input(message.data);
      else if (message.type === "resize") hub.resize(message.cols, message.rows);
      else hub.ack(client, message.bytes);
    });
    ws.on("close", () => hub.detach(client));
    ws.on("error", () => hub.detach(client));
    hub.attach(client);
  }

  return { handleUpgrade, close: () => wss.close() };
}
