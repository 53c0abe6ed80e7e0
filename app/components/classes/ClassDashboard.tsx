"use client";

import type { CohortDashboard } from "@/lib/workshops/types";
import Link from "next/link";
import { useEffect, useState } from "react";
import { ApiError, fetchCohort, messageOf } from "../api";
import { Spinner } from "../StartButton";
import { copyText } from "../terminal/clipboard";

const POLL_MS = 2000;

/**
 * The instructor's page: the link to hand out, and every attendee's step and
 * checks, as the server sends them (polled every two seconds when it cannot). "Watch" opens an attendee's session
 * read-only. This page's address is the class's secret.
 */
export default function ClassDashboard({ id }: { id: string }) {
  const [data, setData] = useState<CohortDashboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [gone, setGone] = useState(false);
  const [copied, setCopied] = useState(false);
  /** Changes are pushed by the server (false: polled every two seconds). */
  const [live, setLive] = useState(false);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    /** Polling, only while the event stream is not open. */
    const load = () =>
      fetchCohort(id).then(
        (d) => {
          setData(d);
          setError(null);
        },
        (e) => {
          if (e instanceof ApiError && e.status === 404) setGone(true);
          setError(messageOf(e));
        },
      ).finally(() => {
        if (!stopped && !streaming) timer = setTimeout(load, POLL_MS);
      });
    let streaming = false;
    const source = typeof EventSource === "undefined" ? undefined : new EventSource(`/api/cohorts/${id}/events`);
    if (source) {
      source.onopen = () => {
        streaming = true;
        clearTimeout(timer);
        setLive(true);
      };
      source.onmessage = (e: MessageEvent<string>) => {
        try {
          setData(JSON.parse(e.data) as CohortDashboard);
          setError(null);
        } catch {
          // a broken message: the next one, or a poll, brings the view
        }
      };
      source.addEventListener("gone", () => {
        source.close();
        streaming = false;
        setLive(false);
        void load(); // says why
      });
      // EventSource connects again by itself; until then the page polls.
      source.onerror = () => {
        if (!streaming) return;
        streaming = false;
        setLive(false);
        void load();
      };
    }
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
    };
  }, [id]);

  const joinUrl = data && typeof location !== "undefined" ? `${location.origin}${data.joinPath}` : "";
  const steps = data?.workshop.steps ?? [];
  return (
    <main className="mx-auto min-h-dvh max-w-6xl px-6 py-6" data-updates={live ? "push" : "poll"}>
      <Link href="/workshops" className="flex items-center gap-2 text-sm font-semibold text-slate-400 hover:text-slate-200">
        <span className="font-mono text-sky-400">&gt;_</span> Docker Playground · Workshops
      </Link>
      {!data && !error && (
        <p className="mt-10 flex items-center gap-2 text-slate-400">
          <Spinner /> Loading your class…
        </p>
      )}
      {gone && !data && <p className="mt-10 text-slate-300">{error}</p>}
      {data && (
        <>
          <h1 className="mt-6 text-2xl font-bold text-slate-50" data-testid="dashboard-title">
            {data.title}
          </h1>
          <p className="mt-1 text-sm text-slate-400">
            {data.workshop.title} · {data.attendees.length} of {data.seats} seats taken · open until {new Date(data.expiresAt).toLocaleString()}
          </p>
          {data.attendees.length < data.seats && (
            <p className="mt-1 text-sm text-slate-400" data-testid="warm-seats">
              {data.warm.ready} {data.warm.ready === 1 ? "machine is" : "machines are"} ready for the next to join
              {data.warm.starting > 0 ? `, ${data.warm.starting} more starting` : ""}.
            </p>
          )}
          <div className="mt-5 rounded-lg border border-sky-500/30 bg-sky-500/5 p-4">
            <p className="text-sm text-slate-300">Give your students this link; each of them gets their own machine:</p>
            <div className="mt-2 flex flex-wrap items-center gap-2">
              <code data-testid="join-link" className="rounded bg-slate-900 px-2 py-1 font-mono text-sm text-sky-200">
                {joinUrl}
              </code>
              <button
                type="button"
                onClick={() => void copyText(joinUrl).then((ok) => setCopied(ok))}
                className="rounded-md border border-slate-700 px-3 py-1 text-sm text-slate-200 hover:bg-slate-800"
              >
                {copied ? "Copied" : "Copy"}
              </button>
            </div>
            <p className="mt-2 text-xs text-slate-400">Keep the address of this page to yourself: it shows everyone&apos;s work.</p>
          </div>
          {error && <p className="mt-3 text-sm text-amber-200">Refreshing failed: {error}</p>}

          {data.attendees.length === 0 ? (
            <p className="mt-8 text-slate-400" data-testid="no-attendees">
              Nobody has joined yet. This page updates by itself.
            </p>
          ) : (
            <div className="mt-6 overflow-x-auto">
              <table className="w-full border-collapse text-sm" data-testid="attendees">
                <thead>
                  <tr className="text-left text-xs uppercase tracking-wide text-slate-400">
                    <th className="py-2 pr-4 font-medium">Attendee</th>
                    <th className="py-2 pr-4 font-medium">Now at</th>
                    <th className="py-2 pr-4 font-medium">Checks</th>
                    <th className="py-2 font-medium" />
                  </tr>
                </thead>
                <tbody>
                  {data.attendees.map((a) => {
                    const passed = steps.filter((s) => a.checks[String(s.n)]?.passed).length;
                    return (
                      <tr key={a.watchId} className="border-t border-slate-800" data-testid="attendee">
                        <td className="py-2 pr-4 text-slate-100">{a.name}</td>
                        <td className="py-2 pr-4 text-slate-300" data-testid="attendee-step">
                          {!a.active
                            ? "session ended"
                            : a.step === undefined
                              ? "…"
                              : a.step === 0
                                ? "Introduction"
                                : `${a.step}. ${steps[a.step - 1]?.title ?? ""}`}
                        </td>
                        <td className="py-2 pr-4">
                          <div className="flex items-center gap-1" data-testid="attendee-checks" aria-label={`${passed} checks passed`}>
                            {steps.map((s) => {
                              const c = a.checks[String(s.n)];
                              const state = c ? (c.passed ? "passed" : "failed") : "none";
                              return (
                                <span
                                  key={s.n}
                                  data-state={state}
                                  title={`${s.n}. ${s.title}: ${c ? (c.passed ? "passed" : `not yet\n${c.output}`) : "not checked"}`}
                                  className={`inline-flex h-5 w-5 items-center justify-center rounded text-[0.65rem] ${
                                    state === "passed" ? "bg-emerald-500 text-slate-950" : state === "failed" ? "bg-amber-500/80 text-slate-950" : "bg-slate-800 text-slate-400"
                                  }`}
                                >
                                  {s.n}
                                </span>
                              );
                            })}
                          </div>
                        </td>
                        <td className="py-2 text-right">
                          {a.active && (
                            <a href={`/s/${a.watchId}`} target="_blank" rel="noopener" data-testid="attendee-watch" className="text-sky-300 hover:underline">
                              Watch
                            </a>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </main>
  );
}
