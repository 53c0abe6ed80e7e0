"use client";

import { useCallback, useId, useMemo, useState } from "react";
import { shortId } from "@/lib/images/format";
import type { ContainerAction } from "@/lib/images/refs";
import type { ContainerView, ImageView } from "@/lib/images/types";
import { messageOf } from "./api";
import * as docker from "./docker/api";
import ContainersTab from "./docker/ContainersTab";
import ImagesTab from "./docker/ImagesTab";
import LayersView from "./docker/LayersView";
import LogsView from "./docker/LogsView";
import { NetworksTab, VolumesTab } from "./docker/ResourceTabs";
import { useSummary } from "./docker/useSummary";
import { Spinner } from "./StartButton";
import TabBar from "./TabBar";

type Tab = "containers" | "images" | "volumes" | "networks";
const TABS: { id: Tab; label: string }[] = [
  { id: "containers", label: "Containers" },
  { id: "images", label: "Images" },
  { id: "volumes", label: "Volumes" },
  { id: "networks", label: "Networks" },
];

interface Props {
  sessionId: string;
  node: string;
  /** A watch link: show everything, offer no action that changes the node. */
  readOnly?: boolean;
}

/** A live view of a node's inner Docker engine, with actions, logs and image layers. */
export default function DockerPanel({ sessionId, node, readOnly = false }: Props) {
  const base = useMemo(() => docker.dockerBase(sessionId, node), [sessionId, node]);
  const { summary, error, refresh } = useSummary(base);
  const [tab, setTab] = useState<Tab>("containers");
  const ids = useId();
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [actionError, setActionError] = useState<string | null>(null);
  const [logsOf, setLogsOf] = useState<ContainerView | null>(null);
  const [layersOf, setLayersOf] = useState<ImageView | null>(null);

  /** Runs one change; the key's buttons wait meanwhile, and a failure shows the server's message. */
  const act = useCallback(
    async (key: string, what: string, run: () => Promise<unknown>) => {
      setBusy((prev) => new Set(prev).add(key));
      setActionError(null);
      try {
        await run();
      } catch (err) {
        setActionError(`Could not ${what}: ${messageOf(err)}`);
      } finally {
        setBusy((prev) => {
          const next = new Set(prev);
          next.delete(key);
          return next;
        });
        refresh();
      }
    },
    [refresh],
  );

  const onAction = (c: ContainerView, action: ContainerAction) =>
    void act(c.id, `${action} ${c.name}`, () => docker.runContainerAction(base, c.id, action));
  const closeLogs = useCallback(() => setLogsOf(null), []);
  const closeLayers = useCallback(() => setLayersOf(null), []);

  const counts: Record<Tab, number | undefined> = {
    containers: summary?.containers.length,
    images: summary?.images.length,
    volumes: summary?.volumes.length,
    networks: summary?.networks.length,
  };

  return (
    <section data-testid="docker-panel" className="flex h-full min-h-0 flex-col rounded-md border border-slate-800 bg-slate-950/60 text-slate-200">
      <div className="flex items-center border-b border-slate-800 px-2">
        {/* Wraps in a narrow panel rather than running off its edge. */}
        <TabBar
          label="Docker objects"
          tabs={TABS.map((t) => ({ ...t, badge: counts[t.id] }))}
          current={tab}
          onSelect={setTab}
          tabPrefix="docker-tab"
          idPrefix={ids}
          controls={() => `${ids}-panel`}
        />
        {readOnly && <span className="ml-auto px-2 text-xs text-slate-400">watch only</span>}
      </div>

      {actionError && (
        <div role="alert" data-testid="docker-action-error" className="flex items-start gap-2 border-b border-red-500/30 bg-red-950/50 px-3 py-2 text-sm text-red-100">
          <span className="min-w-0 flex-1 break-words">{actionError}</span>
          <button type="button" onClick={() => setActionError(null)} className="text-xs text-red-200 hover:text-white" aria-label="Dismiss">
            ✕
          </button>
        </div>
      )}
      {error && (
        <p role="status" data-testid="docker-poll-error" className="border-b border-amber-500/30 bg-amber-950/40 px-3 py-2 text-sm text-amber-100">
          {error.status === 501 ? error.message : `The node's engine could not be read: ${error.message}`}
          {summary && " Showing the last answer."}
        </p>
      )}

      <div role="tabpanel" tabIndex={0} id={`${ids}-panel`} aria-labelledby={`${ids}-${tab}`} className="min-h-0 flex-1 overflow-auto">
        {!summary ? (
          !error && (
            <p className="flex items-center justify-center gap-2 px-4 py-8 text-sm text-slate-400">
              <Spinner className="h-4 w-4" /> Asking {node}’s Docker engine…
            </p>
          )
        ) : tab === "containers" ? (
          <ContainersTab
            containers={summary.containers}
            readOnly={readOnly}
            busy={busy}
            onAction={onAction}
            onRemove={(c) => void act(c.id, `remove ${c.name}`, () => docker.removeContainer(base, c.id))}
            onLogs={setLogsOf}
          />
        ) : tab === "images" ? (
          <ImagesTab
            images={summary.images}
            readOnly={readOnly}
            busy={busy}
            onLayers={setLayersOf}
            onRemove={(i) => void act(i.id, `remove ${i.tags[0] ?? shortId(i.id)}`, () => docker.removeImage(base, i.id))}
          />
        ) : tab === "volumes" ? (
          <VolumesTab
            volumes={summary.volumes}
            readOnly={readOnly}
            busy={busy}
            onRemove={(v) => void act(v.name, `remove volume ${v.name}`, () => docker.removeVolume(base, v.name))}
          />
        ) : (
          <NetworksTab
            networks={summary.networks}
            readOnly={readOnly}
            busy={busy}
            onRemove={(n) => void act(n.id, `remove network ${n.name}`, () => docker.removeNetwork(base, n.id))}
          />
        )}
      </div>

      {logsOf && <LogsView base={base} container={logsOf} onClose={closeLogs} />}
      {layersOf && <LayersView base={base} image={layersOf} onClose={closeLayers} />}
    </section>
  );
}
