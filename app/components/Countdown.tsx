"use client";

import { useEffect, useRef, useState } from "react";

interface Props {
  expiresAt: string;
  /** Server clock minus browser clock, in ms. */
  skewMs: number;
  onExpire: () => void;
}

export function formatRemaining(totalSeconds: number): string {
  const s = Math.max(0, totalSeconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h}:${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}`;
}

/** Time left until the session ends, as h:mm:ss. */
export default function Countdown({ expiresAt, skewMs, onExpire }: Props) {
  const deadline = Date.parse(expiresAt) - skewMs;
  const [now, setNow] = useState(() => Date.now());
  const onExpireRef = useRef(onExpire);
  useEffect(() => {
    onExpireRef.current = onExpire;
  });

  const valid = Number.isFinite(deadline);
  const left = valid ? Math.ceil((deadline - now) / 1000) : Infinity;
  const expired = left <= 0;

  useEffect(() => {
    if (!valid || expired) return;
    // Tick when the displayed second changes rather than at an arbitrary phase.
    const delay = ((deadline - now) % 1000) || 1000;
    const timer = setTimeout(() => setNow(Date.now()), delay);
    return () => clearTimeout(timer);
  }, [deadline, now, valid, expired]);

  useEffect(() => {
    if (expired) onExpireRef.current();
  }, [expired]);

  const urgent = left < 10 * 60;
  return (
    <span
      className={`font-mono text-sm tabular-nums ${urgent ? "text-amber-300" : "text-slate-300"}`}
      // Written when the pointer comes: the browser's first local time format costs about 60 ms,
      // which would otherwise be spent while a learner waits for the first prompt.
      onPointerEnter={(e) => {
        if (valid) e.currentTarget.title = `Ends at ${new Date(deadline).toLocaleTimeString()}`;
      }}
    >
      <span className="mr-1.5 hidden text-xs font-sans text-slate-400 sm:inline">Time left</span>
      <span data-testid="countdown">{valid ? formatRemaining(left) : "–"}</span>
    </span>
  );
}
