"use client";

import { useState } from "react";
import { copyText } from "../terminal/clipboard";

/** A command to type, with a button that copies it. */
export default function CopyCommand({ command }: { command: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <span className="flex items-center gap-2">
      <code className="rounded bg-slate-950/70 px-2 py-1 font-mono text-xs text-slate-200">{command}</code>
      <button
        type="button"
        aria-label={`Copy: ${command}`}
        className="rounded border border-slate-700 px-2 py-0.5 text-xs text-slate-300 hover:border-slate-500 hover:text-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-400"
        onClick={async () => {
          if (await copyText(command)) {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          }
        }}
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </span>
  );
}
