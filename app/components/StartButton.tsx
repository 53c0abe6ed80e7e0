"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { createSession, messageOf, sessionPage } from "./api";

/** Creates a session and opens its page. */
export default function StartButton({ label = "Start a playground" }: { label?: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function start() {
    setBusy(true);
    setError(null);
    try {
      router.push(sessionPage(await createSession()));
      // Stay "Starting…" until the next page replaces this one.
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
