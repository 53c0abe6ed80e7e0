"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ContainerView } from "@/lib/images/types";
import { messageOf } from "../api";
import { fetchLogs } from "./api";
import { ActionButton, Modal } from "./ui";

const TAIL_LINES = 500;

/** The last lines of a container's output; Refresh reads them again. */
export default function LogsView({ base, container, onClose }: { base: string; container: ContainerView; onClose: () => void }) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const pre = useRef<HTMLPreElement>(null);
  const inFlight = useRef<AbortController | null>(null);

  const load = useCallback(async () => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setLoading(true);
    try {
      const logs = await fetchLogs(base, container.id, TAIL_LINES, controller.signal);
      setText(logs);
      setError(null);
    } catch (err) {
      if (controller.signal.aborted) return;
      setError(messageOf(err));
    } finally {
      if (inFlight.current === controller) setLoading(false);
    }
  }, [base, container.id]);

  useEffect(() => {
    void load();
    return () => inFlight.current?.abort();
  }, [load]);

  // The newest lines matter most: show the bottom after every load.
  useEffect(() => {
    if (pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [text]);

  return (
    <Modal
      testId="logs-view"
      onClose={onClose}
      title={
        <>
          Logs of <span className="font-mono text-sky-300">{container.name}</span>
          <span className="ml-2 text-xs font-normal text-slate-400">last {TAIL_LINES} lines</span>
        </>
      }
      actions={
        <ActionButton testId="logs-refresh" onClick={() => void load()} disabled={loading}>
          {loading ? "Loading…" : "Refresh"}
        </ActionButton>
      }
    >
      {error && (
        <p role="alert" className="border-b border-red-500/30 bg-red-950/50 px-4 py-2 text-sm text-red-100">
          {error}
        </p>
      )}
      <pre
        ref={pre}
        data-testid="logs-text"
        className="min-h-40 flex-1 overflow-auto whitespace-pre-wrap break-all bg-[#0b1120] px-4 py-3 font-mono text-xs leading-relaxed text-slate-200"
      >
        {text === null ? (loading ? "Loading…" : "") : text || "(this container has written nothing yet)"}
      </pre>
    </Modal>
  );
}
