import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { RateLimitError } from "./errors";

export interface CreationLimiter {
  /** Counts one creation for this client; throws RateLimitError past the limit. */
  consume(clientKey: string): Promise<void>;
}

/** N creations per client per window, counted in memory (one server process). */
export function memoryLimiter(points: number, windowMs: number): CreationLimiter {
  const limiter = new RateLimiterMemory({ points, duration: Math.ceil(windowMs / 1000) });
  return {
    async consume(clientKey) {
      try {
        await limiter.consume(clientKey);
      } catch (e) {
        if (e instanceof RateLimiterRes) {
          throw new RateLimitError(Math.max(1, Math.ceil(e.msBeforeNext / 1000)));
        }
        throw e;
      }
    },
  };
}
