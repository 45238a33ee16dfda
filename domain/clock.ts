/**
 * Time as the controller sees it: the wall clock when serving, a simulated
 * clock in tests so that whole handoffs run deterministically and at once.
 *
 * The interface is a superset of XState's `Clock`, so one instance drives
 * both the machines' delays and the drivers' waits.
 *
 * @module
 */

/** Opaque timer handle: the runtime's or a simulated clock's. */
export type TimerId = ReturnType<typeof setTimeout> | number;

/** A source of time and timers. */
export interface Clock {
  /** Milliseconds on this clock; only differences are meaningful. */
  now(): number;
  /** Calls `fn` after `delayMs`; compatible with XState's clock. */
  setTimeout(fn: () => void, delayMs: number): TimerId;
  /** Cancels a timer set by {@linkcode Clock.setTimeout}. */
  clearTimeout(id: TimerId): void;
  /**
   * Resolves after `delayMs`; rejects with the signal's reason on abort.
   *
   * @throws the abort reason when `signal` fires first
   */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void>;
}

function sleepOn(
  clock: Pick<Clock, "setTimeout" | "clearTimeout">,
  delayMs: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clock.clearTimeout(id);
      reject(signal?.reason);
    };
    const id = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, delayMs));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The wall clock: `performance.now()` and the runtime's timers. */
export class RealClock implements Clock {
  /** Milliseconds since the process started, sub-millisecond resolution. */
  now(): number {
    return performance.now();
  }

  #nextId = 1;
  #handles = new Map<number, ReturnType<typeof setTimeout>>();

  /**
   * Schedules `fn` to run once at least `delayMs` have passed on
   * {@linkcode RealClock.now}. Runtime timers work in whole milliseconds and
   * may fire a fraction early by `performance.now()`; code that checks the
   * time when woken (a simulated motor deciding whether it has settled)
   * must never see the deadline still ahead, so an early wake re-arms.
   */
  setTimeout(fn: () => void, delayMs: number): TimerId {
    const id = this.#nextId++;
    const dueMs = this.now() + Math.max(0, delayMs);
    const arm = (waitMs: number) => {
      this.#handles.set(
        id,
        setTimeout(() => {
          const remainingMs = dueMs - this.now();
          if (remainingMs > 0) {
            arm(Math.ceil(remainingMs));
            return;
          }
          this.#handles.delete(id);
          fn();
        }, waitMs),
      );
    };
    arm(Math.max(0, delayMs));
    return id;
  }

  /** Cancels a timer set by {@linkcode RealClock.setTimeout}. */
  clearTimeout(id: TimerId): void {
    const handle = this.#handles.get(id as number);
    if (handle === undefined) return;
    clearTimeout(handle);
    this.#handles.delete(id as number);
  }

  /** Waits `delayMs` of real time. */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, delayMs, signal);
  }
}

interface PendingTimer {
  id: TimerId;
  dueMs: number;
  fn: () => void;
}

/**
 * A simulated clock that jumps straight to the next due timer whenever the
 * program has nothing else to do (all promise jobs have run).
 *
 * Timers set in the same turn run concurrently in simulated time, so two
 * device moves started together overlap exactly as they would on hardware.
 * Advancing happens on a zero-delay runtime timer, after pending promise
 * jobs, which keeps every run with the same inputs identical.
 */
export class SimulatedClock implements Clock {
  #nowMs: number;
  #nextId = 1;
  #timers: PendingTimer[] = [];
  #advancing: ReturnType<typeof setTimeout> | undefined;

  /** @param startMs the simulated time to start at, default 0 */
  constructor(startMs = 0) {
    this.#nowMs = startMs;
  }

  /** The simulated time in milliseconds. */
  now(): number {
    return this.#nowMs;
  }

  /** Registers `fn` to run when simulated time reaches now + `delayMs`. */
  setTimeout(fn: () => void, delayMs: number): TimerId {
    const id = this.#nextId++;
    this.#timers.push({ id, dueMs: this.#nowMs + Math.max(0, delayMs), fn });
    this.#scheduleAdvance();
    return id;
  }

  /** Forgets a timer that has not fired yet. */
  clearTimeout(id: TimerId): void {
    this.#timers = this.#timers.filter((timer) => timer.id !== id);
  }

  /** Waits `delayMs` of simulated time. */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, delayMs, signal);
  }

  /** Number of timers still waiting; a settled test expects zero. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  #scheduleAdvance(): void {
    if (this.#advancing !== undefined) return;
    this.#advancing = setTimeout(() => {
      this.#advancing = undefined;
      this.#fireNext();
    }, 0);
  }

  #fireNext(): void {
    if (this.#timers.length === 0) return;
    let next = this.#timers[0];
    for (const timer of this.#timers) {
      if (timer.dueMs < next.dueMs) next = timer;
    }
    this.#timers = this.#timers.filter((timer) => timer !== next);
    this.#nowMs = Math.max(this.#nowMs, next.dueMs);
    next.fn();
    if (this.#timers.length > 0) this.#scheduleAdvance();
  }
}
