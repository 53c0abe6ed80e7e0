/**
 * Learners' progress through workshops: which workshop a session follows,
 * the step it is at, the result of every check. Setup and check scripts run
 * in the session's nodes through `WorkshopHost`; the progress is saved in
 * node1, so a restarted server finds it where the session is.
 */
import { EventEmitter } from "node:events";
import type { ExecResult } from "../protocol";
import { NoWorkshopError, SetupFailedError, StepNotFoundError } from "./errors";
import type { CheckResult, RunView, Workshop } from "./types";

export interface WorkshopHost {
  /**
   * Runs in a ready node (waits for it); `sessionId` is the session's own id.
   * `background`: not the learner's doing, so it does not keep an idle session alive.
   */
  exec(sessionId: string, node: string, cmd: string[], timeoutMs: number, opts?: { background?: boolean }): Promise<ExecResult>;
  writeFile(sessionId: string, node: string, path: string, content: Buffer): Promise<void>;
}

/** Not under /run: that is a tmpfs in nodes, which the engine cannot copy files into. */
export const PROGRESS_FILE = "/var/lib/playground/workshop.json";
export const CHECK_TIMEOUT_MS = 60_000;
export const SETUP_TIMEOUT_MS = 120_000;
/** How long a session whose node1 could not be read is left before peek() reads it again. */
export const LOOKUP_RETRY_MS = 10_000;
/** How much of a check's output is kept and shown. */
const OUTPUT_CHARS = 4000;

interface Run extends RunView {
  /** Steps whose setup has run (0: the introduction's). */
  prepared: number[];
}

const tail = (text: string) => (text.length > OUTPUT_CHARS ? `…${text.slice(-OUTPUT_CHARS)}` : text);

export class WorkshopRuns extends EventEmitter<{ progress: [sessionId: string] }> {
  private readonly runs = new Map<string, Run | null>();
  /** One change at a time per session, so a setup never runs twice. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Reads of node1's saved progress under way, and when one last failed. */
  private readonly loading = new Map<string, Promise<void>>();
  private readonly missed = new Map<string, number>();

  constructor(
    private readonly host: WorkshopHost,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  private serial<T>(sessionId: string, work: () => Promise<T>): Promise<T> {
    const next = (this.queues.get(sessionId) ?? Promise.resolve()).catch(() => {}).then(work);
    this.queues.set(sessionId, next);
    return next;
  }

  /**
   * Starts a workshop in a new session: puts its files in place and runs the introduction's setup,
   * once `ready` settles (a class's joins put it off until their prompts are drawn). The run is
   * known at once; the session's next steps and checks wait behind it.
   */
  attach(sessionId: string, workshop: Workshop, who: { cohort?: string; name?: string } = {}, ready?: Promise<unknown>): Promise<void> {
    const run: Run = {
      workshop: workshop.slug,
      step: 0,
      checks: {},
      cohort: who.cohort,
      name: who.name,
      startedAt: new Date(this.now()).toISOString(),
      prepared: [],
    };
    this.runs.set(sessionId, run);
    return this.serial(sessionId, async () => {
      await ready;
      for (const a of workshop.assets) {
        await this.host.writeFile(sessionId, a.node, a.path, Buffer.from(a.content, "base64"));
        if (a.mode) await this.host.exec(sessionId, a.node, ["chmod", a.mode, "--", a.path], 10_000);
      }
      await this.prepare(sessionId, run, workshop, 0);
    });
  }

  /** The session's progress, or undefined when it follows no workshop (or node1 cannot be read now). */
  async get(sessionId: string): Promise<RunView | undefined> {
    if (!this.runs.has(sessionId)) await this.load(sessionId);
    return this.known(sessionId);
  }

  /**
   * What is known now, without waiting, for views of many sessions at once
   * (a class's dashboard): a session not read yet is read in the background,
   * at most every LOOKUP_RETRY_MS while its node cannot be reached, and a
   * 'progress' event says when it is known.
   */
  peek(sessionId: string): RunView | undefined {
    const retryAt = (this.missed.get(sessionId) ?? -Infinity) + LOOKUP_RETRY_MS;
    if (!this.runs.has(sessionId) && !this.loading.has(sessionId) && this.now() >= retryAt) {
      void this.load(sessionId).then(() => {
        if (this.runs.get(sessionId)) this.emit("progress", sessionId);
      });
    }
    return this.known(sessionId);
  }

  private known(sessionId: string): RunView | undefined {
    const run = this.runs.get(sessionId);
    return run ? publicView(run) : undefined;
  }

  /** Reads the progress saved in node1, one read at a time per session. */
  private load(sessionId: string): Promise<void> {
    const pending = this.loading.get(sessionId);
    if (pending) return pending;
    const read = this.host
      .exec(sessionId, "node1", ["cat", PROGRESS_FILE], 10_000, { background: true })
      .then((r) => (r.exitCode === 0 ? (JSON.parse(r.stdout) as Run) : null))
      .then(
        (saved) => {
          if (this.loading.get(sessionId) !== read) return; // forgotten meanwhile
          this.missed.delete(sessionId);
          if (!this.runs.has(sessionId)) this.runs.set(sessionId, saved);
        },
        () => {
          if (this.loading.get(sessionId) === read) this.missed.set(sessionId, this.now()); // not reachable now: ask again later
        },
      )
      .finally(() => {
        if (this.loading.get(sessionId) === read) this.loading.delete(sessionId);
      });
    this.loading.set(sessionId, read);
    return read;
  }

  forget(sessionId: string): void {
    this.runs.delete(sessionId);
    this.queues.delete(sessionId);
    this.loading.delete(sessionId);
    this.missed.delete(sessionId);
  }

  /**
   * Moves to step `n` (0: the introduction), running its setup the first
   * time. Answers with a command to type into the learner's terminal when the
   * step has a foreground script.
   */
  start(sessionId: string, workshop: Workshop, n: number): Promise<{ run: RunView; type?: string }> {
    return this.serial(sessionId, async () => {
      const run = await this.require(sessionId, workshop, n);
      const first = !run.prepared.includes(n);
      await this.prepare(sessionId, run, workshop, n);
      run.step = n;
      await this.save(sessionId, run);
      this.emit("progress", sessionId);
      const foreground = n === 0 ? workshop.intro?.foreground : workshop.steps[n - 1]!.foreground;
      if (!foreground || !first) return { run: publicView(run) };
      const node = n === 0 ? "node1" : workshop.steps[n - 1]!.node;
      const path = `/var/lib/playground/foreground-${n}.sh`;
      await this.host.writeFile(sessionId, node, path, Buffer.from(foreground));
      return { run: publicView(run), type: `bash ${path}` };
    });
  }

  /** Runs step `n`'s check in its node; exit status 0 passes. */
  check(sessionId: string, workshop: Workshop, n: number): Promise<CheckResult> {
    return this.serial(sessionId, async () => {
      const run = await this.require(sessionId, workshop, n);
      if (n === 0) throw new StepNotFoundError("The introduction has no check.");
      const step = workshop.steps[n - 1]!;
      let result: CheckResult;
      if (!step.check) {
        result = { passed: true, output: "This step has nothing to check.", at: new Date(this.now()).toISOString() };
      } else {
        const r = await this.host.exec(sessionId, step.node, ["bash", "-c", step.check], CHECK_TIMEOUT_MS);
        const output = tail([r.stdout, r.stderr].filter((s) => s.trim()).join("\n").trim());
        result = {
          passed: r.exitCode === 0 && !r.timedOut,
          output: r.timedOut ? `The check did not finish within ${CHECK_TIMEOUT_MS / 1000} s.\n${output}` : output,
          at: new Date(this.now()).toISOString(),
        };
      }
      run.checks[String(n)] = result;
      await this.save(sessionId, run);
      this.emit("progress", sessionId);
      return result;
    });
  }

  private async require(sessionId: string, workshop: Workshop, n: number): Promise<Run> {
    await this.get(sessionId);
    const run = this.runs.get(sessionId);
    if (!run) throw new NoWorkshopError();
    if (run.workshop !== workshop.slug) throw new StepNotFoundError(`This session follows another workshop than "${workshop.slug}".`);
    if (!Number.isInteger(n) || n < 0 || n > workshop.steps.length) {
      throw new StepNotFoundError(`Step ${n} does not exist: the workshop has steps 1 to ${workshop.steps.length}.`);
    }
    return run;
  }

  private async prepare(sessionId: string, run: Run, workshop: Workshop, n: number): Promise<void> {
    if (run.prepared.includes(n)) return;
    const script = n === 0 ? workshop.intro?.setup : workshop.steps[n - 1]!.setup;
    if (script) {
      const node = n === 0 ? "node1" : workshop.steps[n - 1]!.node;
      const r = await this.host.exec(sessionId, node, ["bash", "-c", script], SETUP_TIMEOUT_MS);
      if (r.exitCode !== 0) {
        throw new SetupFailedError(`The setup of ${n === 0 ? "the introduction" : `step ${n}`} failed (exit ${r.exitCode}): ${tail(r.stderr || r.stdout).trim()}`);
      }
    }
    run.prepared.push(n);
    await this.save(sessionId, run);
  }

  private async save(sessionId: string, run: Run): Promise<void> {
    await this.host.writeFile(sessionId, "node1", PROGRESS_FILE, Buffer.from(JSON.stringify(run)));
  }
}

function publicView(run: Run): RunView {
  return { workshop: run.workshop, step: run.step, checks: run.checks, cohort: run.cohort, name: run.name, startedAt: run.startedAt };
}
