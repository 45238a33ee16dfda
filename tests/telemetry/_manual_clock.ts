import type { Clock, TimerId } from "../../domain/clock.ts";

/**
 * A clock whose timers fire only when the test advances it, for code that
 * also waits on real I/O (where an auto-advancing clock would race ahead).
 */
export class ManualClock implements Clock {
  #nowMs = 0;
  #nextId = 1;
  #timers = new Map<number, { dueMs: number; fn: () => void }>();

  now(): number {
    return this.#nowMs;
  }

  setTimeout(fn: () => void, delayMs: number): TimerId {
    const id = this.#nextId++;
    this.#timers.set(id, { dueMs: this.#nowMs + Math.max(0, delayMs), fn });
    return id;
  }

  clearTimeout(id: TimerId): void {
    this.#timers.delete(id as number);
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const id = this.setTimeout(resolve, delayMs);
      signal?.addEventListener("abort", () => {
        this.clearTimeout(id);
        reject(signal.reason);
      }, { once: true });
    });
  }

  /** Moves time forward, firing every timer that falls due, in order. */
  advance(deltaMs: number): void {
    const targetMs = this.#nowMs + deltaMs;
    for (;;) {
      let next: [number, { dueMs: number; fn: () => void }] | undefined;
      for (const entry of this.#timers) {
        if (
          entry[1].dueMs <= targetMs &&
          (!next || entry[1].dueMs < next[1].dueMs)
        ) {
          next = entry;
        }
      }
      if (!next) break;
      this.#timers.delete(next[0]);
      this.#nowMs = next[1].dueMs;
      next[1].fn();
    }
    this.#nowMs = targetMs;
  }

  /** Delays of the pending timers from now, soonest first. */
  get pendingDelaysMs(): number[] {
    return [...this.#timers.values()].map((t) => t.dueMs - this.#nowMs).sort(
      (a, b) => a - b,
    );
  }
}
