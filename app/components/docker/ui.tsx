"use client";

import { useEffect, useRef, useState, type ReactNode } from "react";

/** Small pieces shared by the Docker panel's tabs, in the app's slate theme. */

const BUTTON = "rounded px-2 py-0.5 text-xs font-medium transition disabled:cursor-not-allowed disabled:opacity-50";

export function ActionButton({
  onClick,
  disabled,
  tone = "neutral",
  testId,
  title,
  children,
}: {
  onClick: () => void;
  disabled?: boolean;
  tone?: "neutral" | "danger";
  testId?: string;
  title?: string;
  children: ReactNode;
}) {
  const colours =
    tone === "danger"
      ? "border border-red-500/40 text-red-200 hover:bg-red-500/15"
      : "border border-slate-700 text-slate-200 hover:border-slate-500 hover:bg-slate-800";
  return (
    <button type="button" data-testid={testId} title={title} onClick={onClick} disabled={disabled} className={`${BUTTON} ${colours}`}>
      {children}
    </button>
  );
}

/** A remove button that asks once more; the question goes away by itself after a few seconds. */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  disabled,
  testId,
}: {
  label: string;
  question: string;
  onConfirm: () => void;
  disabled?: boolean;
  testId?: string;
}) {
  const [asking, setAsking] = useState(false);
  useEffect(() => {
    if (!asking) return;
    const timer = setTimeout(() => setAsking(false), 5000);
    return () => clearTimeout(timer);
  }, [asking]);
  if (!asking) {
    return (
      <ActionButton tone="danger" testId={testId} onClick={() => setAsking(true)} disabled={disabled}>
        {label}
      </ActionButton>
    );
  }
  return (
    <span className="inline-flex items-center gap-1">
      <span className="text-xs text-red-200">{question}</span>
      <ActionButton
        tone="danger"
        testId={testId && `${testId}-confirm`}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Yes
      </ActionButton>
      <ActionButton onClick={() => setAsking(false)}>No</ActionButton>
    </span>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="px-4 py-8 text-center text-sm text-slate-400">{children}</p>;
}

export function Code({ children }: { children: ReactNode }) {
  return <code className="rounded bg-slate-800 px-1.5 py-0.5 font-mono text-xs text-sky-300">{children}</code>;
}

/** A dialog over the page: Escape or the backdrop closes it, focus moves into it. */
export function Modal({
  title,
  onClose,
  testId,
  actions,
  children,
}: {
  title: ReactNode;
  onClose: () => void;
  testId: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onClose();
    };
    document.addEventListener("keydown", onKey);
    box.current?.focus();
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-black/60 p-4" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={box}
        role="dialog"
        aria-modal="true"
        tabIndex={-1}
        data-testid={testId}
        className="flex max-h-[85dvh] w-full max-w-4xl flex-col rounded-lg border border-slate-700 bg-slate-900 shadow-2xl outline-none"
      >
        <header className="flex items-center gap-3 border-b border-slate-800 px-4 py-2">
          <h2 className="min-w-0 flex-1 truncate text-sm font-semibold text-slate-100">{title}</h2>
          {actions}
          <ActionButton onClick={onClose} testId={`${testId}-close`}>
            Close
          </ActionButton>
        </header>
        {children}
      </div>
    </div>
  );
}
