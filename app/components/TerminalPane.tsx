"use client";

import { FitAddon } from "@xterm/addon-fit";
import { Terminal, type ITheme } from "@xterm/xterm";
import { useEffect, useRef, useState } from "react";
import {
  CLOSE,
  FLOW,
  MAX_COLS,
  MAX_ROWS,
  terminalPath,
  type ClientMessage,
  type NodeStatus,
  type ServerMessage,
} from "@/lib/protocol";

declare global {
  interface Window {
    /** The live terminal, so end-to-end tests can read its buffer. */
    __playgroundTerm?: Terminal;
  }
}

type ConnState = "connecting" | "connected" | "reconnecting" | "closed";
type Banner = { kind: "status" | "error"; text: string };

interface Props {
  sessionId: string;
  node: string;
  /** The server says the session or node no longer exists. */
  onGone?: () => void;
  /** The node's state as reported over the socket (faster than polling). */
  onStatus?: (state: NodeStatus) => void;
}

const THEME: ITheme = {
  background: "#0b1120",
  foreground: "#e2e8f0",
  cursor: "#38bdf8",
  cursorAccent: "#0b1120",
  selectionBackground: "#334155",
  black: "#1e293b",
  red: "#f87171",
  green: "#4ade80",
  yellow: "#facc15",
  blue: "#60a5fa",
  magenta: "#c084fc",
  cyan: "#22d3ee",
  white: "#cbd5e1",
  brightBlack: "#64748b",
  brightRed: "#fca5a5",
  brightGreen: "#86efac",
  brightYellow: "#fde047",
  brightBlue: "#93c5fd",
  brightMagenta: "#d8b4fe",
  brightCyan: "#67e8f9",
  brightWhite: "#f8fafc",
};

const FONT = 'ui-monospace, "SFMono-Regular", "Cascadia Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace';
const EXIT_LINE = "\r\n\x1b[2m[shell ended — press Enter to start a new one]\x1b[0m\r\n";
/** RIS (full reset). Sent in-band so output still queued from a previous socket cannot land after the snapshot. */
const FULL_RESET = "\x1bc";
/** Input messages are limited to 64 KiB by the server; large pastes are split. */
const INPUT_CHUNK = 32 * 1024;

const backoffMs = (attempt: number) => Math.min(500 * 2 ** attempt, 5000);
const clamp = (n: number, max: number) => Math.min(Math.max(1, n), max);

function socketUrl(path: string): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}

function* chunks(data: string): Generator<string> {
  for (let i = 0; i < data.length; ) {
    let end = Math.min(i + INPUT_CHUNK, data.length);
    // Never split a surrogate pair across two messages.
    const last = data.charCodeAt(end - 1);
    if (end < data.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield data.slice(i, end);
    i = end;
  }
}

export default function TerminalPane({ sessionId, node, onGone, onStatus }: Props) {
  const containerRef = useRef<HTMLDivElement>(null);
  const callbacks = useRef({ onGone, onStatus });
  const [conn, setConn] = useState<ConnState>("connecting");
  const [banner, setBanner] = useState<Banner | null>(null);

  // Callbacks change on every parent render; the socket effect must not restart because of that.
  useEffect(() => {
    callbacks.current = { onGone, onStatus };
  });

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;

    const term = new Terminal({
      cursorBlink: true,
      fontFamily: FONT,
      fontSize: 14,
      scrollback: 5000,
      theme: THEME,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(container);
    fit.fit();
    window.__playgroundTerm = term;

    let socket: WebSocket | null = null;
    let disposed = false;
    let everOpened = false;
    let attempt = 0;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let resizeTimer: ReturnType<typeof setTimeout> | undefined;
    let frame = 0;
    /** Bytes xterm has rendered but the server has not been told about, on the current socket. */
    let unacked = 0;

    const send = (msg: ClientMessage) => {
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(msg));
    };
    const sendSize = () => send({ type: "resize", cols: clamp(term.cols, MAX_COLS), rows: clamp(term.rows, MAX_ROWS) });

    const onOutput = (ws: WebSocket, data: ArrayBuffer) => {
      const bytes = new Uint8Array(data);
      term.write(bytes, () => {
        // Output of a socket we already left is not the new socket's business.
        if (socket !== ws) return;
        unacked += bytes.length;
        if (unacked >= FLOW.ACK_EVERY_BYTES) {
          send({ type: "ack", bytes: unacked });
          unacked = 0;
        }
      });
    };

    const onMessage = (msg: ServerMessage) => {
      switch (msg.type) {
        case "snapshot":
          term.write(FULL_RESET + msg.data);
          break;
        case "status":
          callbacks.current.onStatus?.(msg.state);
          if (msg.state === "ready") {
            setBanner(null);
            term.focus();
          } else {
            setBanner({ kind: msg.state === "failed" ? "error" : "status", text: msg.message });
          }
          break;
        case "exit":
          term.write(EXIT_LINE);
          break;
        case "error":
          setBanner({ kind: "error", text: msg.message });
          break;
      }
    };

    const connect = () => {
      retryTimer = undefined;
      setConn(everOpened ? "reconnecting" : "connecting");
      const ws = new WebSocket(socketUrl(terminalPath(sessionId, node)));
      ws.binaryType = "arraybuffer";
      socket = ws;
      unacked = 0;

      ws.onopen = () => {
        everOpened = true;
        setConn("connected");
        fit.fit();
        sendSize();
        // A resize that arrives together with the first prompt can be lost: say it again.
        clearTimeout(resizeTimer);
        resizeTimer = setTimeout(sendSize, 100);
        term.focus();
      };
      ws.onmessage = (ev: MessageEvent<ArrayBuffer | string>) => {
        attempt = 0;
        if (typeof ev.data !== "string") return onOutput(ws, ev.data);
        let msg: ServerMessage;
        try {
          msg = JSON.parse(ev.data) as ServerMessage;
        } catch {
          return; // A malformed control message is not worth dropping the session for.
        }
        onMessage(msg);
      };
      ws.onclose = (ev) => {
        if (socket !== ws || disposed) return;
        socket = null;
        clearTimeout(resizeTimer);
        if (ev.code === CLOSE.NOT_FOUND || ev.code === CLOSE.SESSION_ENDED) {
          setConn("closed");
          callbacks.current.onGone?.();
          return;
        }
        if (ev.code === CLOSE.NODE_FAILED) {
          setConn("closed"); // the status message before the close says why
          return;
        }
        setConn("reconnecting");
        retryTimer = setTimeout(connect, backoffMs(attempt++));
      };
    };

    const dataSub = term.onData((data) => {
      for (const part of chunks(data)) send({ type: "input", data: part });
    });
    const resizeSub = term.onResize(sendSize);
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => fit.fit());
    });
    observer.observe(container);

    connect();

    return () => {
      disposed = true;
      clearTimeout(retryTimer);
      clearTimeout(resizeTimer);
      cancelAnimationFrame(frame);
      observer.disconnect();
      const ws = socket;
      socket = null;
      if (ws) {
        ws.onopen = ws.onmessage = ws.onclose = null;
        ws.close(CLOSE.NORMAL);
      }
      dataSub.dispose();
      resizeSub.dispose();
      term.dispose();
      if (window.__playgroundTerm === term) delete window.__playgroundTerm;
    };
  }, [sessionId, node]);

  const notice: Banner | null = conn === "reconnecting" ? { kind: "status", text: "Reconnecting…" } : banner;

  return (
    <div className="flex h-full w-full flex-col">
      <div className="relative min-h-0 flex-1">
        <div data-testid="terminal" ref={containerRef} className="h-full w-full" />
        {notice && <Notice notice={notice} onDismiss={notice === banner ? () => setBanner(null) : undefined} />}
      </div>
      <div className="flex h-5 shrink-0 items-center justify-end gap-1.5 font-mono text-[11px] text-slate-500">
        <span
          aria-hidden
          className={`h-1.5 w-1.5 rounded-full ${conn === "connected" ? "bg-emerald-400" : conn === "closed" ? "bg-slate-500" : "animate-pulse bg-amber-400"}`}
        />
        <span data-testid="terminal-status">{conn}</span>
      </div>
    </div>
  );
}

function Notice({ notice, onDismiss }: { notice: Banner; onDismiss?: () => void }) {
  const error = notice.kind === "error";
  return (
    <div
      role={error ? "alert" : "status"}
      data-testid="terminal-banner"
      className={`absolute inset-x-2 top-2 flex items-center justify-between gap-3 rounded-md border px-3 py-2 text-sm shadow-lg backdrop-blur ${
        error ? "border-red-500/40 bg-red-950/85 text-red-100" : "border-sky-500/30 bg-slate-900/90 text-slate-200"
      }`}
    >
      <span className="flex items-center gap-2">
        {!error && <span aria-hidden className="h-2 w-2 animate-pulse rounded-full bg-sky-400" />}
        {notice.text}
      </span>
      {error && onDismiss && (
        <button type="button" onClick={onDismiss} aria-label="Dismiss" className="rounded px-2 hover:bg-red-900/60">
          ×
        </button>
      )}
    </div>
  );
}
