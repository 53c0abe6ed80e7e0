"use client";

import type { CheckResult, RunView, WorkshopView } from "@/lib/workshops/types";
import { useEffect, useRef, useState } from "react";
import { checkStep, fetchSessionWorkshop, messageOf, startStep, writeNodeFile, type SessionWorkshop } from "../api";
import { Spinner } from "../StartButton";
import LessonMarkdown, { type LessonActions } from "./LessonMarkdown";

interface Props {
  sessionId: string;
  workshop: SessionWorkshop;
  control: boolean;
  /** Types into a node's terminal (undefined: the node being shown). */
  onRun: (node: string | undefined, text: string, interrupt: boolean) => void;
  /** Shows a node's terminal: a step whose check runs on node2 shows node2. */
  onShowNode: (node: string) => void;
}

/** The step in the address (?step=N), if any: deep links open there. */
function stepFromUrl(max: number): number | undefined {
  const raw = new URLSearchParams(location.search).get("step");
  const n = raw === null ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 && n <= max ? n : undefined;
}

const WATCH_POLL_MS = 3000;

/**
 * The lesson beside the terminal: one step at a time, its code blocks with
 * Run, Copy and Write buttons, hints, and a Check that runs the step's check
 * script in the node. Watchers follow the learner's step.
 */
export default function LessonPane({ sessionId, workshop: initial, control, onRun, onShowNode }: Props) {
  const w: WorkshopView = initial.workshop;
  const last = w.stepList.length + 1; // the finish page
  const [run, setRun] = useState<RunView>(initial.run);
  const [step, setStep] = useState<number>(() => stepFromUrl(last) ?? initial.run.step);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fresh, setFresh] = useState<CheckResult | null>(null);
  const body = useRef<HTMLDivElement>(null);
  const current = step >= 1 && step <= w.stepList.length ? w.stepList[step - 1] : undefined;

  // Record the step (and run its setup) when the learner opens it; watchers only look.
  useEffect(() => {
    const url = new URL(location.href);
    url.searchParams.set("step", String(step));
    history.replaceState(null, "", url);
    body.current?.scrollTo({ top: 0 });
    setFresh(null);
    if (!control || step === last) return;
    const showNode = step === 0 ? "node1" : w.stepList[step - 1]!.node;
    onShowNode(showNode);
    let cancelled = false;
    startStep(sessionId, step).then(
      (started) => {
        if (cancelled) return;
        setRun(started.run);
        if (started.type) onRun(showNode, started.type, false);
      },
      (err) => !cancelled && setError(messageOf(err)),
    );
    return () => {
      cancelled = true;
    };
    // onRun/onShowNode are stable callbacks of the session page; re-running on their identity would re-run setups.
  }, [sessionId, step, control, last]);

  // Someone watching follows the learner's progress.
  useEffect(() => {
    if (control) return;
    const timer = setInterval(() => {
      fetchSessionWorkshop(sessionId).then(
        (latest) => {
          if (!latest) return;
          setRun(latest.run);
          setStep(latest.run.step);
        },
        () => {},
      );
    }, WATCH_POLL_MS);
    return () => clearInterval(timer);
  }, [control, sessionId]);

  const go = (n: number) => {
    setError(null);
    setStep(Math.max(0, Math.min(last, n)));
  };

  async function check() {
    setChecking(true);
    setError(null);
    try {
      const result = await checkStep(sessionId, step);
      setFresh(result);
      setRun((r) => ({ ...r, checks: { ...r.checks, [String(step)]: result } }));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setChecking(false);
    }
  }

  const actions: LessonActions = {
    enabled: control,
    run: (node, text, interrupt) => onRun(node ?? current?.node, text, interrupt),
    write: (node, path, text) => writeNodeFile(sessionId, node ?? current?.node ?? "node1", path, text),
  };

  const checked = w.stepList.filter((s) => s.hasCheck);
  const passed = checked.filter((s) => run.checks[String(s.n)]?.passed).length;
  const result = fresh ?? (current ? run.checks[String(step)] : undefined);
  const title = step === 0 ? "Introduction" : step === last ? "Finished" : current!.title;

  return (
    <div className="flex h-full flex-col" data-testid="lesson">
      <div className="space-y-2 border-b border-slate-800 px-4 py-3">
        <div className="flex items-center gap-2">
          <h2 className="min-w-0 flex-1 truncate text-sm font-semibold text-slate-100" title={w.title}>
            {w.title}
          </h2>
          <span className="shrink-0 text-xs text-slate-400" data-testid="lesson-progress">
            {passed}/{checked.length} checks passed
          </span>
        </div>
        <div className="h-1 overflow-hidden rounded bg-slate-800" aria-hidden>
          <div className="h-full bg-emerald-500 transition-all" style={{ width: `${checked.length ? (100 * passed) / checked.length : 0}%` }} />
        </div>
        <label className="flex items-center gap-2 text-xs text-slate-400">
          <span className="sr-only">Step</span>
          <select
            data-testid="lesson-step-select"
            value={step}
            onChange={(e) => go(Number(e.target.value))}
            className="min-w-0 flex-1 rounded-md border border-slate-700 bg-slate-900 px-2 py-1 text-sm text-slate-200"
          >
            <option value={0}>Introduction</option>
            {w.stepList.map((s) => (
              <option key={s.n} value={s.n}>
                {run.checks[String(s.n)]?.passed ? "✓ " : ""}
                {s.n}. {s.title}
              </option>
            ))}
            <option value={last}>Finish</option>
          </select>
        </label>
      </div>

      <div ref={body} className="min-h-0 flex-1 overflow-y-auto px-4 py-4">
        <p className="text-xs font-medium uppercase tracking-wide text-sky-400">
          {step === 0 || step === last ? "" : `Step ${step} of ${w.stepList.length}`}
        </p>
        <h3 className="mb-3 text-lg font-semibold text-slate-50" data-testid="lesson-step-title">
          {title}
        </h3>
        <LessonMarkdown
          text={step === 0 ? (w.intro ?? w.description) : step === last ? (w.finish ?? finishText(passed, checked.length)) : current!.body}
          actions={actions}
        />

        {current && current.hints.length > 0 && (
          <div className="mt-5 space-y-2">
            {current.hints.map((hint, i) => (
              <details key={`${step}-${i}`} className="rounded-md border border-slate-800 bg-slate-900/50 px-3 py-2 text-sm text-slate-300">
                <summary className="cursor-pointer select-none text-slate-400">Hint {current.hints.length > 1 ? i + 1 : ""}</summary>
                <div className="pt-2">
                  <LessonMarkdown text={hint} actions={actions} />
                </div>
              </details>
            ))}
          </div>
        )}

        {result && current?.hasCheck && (
          <div
            data-testid="check-result"
            data-passed={result.passed}
            role="status"
            className={`mt-5 rounded-md border px-3 py-2 text-sm ${result.passed ? "border-emerald-500/40 bg-emerald-500/10 text-emerald-100" : "border-amber-500/40 bg-amber-500/10 text-amber-100"}`}
          >
            <p className="font-semibold">{result.passed ? "✓ Done: this step's check passes." : "Not yet: the check did not pass."}</p>
            {result.output && !result.passed && <pre className="mt-1 whitespace-pre-wrap break-words font-mono text-xs opacity-90">{result.output}</pre>}
          </div>
        )}
        {error && (
          <p role="alert" data-testid="lesson-error" className="mt-4 rounded-md border border-red-500/40 bg-red-500/10 px-3 py-2 text-sm text-red-200">
            {error}
          </p>
        )}
      </div>

      <div className="flex items-center gap-2 border-t border-slate-800 px-4 py-2">
        <button
          type="button"
          data-testid="lesson-prev"
          onClick={() => go(step - 1)}
          disabled={step === 0}
          className="rounded-md border border-slate-700 px-3 py-1.5 text-sm text-slate-200 hover:bg-slate-800 disabled:opacity-40"
        >
          Back
        </button>
        <div className="flex-1" />
        {current?.hasCheck && control && (
          <button
            type="button"
            data-testid="lesson-check"
            onClick={check}
            disabled={checking}
            className="inline-flex items-center gap-2 rounded-md bg-emerald-500 px-4 py-1.5 text-sm font-semibold text-slate-950 hover:bg-emerald-400 disabled:cursor-wait disabled:opacity-70"
          >
            {checking && <Spinner />}
            {checking ? "Checking…" : "Check"}
          </button>
        )}
        <button
          type="button"
          data-testid="lesson-next"
          onClick={() => go(step + 1)}
          disabled={step === last}
          className={`rounded-md px-3 py-1.5 text-sm font-medium disabled:opacity-40 ${
            !current?.hasCheck || result?.passed ? "bg-sky-500 text-slate-950 hover:bg-sky-400" : "border border-slate-700 text-slate-200 hover:bg-slate-800"
          }`}
        >
          {step === 0 ? "Start" : step === w.stepList.length ? "Finish" : "Next"}
        </button>
      </div>
    </div>
  );
}

function finishText(passed: number, total: number): string {
  return passed === total
    ? "Well done: every check of this workshop passes. Your session keeps running until it ends, so feel free to keep exploring."
    : `${passed} of ${total} checks pass so far. Go back to any step from the list above to finish it.`;
}
