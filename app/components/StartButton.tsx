"use client";

import { useRouter } from "next/navigation";
import { useContext, useEffect, useState } from "react";
import { createSession, messageOf, sessionPage } from "./api";
import { LaunchContext, preloadSessionScreen } from "./Launchpad";
import { whenIdle } from "./preload";
import { openAhead, terminalSocketUrl } from "./terminal/ahead";
import { loadTerminalPane } from "./terminal/load";
import { participantQuery } from "./workspace/identity";

/** Creates a session and shows it: in place on the landing page (./Launchpad.tsx), or on its page. */
export default function StartButton({ label = "Start a playground" }: { label?: string }) {
  const router = useRouter();
  const launch = useContext(LaunchContext);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // The code of what comes next (xterm alone is about 490 kB) loads while the person reads, not after the click.
  useEffect(() => whenIdle(launch ? preloadSessionScreen : () => void loadTerminalPane().catch(() => {})), [launch]);

  async function start() {
    setBusy(true);
    setError(null);
    try {
      const session = await createSession();
      // The terminal's socket opens while the session's page loads; the page takes it over.
      const first = session.nodes[0]?.name;
      if (first) openAhead(terminalSocketUrl(session.id, first, participantQuery()));
      // Stay "Starting…" until the session's screen replaces this one.
      if (!(await launch?.(session))) router.push(sessionPage(session));
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  }

  return (
    <div className="flex flex-col items-center gap-3">
      <button
        type="button"
        data-testid="start-session"
        onClick={start}
        disabled={busy}
        className="inline-flex items-center gap-2 rounded-lg bg-sky-500 px-6 py-3 text-base font-semibold text-slate-950 shadow-lg shadow-sky-500/20 transition hover:bg-sky-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-300 disabled:cursor-wait disabled:opacity-70"
      >
        {busy && <Spinner />}
        {busy ? "Starting…" : label}
      </button>
      {error && (
        <p
          role="alert"
          data-testid="start-error"
          className="max-w-md rounded-md border border-red-500/40 bg-red-500/10 px-4 py-2 text-center text-sm text-red-200"
        >
          {error}
        </p>
      )}
    </div>
  );
}

export function Spinner({ className = "h-4 w-4" }: { className?: string }) {
  return (
    <span
      aria-hidden
      className={`inline-block animate-spin rounded-full border-2 border-current border-t-transparent ${className}`}
    />
  );
}
