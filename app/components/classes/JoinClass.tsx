"use client";

import type { WorkshopSummary } from "@/lib/workshops/types";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { ApiError, createSession, fetchJoin, fetchSession, messageOf, sessionPage } from "../api";
import { Spinner } from "../StartButton";
import { readStored, removeStored, writeStored } from "../storage";

type Info = { title: string; workshop?: WorkshopSummary; seatsLeft: number };

/** An attendee's way in: their name, then their own session with the class's workshop. Coming back continues it. */
export default function JoinClass({ code }: { code: string }) {
  const router = useRouter();
  const [info, setInfo] = useState<Info | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [existing, setExisting] = useState<string | null>(null);
  const key = `playground-class-${code}`;

  useEffect(() => {
    setName(readStored("playground-name")?.replace(/^Guest \d+$/, "") ?? "");
    fetchJoin(code).then(setInfo, (e) => setError(messageOf(e)));
    const saved = readStored(key);
    if (saved) fetchSession(saved).then(() => setExisting(saved), () => removeStored(key));
  }, [code, key]);

  async function join(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const trimmed = name.trim();
      if (trimmed) writeStored("playground-name", trimmed);
      const session = await createSession({ cohort: code, name: trimmed || undefined });
      writeStored(key, session.id);
      router.push(sessionPage(session));
    } catch (err) {
      setError(err instanceof ApiError && err.code === "cohort_full" ? err.message : messageOf(err));
      setBusy(false);
    }
  }

  return (
    <main className="mx-auto flex min-h-dvh max-w-xl flex-col justify-center gap-6 px-6 py-10">
      <Link href="/" className="flex items-center gap-2 text-sm font-semibold text-slate-400 hover:text-slate-200">
        <span className="font-mono text-sky-400">&gt;_</span> Docker Playground
      </Link>
      {!info && !error && (
        <p className="flex items-center gap-2 text-slate-400">
          <Spinner /> Loading the class…
        </p>
      )}
      {info && (
        <div className="space-y-2">
          <p className="text-sm text-slate-400">You are invited to a class</p>
          <h1 className="text-3xl font-bold tracking-tight text-slate-50" data-testid="class-title">
            {info.title}
          </h1>
          {info.workshop && <p className="text-slate-400">{info.workshop.description}</p>}
        </div>
      )}
      {existing && (
        <Link
          href={`/s/${existing}`}
          data-testid="class-continue"
          className="rounded-lg border border-sky-500/50 bg-sky-500/10 px-4 py-3 text-center text-sky-100 hover:bg-sky-500/20"
        >
          Continue where you left off
        </Link>
      )}
      {info && (
        <form onSubmit={join} className="space-y-3">
          <label className="block text-sm text-slate-300">
            Your name, as your instructor will see it
            <input
              data-testid="class-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={40}
              placeholder="e.g. Sam"
              className="mt-1 block w-full rounded-md border border-slate-700 bg-slate-900 px-3 py-2 text-slate-100"
            />
          </label>
          <button
            type="submit"
            data-testid="class-join"
            disabled={busy || info.seatsLeft === 0}
            className="inline-flex w-full items-center justify-center gap-2 rounded-lg bg-sky-500 px-6 py-3 font-semibold text-slate-950 hover:bg-sky-400 disabled:opacity-60"
          >
            {busy && <Spinner />}
            {busy ? "Starting your machine…" : existing ? "Start a new machine" : "Join and start"}
          </button>
          {info.seatsLeft === 0 && <p className="text-sm text-amber-200">Every seat of this class is taken. Ask your instructor to make room.</p>}
        </form>
      )}
      {error && (
        <p role="alert" data-testid="join-error" className="rounded-md border border-red-500/40 bg-red-500/10 px-4 py-2 text-sm text-red-200">
          {error}
        </p>
      )}
    </main>
  );
}
