"use client";

import { useEffect, useRef, useState } from "react";

/** A button that opens a small panel; closes on Escape and on a click outside. */
export default function Popover({
  label,
  testId,
  title,
  className = "",
  align = "right",
  children,
}: {
  label: React.ReactNode;
  testId: string;
  title?: string;
  className?: string;
  align?: "left" | "right";
  children: (close: () => void) => React.ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    document.addEventListener("mousedown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);
  return (
    <div ref={root} className="relative">
      <button
        type="button"
        data-testid={testId}
        title={title}
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        className={`rounded-md border border-slate-700 px-2 py-1.5 text-sm sm:px-3 text-slate-200 transition hover:bg-slate-800 ${className}`}
      >
        {label}
      </button>
      {open && (
        <div
          className={`absolute top-full z-30 mt-2 w-max max-w-[min(28rem,90vw)] rounded-lg border border-slate-700 bg-slate-900 p-3 text-sm text-slate-200 shadow-2xl ${align === "right" ? "right-0" : "left-0"}`}
        >
          {children(() => setOpen(false))}
        </div>
      )}
    </div>
  );
}
