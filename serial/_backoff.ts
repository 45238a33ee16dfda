/**
 * Exponential backoff between reconnection attempts.
 *
 * @module
 */

/** Delays of reconnection attempts, in milliseconds. */
export interface BackoffOptions {
  /** First delay after a loss; default 50 ms. */
  initialDelayMs?: number;
  /** Longest delay between attempts; default 5000 ms. */
  maxDelayMs?: number;
  /** Growth per failed attempt; default 2. */
  factor?: number;
}

/** The next delay of a growing series, reset after a success. */
export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #factor: number;
  #nextMs: number;

  /** @param options delays; see {@linkcode BackoffOptions} */
  constructor(options: BackoffOptions = {}) {
    this.#initialMs = options.initialDelayMs ?? 50;
    this.#maxMs = options.maxDelayMs ?? 5000;
    this.#factor = options.factor ?? 2;
    this.#nextMs = this.#initialMs;
  }

  /**
   * The delay to wait now; the following one is longer, up to the maximum.
   *
   * @returns milliseconds
   */
  next(): number {
    const delayMs = this.#nextMs;
    this.#nextMs = Math.min(this.#maxMs, this.#nextMs * this.#factor);
    return delayMs;
  }

  /** Starts again from the first delay. */
  reset(): void {
    this.#nextMs = this.#initialMs;
  }
}
