"use client";

import { useEffect, useState } from "react";
import { formatRemaining } from "../Countdown";

/** Minutes before the end at which the page warns. */
export const WARN_BEFORE_S = 5 * 60;

/** Seconds left until `expiresAt` (server time), updated every second. */
export function useSecondsLeft(expiresAt: string, skewMs: number): number {
  const deadline = Date.parse(expiresAt) - skewMs;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return Number.isFinite(deadline) ? Math.ceil((deadline - now) / 1000) : Infinity;
}

/** Shown in the last minutes: what will happen, and a way to get more time. */
export function ExpiryWarning({
  expiresAt,
  skewMs,
  canExtend,
  extending,
  onExtend,
}: {
  expiresAt: string;
  skewMs: number;
  canExtend: boolean;
  extending: boolean;
  onExtend?: () => void;
}) {
  const secondsLeft = useSecondsLeft(expiresAt, skewMs);
  if (secondsLeft > WARN_BEFORE_S || secondsLeft <= 0) return null;
  return (
    <div role="alert" data-testid="expiry-warning" className="flex flex-wrap items-center gap-3 border-b border-amber-500/40 bg-amber-950/60 px-4 py-2 text-sm text-amber-100">
      <span>
        This session ends in <span className="font-mono">{formatRemaining(secondsLeft)}</span>. Its machines and everything in
        them will be deleted; download what you want to keep.
      </span>
      {onExtend && canExtend && (
        <button
          type="button"
          onClick={onExtend}
          disabled={extending}
          className="rounded-md bg-amber-400 px-3 py-1 font-semibold text-slate-900 hover:bg-amber-300 disabled:opacity-60"
        >
          {extending ? "Extending…" : "Extend"}
        </button>
      )}
      {onExtend && !canExtend && <span className="text-amber-200/80">It has reached the longest a session may run.</span>}
    </div>
  );
}
