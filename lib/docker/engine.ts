/**
 * The host engine's client, with two things dockerode leaves out: every
 * request that waits for an answer has a deadline, so that an engine whose
 * socket accepts and never answers cannot hold a request for ever; and a
 * connection that fails (no socket, refused, cut) becomes the core's
 * EngineUnavailableError, which the edges answer with 503 engine_unavailable.
 * Answers the engine gives (404, 409, ...) pass through unchanged.
 */
import Docker from "dockerode";
import { EngineUnavailableError, isPlaygroundError } from "../sessions/errors";

export interface EngineDeadlines {
  /** Reads, exec creation, exec start and resize: what answers at once on a healthy engine. */
  quickMs: number;
  /** Everything else that changes something (create, start, remove, connect): slower under load. */
  slowMs: number;
}

export const DEFAULT_DEADLINES: EngineDeadlines = { quickMs: 10_000, slowMs: 120_000 };

/** What a failed connection to the engine looks like, as opposed to an answer from it. */
const CONNECTION_CODES = new Set(["ECONNREFUSED", "ENOENT", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EACCES"]);

export function isConnectionError(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  if ((e as { statusCode?: unknown }).statusCode !== undefined) return false;
  const code = String((e as { code?: unknown }).code ?? "");
  return CONNECTION_CODES.has(code) || (e as Error).name === "AbortError" || /socket hang up/i.test((e as Error).message ?? "");
}

/** The core's error for a failed connection; anything else as it was. */
export function engineError(e: unknown): unknown {
  if (isPlaygroundError(e) || !isConnectionError(e)) return e;
  return new EngineUnavailableError((e as Error).message || String(e));
}

interface DialOptions {
  path?: string;
  method?: string;
  abortSignal?: AbortSignal;
  file?: unknown;
}
type Dial = (options: DialOptions, callback: (err: unknown, data?: unknown) => void) => void;

/** How long one request may wait for its answer (for streams: their start); undefined for none. */
export function deadlineOf(options: DialOptions, deadlines: EngineDeadlines): number | undefined {
  // An upload's answer comes after its body, which streams as fast as the client sends it.
  if (options.file && typeof options.file === "object" && !Buffer.isBuffer(options.file)) return undefined;
  const method = (options.method ?? "GET").toUpperCase();
  const path = options.path ?? "";
  if (method === "GET" || method === "HEAD" || /\/exec(\/|$|\?)/.test(path)) return deadlines.quickMs;
  return deadlines.slowMs;
}

/** Adds the deadlines and the error mapping to a dockerode client (every container and exec it makes shares its modem). */
export function withDeadlines(docker: Docker, deadlines: EngineDeadlines = DEFAULT_DEADLINES): Docker {
  const modem = docker.modem as unknown as { dial: Dial };
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) => {
    const ms = deadlineOf(options, deadlines);
    if (ms === undefined) return dial(options, (err, data) => callback(err ? engineError(err) : null, data));
    const timer = new AbortController();
    let timedOut = false;
    const clock = setTimeout(() => {
      timedOut = true;
      timer.abort();
    }, ms);
    const signal = options.abortSignal ? AbortSignal.any([options.abortSignal, timer.signal]) : timer.signal;
    // The deadline ends with the answer: a stream that has started (a terminal, followed logs) may then last.
    dial({ ...options, abortSignal: signal }, (err, data) => {
      clearTimeout(clock);
      if (err && timedOut) {
        return callback(new EngineUnavailableError(`no answer to ${options.method ?? "GET"} ${options.path} within ${ms} ms`));
      }
      callback(err ? engineError(err) : null, data);
    });
  };
  return docker;
}
