import { useEffect, useRef } from "react";
import { CloseIcon, DownIcon, UpIcon } from "./icons";

export interface SearchResults {
  /** 0-based index of the highlighted match, -1 when there are too many to count. */
  index: number;
  count: number;
}

interface Props {
  /** Changes when the box should take the focus again (the shortcut pressed while it is open). */
  focusKey: number;
  query: string;
  onQuery: (q: string) => void;
  /** Move to the next (or previous) match of the current query. */
  onFind: (backwards: boolean) => void;
  onClose: () => void;
  /** True when the last search found nothing. */
  noMatch: boolean;
  results: SearchResults | null;
}

const iconButton =
  "flex h-6 w-6 items-center justify-center rounded text-slate-400 hover:bg-slate-800 hover:text-slate-100 disabled:opacity-40 disabled:hover:bg-transparent";

/** The find box over the terminal: Enter = next, Shift+Enter = previous, Escape = close. */
export default function SearchBar({ focusKey, query, onQuery, onFind, onClose, noMatch, results }: Props) {
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [focusKey]);

  let status = "";
  if (query && noMatch) status = "No match";
  else if (query && results && results.count > 0) status = results.index >= 0 ? `${results.index + 1} of ${results.count}` : `${results.count}+`;

  return (
    <div
      role="search"
      className="absolute right-4 top-2 z-20 flex items-center gap-1 rounded-lg border border-slate-700 bg-slate-900/95 p-1 shadow-xl backdrop-blur"
    >
      <input
        ref={input}
        data-testid="term-search"
        aria-label="Search the terminal"
        aria-invalid={!!query && noMatch}
        placeholder="Search"
        value={query}
        spellCheck={false}
        onChange={(ev) => onQuery(ev.target.value)}
        onKeyDown={(ev) => {
          if (ev.key === "Enter") {
            ev.preventDefault();
            onFind(ev.shiftKey);
          } else if (ev.key === "Escape") {
            ev.preventDefault();
            onClose();
          }
        }}
        className={`w-48 rounded border bg-slate-950 px-2 py-1 font-mono text-sm text-slate-100 outline-none placeholder:text-slate-500 focus:border-sky-500 ${
          query && noMatch ? "border-red-500/70" : "border-slate-700"
        }`}
      />
      <span
        data-testid="term-search-status"
        aria-live="polite"
        className={`w-16 text-center text-xs tabular-nums ${noMatch ? "text-red-300" : "text-slate-400"}`}
      >
        {status}
      </span>
      <button type="button" className={iconButton} aria-label="Previous match" title="Previous (Shift+Enter)" disabled={!query} onClick={() => onFind(true)}>
        <UpIcon />
      </button>
      <button type="button" className={iconButton} aria-label="Next match" title="Next (Enter)" disabled={!query} onClick={() => onFind(false)}>
        <DownIcon />
      </button>
      <button type="button" className={iconButton} aria-label="Close search" title="Close (Escape)" onClick={onClose}>
        <CloseIcon />
      </button>
    </div>
  );
}
