"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { DockerSummary } from "@/lib/images/types";
import { ApiError, messageOf } from "../api";
import { fetchSummary } from "./api";

const POLL_MS = 2000;

export interface SummaryState {
  summary: DockerSummary | null;
  /** The last poll failed; `summary` keeps the last good answer. */
  error: { status: number; message: string } | null;
  /** Polls at once (after an action) instead of waiting for the next tick. */
  refresh: () => void;
}

/**
 * Polls the node's engine every POLL_MS while the page is visible. Invariants:
 * at most one request is in flight (a new one aborts the old), nothing is
 * polled while the document is hidden, and unmounting aborts everything.
 */
export function useSummary(base: string): SummaryState {
  const [summary, setSummary] = useState<DockerSummary | null>(null);
  const [error, setError] = useState<SummaryState["error"]>(null);
  const pollNow = useRef<() => void>(() => {});

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight: AbortController | null = null;
    let live = true;

    const poll = async () => {
      clearTimeout(timer);
      inFlight?.abort();
      if (!live || document.hidden) return;
      const controller = new AbortController();
      inFlight = controller;
      try {
        setSummary(await fetchSummary(base, controller.signal));
        setError(null);
      } catch (err) {
        if (controller.signal.aborted) return;
        setError({ status: err instanceof ApiError ? err.status : 0, message: messageOf(err) });
      }
      if (inFlight === controller) inFlight = null;
      if (live && !document.hidden) timer = setTimeout(() => void poll(), POLL_MS);
    };
    const onVisibility = () => {
      if (document.hidden) {
        clearTimeout(timer);
        inFlight?.abort();
      } else {
        void poll();
      }
    };

    pollNow.current = () => void poll();
    document.addEventListener("visibilitychange", onVisibility);
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
      inFlight?.abort();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [base]);

  const refresh = useCallback(() => pollNow.current(), []);
  return { summary, error, refresh };
}
