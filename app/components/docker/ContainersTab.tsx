"use client";

import type { ContainerAction } from "@/lib/images/refs";
import type { ContainerView, PortView } from "@/lib/images/types";
import { ActionButton, Code, ConfirmButton, EmptyState } from "./ui";

const STATE_DOT: Record<string, string> = {
  running: "bg-emerald-400",
  paused: "bg-amber-400",
  restarting: "animate-pulse bg-amber-400",
  removing: "animate-pulse bg-slate-400",
  dead: "bg-red-400",
};

const portText = (p: PortView) => (p.publicPort ? `${p.publicPort}→${p.privatePort}/${p.type}` : `${p.privatePort}/${p.type}`);

export default function ContainersTab({
  containers,
  readOnly,
  busy,
  onAction,
  onRemove,
  onLogs,
}: {
  containers: ContainerView[];
  readOnly: boolean;
  /** Ids with a request under way: their buttons wait. */
  busy: ReadonlySet<string>;
  onAction: (c: ContainerView, action: ContainerAction) => void;
  onRemove: (c: ContainerView) => void;
  onLogs: (c: ContainerView) => void;
}) {
  if (containers.length === 0) {
    return (
      <EmptyState>
        No containers yet. Try <Code>docker run -d -p 8080:80 nginx</Code>
      </EmptyState>
    );
  }
  return (
    <ul className="divide-y divide-slate-800">
      {containers.map((c) => {
        const running = c.state === "running" || c.state === "restarting" || c.state === "paused";
        const waiting = busy.has(c.id);
        return (
          <li key={c.id} data-testid="container-row" data-name={c.name} data-state={c.state} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2">
            <span aria-hidden className={`h-2 w-2 shrink-0 rounded-full ${STATE_DOT[c.state] ?? "bg-slate-500"}`} title={c.state} />
            <div className="min-w-0 flex-1">
              <div className="flex flex-wrap items-baseline gap-x-2">
                <span className="truncate font-mono text-sm text-slate-100">{c.name}</span>
                <span className="truncate text-xs text-slate-400">{c.image}</span>
              </div>
              <div className="flex flex-wrap items-center gap-x-2 text-xs text-slate-400">
                <span>{c.status}</span>
                {c.ports.map((p) => (
                  <span key={portText(p)} className="rounded bg-slate-800 px-1.5 font-mono text-slate-300">
                    {portText(p)}
                  </span>
                ))}
              </div>
            </div>
            <div className="flex flex-wrap items-center gap-1">
              {!readOnly &&
                (running ? (
                  <>
                    <ActionButton testId="action-stop" disabled={waiting} onClick={() => onAction(c, "stop")}>
                      Stop
                    </ActionButton>
                    <ActionButton testId="action-restart" disabled={waiting} onClick={() => onAction(c, "restart")}>
                      Restart
                    </ActionButton>
                  </>
                ) : (
                  <ActionButton testId="action-start" disabled={waiting} onClick={() => onAction(c, "start")}>
                    Start
                  </ActionButton>
                ))}
              <ActionButton testId="action-logs" onClick={() => onLogs(c)}>
                Logs
              </ActionButton>
              {!readOnly && (
                <ConfirmButton testId="action-remove" label="Remove" question={running ? "Stop and remove?" : "Remove?"} disabled={waiting} onConfirm={() => onRemove(c)} />
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
