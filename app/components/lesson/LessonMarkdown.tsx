"use client";

import { parseActionHref, parseInfo } from "@/lib/workshops/info";
import type { Element, ElementContent } from "hast";
import { useState } from "react";
import Markdown, { defaultUrlTransform, type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import { copyText } from "../terminal/clipboard";

export interface LessonActions {
  /** False for watchers: the buttons show, disabled. */
  enabled: boolean;
  run: (node: string | undefined, text: string, interrupt: boolean) => void;
  write: (node: string | undefined, path: string, text: string) => Promise<void>;
}

const textOf = (nodes: ElementContent[]): string =>
  nodes.map((n) => (n.type === "text" ? n.value : n.type === "element" ? textOf(n.children) : "")).join("");

/**
 * A lesson's markdown. react-markdown builds React elements and renders no
 * raw HTML, so nothing in a lesson runs in the page. Images are not loaded
 * (they would reach other hosts); their description is shown instead.
 * Links open in a new tab, and only http(s), mailto and the lesson's own
 * action links (#run:..., #copy:...) are kept.
 */
export default function LessonMarkdown({ text, actions }: { text: string; actions: LessonActions }) {
  const components: Components = {
    pre({ node }) {
      const code = node?.children.find((c): c is Element => c.type === "element" && c.tagName === "code");
      if (!code) return null;
      const className = ([] as unknown[]).concat(code.properties.className ?? []).map(String);
      const lang = className.find((c) => c.startsWith("language-"))?.slice("language-".length);
      const meta = (code.data as { meta?: string } | undefined)?.meta;
      return <CodeBlock lang={lang} meta={meta} text={textOf(code.children).replace(/\n$/, "")} actions={actions} />;
    },
    a({ href, children }) {
      const action = parseActionHref(href);
      if (action) {
        return (
          <button
            type="button"
            data-testid={`inline-${action.kind}`}
            disabled={action.kind === "run" && !actions.enabled}
            onClick={() => (action.kind === "run" ? actions.run(action.node, action.text, false) : void copyText(action.text))}
            title={action.kind === "run" ? "Run in the terminal" : "Copy"}
            className="rounded bg-slate-800 px-1 font-mono text-[0.85em] text-sky-200 hover:bg-slate-700 disabled:cursor-not-allowed"
          >
            {children} {action.kind === "run" ? "▶" : "⧉"}
          </button>
        );
      }
      // A link whose address was dropped (javascript: and the like) stays text.
      if (!href) return <span>{children}</span>;
      return (
        <a href={href} target="_blank" rel="noopener noreferrer nofollow">
          {children}
        </a>
      );
    },
    img({ alt }) {
      return <em className="text-slate-400">[image{alt ? `: ${alt}` : ""}]</em>;
    },
  };
  return (
    <div className="lesson-text text-sm leading-relaxed text-slate-300">
      <Markdown
        remarkPlugins={[remarkGfm]}
        components={components}
        urlTransform={(url) => (url.startsWith("#run:") || url.startsWith("#copy:") ? url : defaultUrlTransform(url))}
      >
        {text}
      </Markdown>
    </div>
  );
}

function CodeBlock({ lang, meta, text, actions }: { lang?: string; meta?: string; text: string; actions: LessonActions }) {
  const info = parseInfo(lang, meta);
  const [note, setNote] = useState<string | null>(null);
  const flash = (message: string) => {
    setNote(message);
    setTimeout(() => setNote(null), 2000);
  };
  const button = "rounded px-2 py-0.5 text-xs font-medium disabled:cursor-not-allowed disabled:opacity-40";
  return (
    <figure className="my-3 overflow-hidden rounded-md border border-slate-800 bg-slate-950" data-testid={`block-${info.kind}`}>
      <figcaption className="flex items-center gap-2 border-b border-slate-800 bg-slate-900/70 px-2 py-1 text-xs text-slate-400">
        <span className="min-w-0 flex-1 truncate font-mono">
          {info.kind === "file" ? info.path : (info.lang ?? "")}
          {info.node ? ` · ${info.node}` : ""}
        </span>
        {note && <span className="text-emerald-300">{note}</span>}
        {info.kind === "run" && (
          <button
            type="button"
            data-testid="block-run-button"
            disabled={!actions.enabled}
            onClick={() => {
              actions.run(info.node, text, info.interrupt);
              flash("Sent to the terminal");
            }}
            className={`${button} bg-sky-500 text-slate-950 hover:bg-sky-400`}
          >
            ▶ Run
          </button>
        )}
        {info.kind === "file" && info.path && (
          <button
            type="button"
            data-testid="block-write-button"
            disabled={!actions.enabled}
            onClick={() => actions.write(info.node, info.path!, `${text}\n`).then(() => flash("Written"), (e: Error) => flash(`Not written: ${e.message}`))}
            className={`${button} bg-sky-500 text-slate-950 hover:bg-sky-400`}
          >
            Write file
          </button>
        )}
        <button
          type="button"
          onClick={() => void copyText(text).then((ok) => flash(ok ? "Copied" : "Copy failed"))}
          className={`${button} border border-slate-700 text-slate-200 hover:bg-slate-800`}
        >
          Copy
        </button>
      </figcaption>
      <pre className="overflow-x-auto px-3 py-2 font-mono text-[0.8rem] leading-snug text-slate-100">
        <code>{text}</code>
      </pre>
    </figure>
  );
}
