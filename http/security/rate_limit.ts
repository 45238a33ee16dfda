/**
 * A token-bucket rate limiter for handoff requests.
 *
 * One bucket for the whole service: the instrument does one handoff at a
 * time whoever asks, so the limit protects the hardware, not fairness
 * between clients.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import type { Clock } from "../../domain/clock.ts";
import { RealClock } from "../../domain/clock.ts";

/** Options of {@linkcode TokenBucket} and {@linkcode rateLimit}. */
export interface RateLimitOptions {
  /** Tokens added per second (sustained requests per second). */
  ratePerS: number;
  /** Bucket size (requests allowed in a burst); default max(1, ratePerS). */
  burst?: number;
  /** Time source; default the wall clock. */
  clock?: Pick<Clock, "now">;
}

/** A token bucket refilled continuously from a clock. */
export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #capacity: number;
  readonly #clock: Pick<Clock, "now">;
  #tokens: number;
  #updatedMs: number;

  /**
   * @param options rate, burst and clock
   * @throws {RangeError} when the rate or burst is not a positive number
   */
  constructor(options: RateLimitOptions) {
    const burst = options.burst ?? Math.max(1, options.ratePerS);
    if (!(options.ratePerS > 0) || !(burst >= 1)) {
      throw new RangeError(
        `Cannot rate-limit at ${options.ratePerS}/s with a burst of ${burst}: the rate must be above 0 and the burst at least 1 (security.handoff_rate_per_s)`,
      );
    }
    this.#ratePerMs = options.ratePerS / 1000;
    this.#capacity = burst;
    this.#clock = options.clock ?? new RealClock();
    this.#tokens = burst;
    this.#updatedMs = this.#clock.now();
  }

  /**
   * Takes one token if there is one.
   *
   * @returns 0 when a token was taken, else the milliseconds until one is due
   */
  take(): number {
    this.#refill();
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return (1 - this.#tokens) / this.#ratePerMs;
  }

  #refill(): void {
    const nowMs = this.#clock.now();
    const elapsedMs = Math.max(0, nowMs - this.#updatedMs);
    this.#tokens = Math.min(
      this.#capacity,
      this.#tokens + elapsedMs * this.#ratePerMs,
    );
    this.#updatedMs = nowMs;
  }
}

/**
 * Middleware that answers 429 with `Retry-After` (whole seconds, rounded up)
 * once requests outrun the bucket.
 *
 * @param options rate, burst and clock
 * @returns Hono middleware
 * @throws {RangeError} when the rate or burst is not positive
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  const bucket = new TokenBucket(options);

  return async function limitRate(c, next) {
    const waitMs = bucket.take();
    if (waitMs > 0) {
      const retryAfterS = Math.max(1, Math.ceil(waitMs / 1000));
      c.header("Retry-After", String(retryAfterS));
      return c.json({
        error: "rate_limited",
        message:
          `Too many requests: at most ${options.ratePerS} per second; retry in ${retryAfterS} s`,
        retry_after_s: retryAfterS,
      }, 429);
    }
    await next();
  };
}
