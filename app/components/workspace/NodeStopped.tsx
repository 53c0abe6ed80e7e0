"use client";

import type { NodeView } from "@/lib/protocol";

interface Props {
  node: NodeView;
  /** Undefined for watchers, who cannot restart anything. */
  onRestart?: () => void;
  restarting: boolean;
}

/**
 * A node whose Docker engine stopped, or that stopped itself: what happened,
 * what is kept, and a Restart button. For an engine stop it is a strip above
 * the terminal, which still works; for a stopped node, a card over it.
 */
export default function NodeStopped({ node, onRestart, restarting }: Props) {
  const engine = node.stopped !== "node";
  const title = engine ? `The Docker engine in ${node.name} stopped` : `${node.name} stopped`;
  const button = onRestart && (
    <button
      type="button"
      data-testid="restart-node"
      onClick={onRestart}
      disabled={restarting}
      className="shrink-0 rounded-md bg-amber-400 px-3 py-1.5 text-sm font-semibold text-slate-900 hover:bg-amber-300 disabled:cursor-wait disabled:opacity-60"
    >
      {restarting ? "Restarting…" : engine ? "Restart the engine" : `Restart ${node.name}`}
    </button>
  );
  const watcherNote = !onRestart && <p className="text-xs text-amber-200/70">Someone with full control can restart it.</p>;
  if (engine) {
    // The message begins with what happened: no title above it.
    return (
      <div
        role="alert"
        data-testid="node-stopped"
        data-stopped="engine"
        className="mb-2 flex flex-wrap items-center gap-3 rounded-md border border-amber-500/40 bg-amber-950/70 px-4 py-2.5 text-sm text-amber-100"
      >
        <span aria-hidden className="h-2.5 w-2.5 shrink-0 rounded-full bg-amber-400" />
        <div className="min-w-0 flex-1 space-y-0.5">
          <p data-testid="node-stopped-message">
            <Message text={node.message ?? title} />
          </p>
          {watcherNote}
        </div>
        {button}
      </div>
    );
  }
  return (
    <div className="absolute inset-0 z-10 flex items-center justify-center bg-[#0b1120]/85 px-6">
      <div
        role="alert"
        data-testid="node-stopped"
        data-stopped="node"
        className="max-w-lg space-y-3 rounded-lg border border-amber-500/40 bg-slate-900 px-6 py-5 text-slate-200 shadow-xl"
      >
        <h2 className="font-semibold text-amber-100">{title}</h2>
        <p data-testid="node-stopped-message" className="text-sm text-slate-300">
          <Message text={node.message ?? ""} />
        </p>
        {watcherNote}
        {button}
      </div>
    </div>
  );
}

/** The server's message, with `commands` shown as code. */
function Message({ text }: { text: string }) {
  return (
    <>
      {text.split("`").map((part, i) =>
        i % 2 === 1 ? (
          <code key={i} className="rounded bg-black/30 px-1 font-mono text-[0.95em]">
            {part}
          </code>
        ) : (
          part
        ),
      )}
    </>
  );
}
