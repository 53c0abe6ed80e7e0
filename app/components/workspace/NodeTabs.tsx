"use client";

import type { NodeView } from "@/lib/protocol";
import Popover from "./Popover";

export const TEMPLATE_CHOICES = [
  { name: "swarm-1-1", title: "1 manager + 1 worker", nodes: 2 },
  { name: "swarm-3-2", title: "3 managers + 2 workers", nodes: 5 },
] as const;

function Dot({ status }: { status: NodeView["status"] }) {
  const colour =
    status === "ready"
      ? "bg-emerald-400"
      : status === "failed"
        ? "bg-red-400"
        : status === "stopped"
          ? "bg-amber-500 ring-2 ring-amber-500/30"
          : "animate-pulse bg-amber-400";
  return <span aria-hidden className={`h-2 w-2 shrink-0 rounded-full ${colour}`} />;
}

interface Props {
  nodes: NodeView[];
  selected: string;
  onSelect: (node: string) => void;
  /** Undefined for watchers: no adding, removing or templates. */
  controls?: {
    maxNodes: number;
    busy: string | null;
    onAdd: () => void;
    onRemove: (node: string) => void;
    onTemplate: (name: (typeof TEMPLATE_CHOICES)[number]["name"]) => void;
  };
}

/** One tab per node, with its status and address; adding, removing and swarm templates for control. */
export default function NodeTabs({ nodes, selected, onSelect, controls }: Props) {
  return (
    <div className="flex flex-wrap items-center gap-1 border-b border-slate-800 bg-slate-950/40 px-2 py-1.5">
      <div role="group" aria-label="Nodes" className="flex flex-wrap items-center gap-1">
        {nodes.map((n) => {
          const active = n.name === selected;
          return (
            <div
              key={n.name}
              className={`flex items-center rounded-md border text-sm ${active ? "border-sky-500/60 bg-slate-800" : "border-transparent hover:bg-slate-800/60"}`}
            >
              <button
                type="button"
                aria-pressed={active}
                data-testid="node-tab"
                data-node={n.name}
                data-status={n.status}
                onClick={() => onSelect(n.name)}
                title={n.message}
                className="flex items-center gap-2 px-2.5 py-1"
              >
                <Dot status={n.status} />
                <span data-testid={active ? "node-name" : undefined} className="font-mono text-slate-100">
                  {n.name}
                </span>
                {n.status === "stopped" && <span className="text-xs text-amber-300">stopped</span>}
                {n.ip && <span className="hidden font-mono text-xs text-slate-400 sm:inline">{n.ip}</span>}
              </button>
              {controls && (
                <button
                  type="button"
                  aria-label={`Remove ${n.name}`}
                  data-testid="remove-node"
                  data-node={n.name}
                  disabled={controls.busy !== null}
                  onClick={() => {
                    if (confirm(`Remove ${n.name}? Everything in it is deleted.`)) controls.onRemove(n.name);
                  }}
                  className="mr-1 rounded px-1 text-slate-400 hover:bg-red-500/20 hover:text-red-200 disabled:opacity-40"
                >
                  ×
                </button>
              )}
            </div>
          );
        })}
      </div>
      {controls && (
        <div className="ml-1 flex items-center gap-1">
          <button
            type="button"
            data-testid="add-node"
            onClick={controls.onAdd}
            disabled={nodes.length >= controls.maxNodes || controls.busy !== null}
            title={nodes.length >= controls.maxNodes ? `A session has at most ${controls.maxNodes} nodes` : "Add a node to this session"}
            className="rounded-md px-2.5 py-1 text-sm text-sky-300 hover:bg-slate-800 disabled:cursor-not-allowed disabled:opacity-40"
          >
            + Add node
          </button>
          <Popover label="Swarm templates" testId="templates" align="left" className="border-transparent px-2.5 py-1 text-sky-300">
            {(close) => (
              <div className="w-72 space-y-2">
                <p className="text-xs text-slate-400">
                  Adds nodes as needed and forms a Docker swarm: node1 is the first manager. Nodes already in a swarm are refused.
                </p>
                {TEMPLATE_CHOICES.map((t) => (
                  <button
                    key={t.name}
                    type="button"
                    data-testid={`template-${t.name}`}
                    disabled={t.nodes > controls.maxNodes || controls.busy !== null}
                    onClick={() => {
                      close();
                      controls.onTemplate(t.name);
                    }}
                    className="flex w-full items-center justify-between rounded-md border border-slate-700 px-3 py-2 text-left hover:bg-slate-800 disabled:opacity-40"
                  >
                    <span>{t.title}</span>
                    <span className="text-xs text-slate-400">{t.nodes} nodes</span>
                  </button>
                ))}
              </div>
            )}
          </Popover>
          {controls.busy && <span className="text-sm text-slate-400" role="status">{controls.busy}</span>}
        </div>
      )}
    </div>
  );
}
