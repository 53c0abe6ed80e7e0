"use client";

import type { WorkshopSummary } from "@/lib/workshops/types";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { createCohort, createSession, fetchWorkshops, messageOf, sessionPage } from "../api";
import { Spinner } from "../StartButton";

type Problems = { folder: string; errors: string[] }[];

/** The workshops as cards: start one alone, or open a class for it. Lesson folders that failed to load are listed for their authors. */
export default function WorkshopCatalog() {
  const router = useRouter();
  const [list, setList] = useState<{ workshops: WorkshopSummary[]; problems: Problems } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    fetchWorkshops().then(setList, (e) => setError(messageOf(e)));
  }, []);

  async function act(key: string, action: () => Promise<string>) {
    setBusy(key);
    setError(null);
    try {
      router.push(await action());
    } catch (e) {
      setError(messageOf(e));
      setBusy(null);
    }
  }

  if (!list && !error) {
    return (
      <p className="mt-10 flex items-center gap-2 text-slate-400">
        <Spinner /> Loading the workshops…
      </p>
    );
  }
  return (
    <div className="mt-8 space-y-6 pb-16">
      {error && (
        <p role="alert" data-testid="catalog-error" className="rounded-md border border-red-500/40 bg-red-500/10 px-4 py-2 text-sm text-red-200">
          {error}
        </p>
      )}
      <ul className="grid gap-4 sm:grid-cols-2">
        {list?.workshops.map((w) => (
          <li key={w.slug} data-testid={`workshop-${w.slug}`} className="flex flex-col rounded-lg border border-slate-800 bg-slate-900/40 p-5">
            <h2 className="font-semibold text-slate-100">{w.title}</h2>
            <p className="mt-1 flex-1 text-sm text-slate-400">{w.description}</p>
            <p className="mt-3 flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-400">
              <span>{w.level}</span>
              <span>about {w.duration} min</span>
              <span>
                {w.steps} step{w.steps === 1 ? "" : "s"}
              </span>
              {w.nodes > 1 && <span>{w.nodes} machines</span>}
              {w.format === "killercoda" && <span>Killercoda scenario</span>}
            </p>
            <div className="mt-4 flex gap-2">
              <button
                type="button"
                data-testid="start-workshop"
                disabled={!!busy}
                onClick={() => act(`start-${w.slug}`, async () => sessionPage(await createSession({ workshop: w.slug })))}
                className="inline-flex items-center gap-2 rounded-md bg-sky-500 px-4 py-1.5 text-sm font-semibold text-slate-950 hover:bg-sky-400 disabled:opacity-60"
              >
                {busy === `start-${w.slug}` && <Spinner />}
                {busy === `start-${w.slug}` ? "Starting…" : "Start"}
              </button>
              <button
                type="button"
                data-testid="teach-workshop"
                disabled={!!busy}
                onClick={() => act(`teach-${w.slug}`, async () => (await createCohort(w.slug)).dashboardPath)}
                className="rounded-md border border-slate-700 px-4 py-1.5 text-sm text-slate-200 hover:bg-slate-800 disabled:opacity-60"
              >
                {busy === `teach-${w.slug}` ? "Opening a class…" : "Teach this"}
              </button>
            </div>
          </li>
        ))}
      </ul>
      {list && list.workshops.length === 0 && <p className="text-slate-400">No workshops are installed.</p>}
      {list && list.problems.length > 0 && (
        <section data-testid="lesson-problems" className="rounded-lg border border-amber-500/30 bg-amber-500/5 p-4 text-sm">
          <h2 className="font-semibold text-amber-200">Lesson folders that could not be loaded</h2>
          <p className="mt-1 text-amber-100/80">For lesson authors: fix these and reload this page.</p>
          <ul className="mt-3 space-y-3">
            {list.problems.map((p) => (
              <li key={p.folder}>
                <p className="font-mono text-xs text-amber-100">{p.folder}</p>
                <ul className="ml-4 list-disc text-amber-100/80">
                  {p.errors.map((e) => (
                    <li key={e}>{e}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
