"use client";

import { useEffect, useState } from "react";
import type { PortView } from "@/lib/protocol";
import { fetchPorts } from "../api";

const POLL_MS = 1500;

/**
 * The node's published ports as links, refreshed while the page is visible, and a box to open any port.
 * `waiting`: not asked yet (the page lets the terminal go first).
 */
export default function PortsBar({ sessionId, node, urlTemplate, waiting = false }: { sessionId: string; node: string; urlTemplate?: string; waiting?: boolean }) {
  const [ports, setPorts] = useState<PortView[]>([]);
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (waiting) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const controller = new AbortController();
    const poll = async () => {
      if (document.visibilityState === "visible") {
        try {
          const found = await fetchPorts(sessionId, node, controller.signal);
          if (!stopped) setPorts(found);
        } catch {
          // The node may be starting or gone; the tab shows that. Try again later.
        }
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller.abort();
    };
  }, [sessionId, node, waiting]);

  function open(e: React.FormEvent) {
    e.preventDefault();
    const port = Number(typed);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      setError("A port is a whole number from 1 to 65535.");
      return;
    }
    if (!urlTemplate) return;
    setError(null);
    window.open(urlTemplate.replace("{node}", node).replace("{port}", String(port)), "_blank", "noopener,noreferrer");
  }

  return (
    <div className="flex min-w-0 flex-wrap items-center gap-2 text-sm" data-testid="ports-bar">
      <span className="text-slate-400">Ports</span>
      {ports.length === 0 ? (
        <span className="text-slate-400" data-testid="no-ports">
          none published yet
        </span>
      ) : (
        ports.map((p) => (
          <a
            key={p.port}
            href={p.url}
            target="_blank"
            rel="noopener noreferrer"
            data-testid="port-link"
            data-port={p.port}
            title={p.source === "container" ? `Published by the container ${p.container ?? ""}` : "A program listening in the node"}
            className="rounded-md border border-sky-500/40 bg-sky-500/10 px-2 py-0.5 font-mono text-sky-200 hover:bg-sky-500/20"
          >
            {p.port}
            {p.container ? <span className="ml-1 font-sans text-xs text-sky-300/70">{p.container}</span> : null} ↗
          </a>
        ))
      )}
      <form onSubmit={open} className="flex items-center gap-1">
        <input
          value={typed}
          onChange={(e) => setTyped(e.target.value.trim())}
          inputMode="numeric"
          placeholder="port"
          aria-label="Port to open"
          data-testid="open-port-input"
          className="w-20 rounded border border-slate-700 bg-slate-950 px-2 py-0.5 font-mono text-slate-200"
        />
        <button type="submit" data-testid="open-port" className="rounded-md px-2 py-0.5 text-sky-300 hover:bg-slate-800">
          Open port
        </button>
      </form>
      {error && (
        <span role="alert" className="text-amber-300">
          {error}
        </span>
      )}
    </div>
  );
}
