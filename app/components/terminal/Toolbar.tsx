import { FONT_MAX, FONT_MIN } from "./prefs";
import type { ThemeName } from "./themes";
import { EyeIcon, ExpandIcon, MoonIcon, SearchIcon, ShrinkIcon, SunIcon } from "./icons";

interface Props {
  fontSize: number;
  theme: ThemeName;
  searchOpen: boolean;
  fullscreen: boolean;
  /** False when the browser has no Fullscreen API (iPhone Safari). */
  canFullscreen: boolean;
  readOnly: boolean;
  onFont: (delta: number) => void;
  onTheme: () => void;
  onSearch: () => void;
  onFullscreen: () => void;
}

const button =
  "flex h-6 min-w-6 items-center justify-center rounded px-1 text-slate-400 transition hover:bg-slate-800 hover:text-slate-100 focus-visible:outline focus-visible:outline-1 focus-visible:outline-sky-400 disabled:cursor-not-allowed disabled:opacity-40 disabled:hover:bg-transparent";

/** The thin bar above the terminal: watch-only badge on the left, view controls on the right. */
export default function Toolbar(p: Props) {
  return (
    <div className="flex h-8 shrink-0 items-center gap-2 px-1" data-testid="terminal-toolbar">
      {p.readOnly && (
        <span
          data-testid="watch-only-badge"
          role="status"
          title="You can see this terminal live but not type in it."
          className="flex items-center gap-1.5 rounded-md border border-amber-500/40 bg-amber-500/10 px-2 py-0.5 text-xs font-medium text-amber-200"
        >
          <EyeIcon />
          Watching — read only
        </span>
      )}
      <div role="toolbar" aria-label="Terminal view" className="ml-auto flex items-center gap-0.5">
        <button
          type="button"
          className={button}
          data-testid="term-font-dec"
          title="Smaller text"
          disabled={p.fontSize <= FONT_MIN}
          onClick={() => p.onFont(-1)}
        >
          <span aria-hidden className="text-xs font-semibold">A−</span>
          <span className="sr-only">Smaller text</span>
        </button>
        <span data-testid="term-font-size" aria-label="Font size" className="w-6 text-center font-mono text-[11px] tabular-nums text-slate-400">
          {p.fontSize}
        </span>
        <button
          type="button"
          className={button}
          data-testid="term-font-inc"
          title="Larger text"
          disabled={p.fontSize >= FONT_MAX}
          onClick={() => p.onFont(1)}
        >
          <span aria-hidden className="text-sm font-semibold">A+</span>
          <span className="sr-only">Larger text</span>
        </button>
        <span aria-hidden className="mx-1 h-4 w-px bg-slate-800" />
        <button
          type="button"
          className={button}
          data-testid="term-theme"
          aria-label={p.theme === "dark" ? "Light theme" : "Dark theme"}
          title={p.theme === "dark" ? "Light theme" : "Dark theme"}
          onClick={p.onTheme}
        >
          {p.theme === "dark" ? <SunIcon /> : <MoonIcon />}
        </button>
        <button
          type="button"
          className={`${button} ${p.searchOpen ? "bg-slate-800 text-sky-300" : ""}`}
          data-testid="term-search-toggle"
          aria-label="Search the terminal"
          aria-pressed={p.searchOpen}
          title="Search (Ctrl+Shift+F)"
          onClick={p.onSearch}
        >
          <SearchIcon />
        </button>
        <button
          type="button"
          className={button}
          data-testid="term-fullscreen"
          aria-label={p.fullscreen ? "Leave full screen" : "Full screen"}
          aria-pressed={p.fullscreen}
          title={p.fullscreen ? "Leave full screen" : "Full screen"}
          disabled={!p.canFullscreen}
          onClick={p.onFullscreen}
        >
          {p.fullscreen ? <ShrinkIcon /> : <ExpandIcon />}
        </button>
      </div>
    </div>
  );
}
