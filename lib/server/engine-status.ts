/**
 * The engine's status for /api/health, asked at most once per `ttlMs`: a
 * flood of health checks costs the engine one question per period. Callers
 * that arrive while a question is out wait for its answer instead of asking
 * again. The runtime bounds each question, so a loss shows within about
 * ttlMs plus that bound.
 */
import type { RuntimeStatus } from "../sessions/runtime";

export function cachedStatus(status: () => Promise<RuntimeStatus>, ttlMs: number, now: () => number = Date.now) {
  let last: { at: number; value: RuntimeStatus } | undefined;
  let running: Promise<RuntimeStatus> | undefined;
  return (): Promise<RuntimeStatus> => {
    if (last && now() - last.at < ttlMs) return Promise.resolve(last.value);
    running ??= status()
      .catch((e: unknown): RuntimeStatus => ({
        engine: { reachable: false, message: String(e) },
        sandboxImage: false,
        registryRunning: false,
      }))
      .then((value) => {
        last = { at: now(), value };
        running = undefined;
        return value;
      });
    return running;
  };
}
