/**
 * A terminal socket opened ahead: Start opens it as soon as the session
 * exists, while the session's page is still loading, and the page's terminal
 * takes it over with everything it already received. Only one at a time, for
 * a few seconds; one nobody takes is closed.
 */
import { terminalPath } from "@/lib/protocol";

/** The address of a node's terminal socket, on this page's host. */
export function terminalSocketUrl(sessionId: string, node: string, query?: string): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${terminalPath(sessionId, node)}${query ? `?${query}` : ""}`;
}

type Received = { type: "open" } | { type: "message"; event: MessageEvent } | { type: "close"; event: CloseEvent };

let ahead: { url: string; ws: WebSocket; received: Received[] } | undefined;

const KEPT_MS = 10_000;

export function openAhead(url: string): void {
  ahead?.ws.close(1000);
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  const received: Received[] = [];
  ws.onopen = () => received.push({ type: "open" });
  ws.onmessage = (event) => received.push({ type: "message", event });
  ws.onclose = (event) => received.push({ type: "close", event });
  ahead = { url, ws, received };
  setTimeout(() => {
    if (ahead?.ws !== ws) return;
    ahead = undefined;
    ws.close(1000);
  }, KEPT_MS);
}

/**
 * The socket opened ahead for this url, if any. `replay` is called once the
 * caller has set its handlers: it hands them what arrived before.
 */
export function takeAhead(url: string): { ws: WebSocket; replay: () => void } | undefined {
  if (ahead?.url !== url) return undefined;
  const { ws, received } = ahead;
  ahead = undefined;
  return {
    ws,
    replay: () => {
      for (const r of received.splice(0)) {
        if (r.type === "open") ws.onopen?.(new Event("open"));
        else if (r.type === "message") ws.onmessage?.(r.event);
        else ws.onclose?.(r.event);
      }
    },
  };
}
