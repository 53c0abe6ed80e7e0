"use client";

import { shortId } from "@/lib/images/format";
import type { NetworkView, VolumeView } from "@/lib/images/types";
import { Code, ConfirmButton, EmptyState } from "./ui";

/** Networks every engine has and cannot remove. */
const PREDEFINED = new Set(["bridge", "host", "none"]);

export function VolumesTab({
  volumes,
  readOnly,
  busy,
  onRemove,
}: {
  volumes: VolumeView[];
  readOnly: boolean;
  busy: ReadonlySet<string>;
  onRemove: (v: VolumeView) => void;
}) {
  if (volumes.length === 0) {
    return (
      <EmptyState>
        No volumes. <Code>docker volume create data</Code> or <Code>-v data:/path</Code> on <Code>docker run</Code> makes one.
      </EmptyState>
    );
  }
  return (
    <ul className="divide-y divide-slate-800">
      {volumes.map((v) => (
        <li key={v.name} data-testid="volume-row" data-name={v.name} className="flex items-center gap-3 px-3 py-2">
          <span className="min-w-0 flex-1 truncate font-mono text-sm text-slate-100" title={v.name}>
            {v.name}
          </span>
          <span className="text-xs text-slate-400">{v.driver}</span>
          {!readOnly && <ConfirmButton testId="action-remove" label="Remove" question="Remove volume?" disabled={busy.has(v.name)} onConfirm={() => onRemove(v)} />}
        </li>
      ))}
    </ul>
  );
}

export function NetworksTab({
  networks,
  readOnly,
  busy,
  onRemove,
}: {
  networks: NetworkView[];
  readOnly: boolean;
  busy: ReadonlySet<string>;
  onRemove: (n: NetworkView) => void;
}) {
  if (networks.length === 0) return <EmptyState>No networks.</EmptyState>;
  return (
    <ul className="divide-y divide-slate-800">
      {networks.map((n) => (
        <li key={n.id} data-testid="network-row" data-name={n.name} className="flex items-center gap-3 px-3 py-2">
          <span className="min-w-0 flex-1 truncate font-mono text-sm text-slate-100">{n.name}</span>
          <span className="font-mono text-xs text-slate-400">{shortId(n.id)}</span>
          <span className="w-14 text-xs text-slate-400">{n.driver}</span>
          {!readOnly && !PREDEFINED.has(n.name) && (
            <ConfirmButton testId="action-remove" label="Remove" question="Remove network?" disabled={busy.has(n.id)} onConfirm={() => onRemove(n)} />
          )}
        </li>
      ))}
    </ul>
  );
}
