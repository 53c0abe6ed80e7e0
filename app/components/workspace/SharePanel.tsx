"use client";

import { useState } from "react";
import type { Participant, SessionView } from "@/lib/protocol";
import { copyText } from "../terminal/clipboard";
import Popover from "./Popover";

function LinkRow({ label, hint, url, testId }: { label: string; hint: string; url: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-1">
      <div className="flex items-baseline justify-between gap-4">
        <span className="font-medium text-slate-100">{label}</span>
        <span className="text-xs text-slate-400">{hint}</span>
      </div>
      <div className="flex gap-2">
        <input
          readOnly
          value={url}
          data-testid={testId}
          onFocus={(e) => e.currentTarget.select()}
          className="w-80 min-w-0 flex-1 rounded border border-slate-700 bg-slate-950 px-2 py-1 font-mono text-xs text-slate-200"
        />
        <button
          type="button"
          onClick={async () => {
            setCopied(await copyText(url));
            setTimeout(() => setCopied(false), 1500);
          }}
          className="rounded bg-slate-700 px-2 py-1 text-xs font-medium hover:bg-slate-600"
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}

/** The two links of a session: one to work together, one to watch. Only control sees it. */
export function ShareButton({ view }: { view: SessionView }) {
  if (!view.share) return null;
  const origin = typeof location === "undefined" ? "" : location.origin;
  return (
    <Popover label="Share" testId="share-button" title="Links to this session">
      {() => (
        <div className="w-[24rem] max-w-full space-y-3">
          <LinkRow label="Full control" hint="can type and change everything" url={origin + view.share!.control} testId="share-control-link" />
          <LinkRow label="Watch only" hint="sees the terminals live, cannot type" url={origin + view.share!.watch} testId="share-watch-link" />
          <p className="text-xs text-slate-400">Anyone with a link can open the session until it ends. Share full control only with people you trust.</p>
        </div>
      )}
    </Popover>
  );
}

/** Who has the session open, this tab included. */
export function Participants({ people }: { people: Participant[] }) {
  const watching = people.filter((p) => p.access === "watch").length;
  return (
    <Popover
      label={
        <span className="flex items-center gap-1.5">
          <span aria-hidden className="h-2 w-2 rounded-full bg-emerald-400" />
          <span data-testid="participant-count">{people.length}</span>
          <span className="hidden md:inline">connected</span>
        </span>
      }
      testId="participants"
      title={`${people.length} connected${watching ? `, ${watching} watching` : ""}`}
    >
      {() =>
        people.length === 0 ? (
          <p className="text-slate-400">Nobody has a terminal open.</p>
        ) : (
          <ul className="space-y-1" data-testid="participant-list">
            {people.map((p, i) => (
              <li key={i} className="flex items-center justify-between gap-6">
                <span>{p.name}</span>
                <span className={`text-xs ${p.access === "watch" ? "text-sky-300" : "text-emerald-300"}`}>
                  {p.access === "watch" ? "watching" : "full control"}
                </span>
              </li>
            ))}
          </ul>
        )
      }
    </Popover>
  );
}
