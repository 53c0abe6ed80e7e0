import { useEffect, useLayoutEffect, useRef, useState } from "react";

export interface MenuItem {
  label: string;
  /** Shown on the right, e.g. a shortcut. */
  hint?: string;
  disabled?: boolean;
  /** Keep the menu open after the action (font size steps). */
  keepOpen?: boolean;
  testId?: string;
  action: () => void;
}

export type MenuEntry = MenuItem | "separator";

interface Props {
  /** Where the pointer was, in viewport pixels. */
  x: number;
  y: number;
  entries: MenuEntry[];
  /** refocus: give the keyboard back to the terminal (Escape, or after an action). */
  onClose: (refocus: boolean) => void;
}

/** A small right-click menu. Escape, a click elsewhere, scrolling or resizing the window close it. */
export default function ContextMenu({ x, y, entries, onClose }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState({ left: x, top: y });

  // Keep the whole menu on screen.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const { width, height } = el.getBoundingClientRect();
    setPos({
      left: Math.max(4, Math.min(x, window.innerWidth - width - 4)),
      top: Math.max(4, Math.min(y, window.innerHeight - height - 4)),
    });
    el.querySelector<HTMLButtonElement>("button:not(:disabled)")?.focus();
  }, [x, y]);

  useEffect(() => {
    const onPointer = (ev: PointerEvent) => {
      if (!ref.current?.contains(ev.target as Node)) onClose(false);
    };
    const onKey = (ev: KeyboardEvent) => {
      if (ev.key === "Escape") {
        ev.preventDefault();
        ev.stopPropagation();
        onClose(true);
      }
    };
    const onAway = () => onClose(false);
    document.addEventListener("pointerdown", onPointer, true);
    document.addEventListener("keydown", onKey, true);
    window.addEventListener("resize", onAway);
    window.addEventListener("blur", onAway);
    return () => {
      document.removeEventListener("pointerdown", onPointer, true);
      document.removeEventListener("keydown", onKey, true);
      window.removeEventListener("resize", onAway);
      window.removeEventListener("blur", onAway);
    };
  }, [onClose]);

  // Arrow keys move between the enabled items.
  const onKeyDown = (ev: React.KeyboardEvent) => {
    if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") return;
    ev.preventDefault();
    const items = Array.from(ref.current?.querySelectorAll<HTMLButtonElement>("button:not(:disabled)") ?? []);
    if (items.length === 0) return;
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    const next = ev.key === "ArrowDown" ? (at + 1) % items.length : (at - 1 + items.length) % items.length;
    items[next]?.focus();
  };

  return (
    <div
      ref={ref}
      role="menu"
      aria-label="Terminal"
      data-testid="terminal-menu"
      onKeyDown={onKeyDown}
      onContextMenu={(ev) => ev.preventDefault()}
      style={{ left: pos.left, top: pos.top }}
      className="fixed z-50 min-w-52 rounded-lg border border-slate-700 bg-slate-900/95 py-1 text-sm text-slate-200 shadow-2xl backdrop-blur"
    >
      {entries.map((entry, i) =>
        entry === "separator" ? (
          <div key={`sep-${i}`} role="separator" className="my-1 h-px bg-slate-700/70" />
        ) : (
          <button
            key={entry.label}
            type="button"
            role="menuitem"
            data-testid={entry.testId}
            disabled={entry.disabled}
            onClick={() => {
              if (!entry.keepOpen) onClose(true);
              entry.action();
            }}
            className="flex w-full items-center justify-between gap-6 px-3 py-1.5 text-left hover:bg-sky-500/15 focus:bg-sky-500/15 focus:outline-none disabled:cursor-default disabled:text-slate-400 disabled:hover:bg-transparent"
          >
            <span>{entry.label}</span>
            {entry.hint && <span className="font-mono text-[11px] text-slate-400">{entry.hint}</span>}
          </button>
        ),
      )}
    </div>
  );
}
