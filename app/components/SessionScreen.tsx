"use client";

import type { NodeStatus, NodeView, SessionView } from "@/lib/protocol";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, endSession, fetchSession, messageOf } from "./api";
import Countdown from "./Countdown";
import SessionGone, { type GoneReason } from "./SessionGone";
import { Spinner } from "./StartButton";

// xterm needs the DOM: never render it on the server.
const TerminalPane = dynamic(() => import("./TerminalPane"), {
  ssr: false,
  loading: () => <div className="h-full w-full" />,
});

type Phase =
  | { kind: "loading" }
  | { kind: "error"; message: string }
  | { kind: "live"; view: SessionView; skewMs: number }
  | { kind: "gone"; reason: GoneReason };

const POLL_MS = 2000;

export default function SessionScreen({ id }: { id: string }) {
  const [phase, setPhase] = useState<Phase>({ kind: "loading" });
  const [ending, setEnding] = useState(false);
  const [endError, setEndError] = useState<string | null>(null);
  /** Only the newest request may update the page; older answers can arrive late. */
  const requestSeq = useRef(0);
  /** Our own DELETE makes the server close the socket with 4410: that is "you ended it", not "it ended". */
  const endingRef = useRef(false);

  const goGone = useCallback((reason: GoneReason) => {
    requestSeq.current++;
    setPhase((prev) => (prev.kind === "gone" ? prev : { kind: "gone", reason }));
  }, []);

  const load = useCallback(async () => {
    const seq = ++requestSeq.current;
    try {
      const { view, skewMs } = await fetchSession(id);
      if (seq !== requestSeq.current) return;
      setPhase((prev) => (prev.kind === "gone" ? prev : { kind: "live", view, skewMs }));
    } catch (err) {
      if (seq !== requestSeq.current) return;
      if (err instanceof ApiError && err.status === 404) return goGone("missing");
      // While the terminal is up, a failed poll is not worth tearing it down: the next poll may work.
      setPhase((prev) => (prev.kind === "live" || prev.kind === "gone" ? prev : { kind: "error", message: messageOf(err) }));
    }
  }, [id, goGone]);

  useEffect(() => {
    void load();
  }, [load]);

  const provisioning = phase.kind === "live" && phase.view.nodes.some((n) => n.status === "provisioning");
  useEffect(() => {
    if (!provisioning) return;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [provisioning, load]);

  const node: NodeView | undefined = phase.kind === "live" ? phase.view.nodes[0] : undefined;

  // The socket learns about state changes before the next poll does.
  const onStatus = useCallback(
    (state: NodeStatus) => {
      if (node && node.status !== state) void load();
    },
    [node, load],
  );
  const onGone = useCallback(() => goGone(endingRef.current ? "ended" : "closed"), [goGone]);
  const onExpire = useCallback(() => goGone("expired"), [goGone]);

  async function end() {
    setEnding(true);
    endingRef.current = true;
    setEndError(null);
    try {
      await endSession(id);
      goGone("ended");
    } catch (err) {
      endingRef.current = false;
      setEndError(messageOf(err));
    } finally {
      setEnding(false);
    }
  }

  if (phase.kind === "gone") return <SessionGone reason={phase.reason} />;
  if (phase.kind === "loading") return <Loading />;
  if (phase.kind === "error") {
    return (
      <LoadError
        message={phase.message}
        onRetry={() => {
          setPhase({ kind: "loading" });
          void load();
        }}
      />
    );
  }

  return (
    <div className="flex h-dvh flex-col">
      <header className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-slate-800 bg-slate-950/60 px-4 py-2">
        <Link href="/" className="flex items-center gap-2 text-sm font-semibold text-slate-300 hover:text-slate-100">
          <span className="font-mono text-sky-400">&gt;_</span>
          <span className="hidden sm:inline">Docker Playground</span>
        </Link>
        {node && <NodeBadge node={node} />}
        <div className="ml-auto flex items-center gap-4">
          <Countdown expiresAt={phase.view.expiresAt} skewMs={phase.skewMs} onExpire={onExpire} />
          <button
            type="button"
            data-testid="end-session"
            onClick={end}
            disabled={ending}
            className="rounded-md border border-red-500/40 px-3 py-1.5 text-sm font-medium text-red-200 transition hover:bg-red-500/15 disabled:cursor-wait disabled:opacity-60"
          >
            {ending ? "Ending…" : "End session"}
          </button>
        </div>
      </header>

      {endError && (
        <p role="alert" data-testid="end-error" className="border-b border-red-500/30 bg-red-950/60 px-4 py-2 text-sm text-red-100">
          Could not end the session: {endError}
        </p>
      )}

      <main className="relative min-h-0 flex-1 px-2 pt-2">
        {!node ? (
          <Centered>
            <p className="text-slate-300">This session has no machine. End it and start a new one.</p>
          </Centered>
        ) : node.status === "failed" ? (
          <Centered>
            <div data-testid="node-failed" className="max-w-lg space-y-2 rounded-lg border border-red-500/40 bg-red-950/40 px-6 py-5">
              <h2 className="font-semibold text-red-100">The machine {node.name} could not start</h2>
              <p className="text-sm text-red-200/90">{node.message ?? "No details were given."}</p>
              <p className="text-sm text-slate-400">End this session and start a new one.</p>
            </div>
          </Centered>
        ) : (
          <>
            <TerminalPane sessionId={id} node={node.name} onGone={onGone} onStatus={onStatus} />
            {node.status === "provisioning" && (
              <div className="absolute inset-0 flex items-center justify-center bg-[#0b1120]/85">
                <div
                  role="status"
                  data-testid="provisioning"
                  className="flex items-center gap-3 rounded-lg border border-slate-700 bg-slate-900 px-5 py-4 text-slate-200 shadow-xl"
                >
                  <Spinner className="h-5 w-5 text-sky-400" />
                  <span>{node.message ?? "Preparing your machine…"}</span>
                </div>
              </div>
            )}
          </>
        )}
      </main>
    </div>
  );
}

function NodeBadge({ node }: { node: NodeView }) {
  const dot =
    node.status === "ready" ? "bg-emerald-400" : node.status === "failed" ? "bg-red-400" : "animate-pulse bg-amber-400";
  return (
    <span className="flex items-center gap-2 rounded-md bg-slate-800/70 px-2.5 py-1 font-mono text-sm text-slate-200" title={node.status}>
      <span aria-hidden className={`h-2 w-2 rounded-full ${dot}`} />
      <span data-testid="node-name">{node.name}</span>
    </span>
  );
}

function Centered({ children }: { children: React.ReactNode }) {
  return <div className="flex h-full items-center justify-center px-6 text-center">{children}</div>;
}

function Loading() {
  return (
    <main data-testid="session-loading" className="flex min-h-dvh items-center justify-center gap-3 text-slate-400">
      <Spinner /> Loading session…
    </main>
  );
}

function LoadError({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <main className="flex min-h-dvh items-center justify-center px-6">
      <div
        role="alert"
        data-testid="session-error"
        className="flex max-w-lg flex-col items-center gap-4 rounded-xl border border-red-500/30 bg-red-950/30 px-8 py-8 text-center"
      >
        <h1 className="text-xl font-semibold text-red-100">The session could not be loaded</h1>
        <p className="text-red-200/90">{message}</p>
        <button
          type="button"
          data-testid="retry"
          onClick={onRetry}
          className="rounded-lg bg-slate-100 px-5 py-2 font-semibold text-slate-900 hover:bg-white"
        >
          Try again
        </button>
        <Link href="/" className="text-sm text-slate-400 hover:text-slate-200">
          Back to the home page
        </Link>
      </div>
    </main>
  );
}
