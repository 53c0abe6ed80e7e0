"use client";

import { useRef, type ReactNode } from "react";

export interface TabItem<T extends string> {
  id: T;
  label: ReactNode;
  /** A count shown beside the label (the Docker panel's objects). */
  badge?: number;
}

/**
 * A row of tabs, as the WAI-ARIA tabs pattern has them: Tab reaches the
 * selected one only, and the arrow keys (and Home, End) go to another,
 * which shows at once; with `manual`, it shows on Enter or Space (the
 * phone's panes, where showing the editor loads it). `fill` spreads the tabs
 * over the whole width; otherwise they sit at the start and wrap when the
 * bar is narrow.
 */
export default function TabBar<T extends string>({
  label,
  tabs,
  current,
  onSelect,
  testId,
  tabPrefix,
  fill = false,
  manual = false,
  idPrefix,
  controls,
}: {
  label: string;
  tabs: readonly TabItem<T>[];
  current: T;
  onSelect: (id: T) => void;
  testId?: string;
  /** Each tab's data-testid is `${tabPrefix}-${id}`. */
  tabPrefix: string;
  fill?: boolean;
  manual?: boolean;
  /** Each tab's id is `${idPrefix}-${id}`, for its panel's aria-labelledby. */
  idPrefix?: string;
  /** The id of the element each tab shows, for aria-controls; undefined while it is not in the page. */
  controls?: (id: T) => string | undefined;
}) {
  const buttons = useRef(new Map<T, HTMLButtonElement>());
  const move = (from: T, key: string) => {
    const i = tabs.findIndex((t) => t.id === from);
    const to = { ArrowLeft: i - 1, ArrowRight: i + 1, Home: 0, End: tabs.length - 1 }[key];
    if (to === undefined) return false;
    const next = tabs[(to + tabs.length) % tabs.length]!.id;
    if (!manual) onSelect(next);
    buttons.current.get(next)?.focus();
    return true;
  };
  return (
    <div role="tablist" aria-label={label} data-testid={testId} className={fill ? "flex" : "flex min-w-0 flex-wrap items-center gap-x-1"}>
      {tabs.map((t) => {
        const selected = t.id === current;
        return (
          <button
            key={t.id}
            ref={(el) => {
              if (el) buttons.current.set(t.id, el);
              else buttons.current.delete(t.id);
            }}
            type="button"
            role="tab"
            id={idPrefix ? `${idPrefix}-${t.id}` : undefined}
            aria-controls={controls?.(t.id)}
            aria-selected={selected}
            tabIndex={selected ? 0 : -1}
            data-testid={`${tabPrefix}-${t.id}`}
            onClick={() => onSelect(t.id)}
            onKeyDown={(e) => {
              if (move(t.id, e.key)) e.preventDefault();
            }}
            className={`-mb-px border-b-2 py-2 text-sm transition ${fill ? "flex-1 px-2" : "px-2.5"} ${
              selected ? "border-sky-400 text-sky-200" : "border-transparent text-slate-300 hover:text-slate-100"
            }`}
          >
            {t.label}
            {t.badge !== undefined && <span className="ml-1.5 rounded bg-slate-800 px-1.5 text-xs text-slate-300">{t.badge}</span>}
          </button>
        );
      })}
    </div>
  );
}
