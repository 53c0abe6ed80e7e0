"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

/** The owner deletes a tag with the password of their `docker login`. */
export default function DeleteTag({ repository, tag, owner }: { repository: string; tag: string; owner: string }) {
  const router = useRouter();
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const res = await fetch("/api/hub/delete", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: owner, password, repository, tag }),
      });
      if (res.ok) return router.refresh();
      const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
      setProblem(body.error?.message ?? `the hub answered ${res.status}`);
    } catch {
      setProblem("the playground did not answer: try again");
    } finally {
      setBusy(false);
    }
  };
  return (
    <details className="text-xs">
      <summary className="cursor-pointer whitespace-nowrap text-slate-400 hover:text-slate-200">Delete…</summary>
      <form onSubmit={submit} className="mt-2 flex flex-col gap-2" data-testid="hub-delete-form">
        <label className="flex flex-col gap-1 text-slate-400">
          {owner}&apos;s password (from docker login)
          <input
            type="password"
            required
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            className="rounded border border-slate-700 bg-slate-950 px-2 py-1 text-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-400"
          />
        </label>
        <button
          type="submit"
          disabled={busy}
          className="self-start rounded bg-rose-700 px-2 py-1 font-medium text-white hover:bg-rose-600 disabled:opacity-50"
        >
          {busy ? "Deleting…" : `Delete ${tag}`}
        </button>
        {problem && (
          <p role="alert" className="max-w-xs text-rose-300">
            {problem}
          </p>
        )}
      </form>
    </details>
  );
}
