/**
 * Pruning the history off the hot path: once an interval, rows older than
 * the retention are deleted one small batch at a time, with a pause between
 * batches and never while the controller is busy, so a handoff's own write
 * waits behind at most one batch.
 *
 * @module
 */

import type { Clock, TimerId } from "../domain/clock.ts";
import type { History } from "../history/history.ts";
import type { LoggerLike } from "../logging/logger_like.ts";

/** Time between pruning passes; default one hour. */
export const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
/** Pause between two batches of one pass, and the wait while busy. */
export const PRUNE_STEP_GAP_MS = 1000;
/** The maintenance job name a pass that deleted rows is recorded under. */
export const PRUNE_JOB = "history_prune";

/** Options of {@linkcode startPruning}. */
export interface PruningOptions {
  /** The clock of the pauses. */
  clock: Clock;
  /** True when no handoff or calibration runs. */
  isIdle: () => boolean;
  /** Where a failed batch is reported. */
  logger: LoggerLike;
  /** Wall clock for the maintenance record, epoch ms. */
  wallClockMs: () => number;
  /** Time between passes; default {@linkcode PRUNE_INTERVAL_MS}. */
  intervalMs?: number;
  /** Pause between batches; default {@linkcode PRUNE_STEP_GAP_MS}. */
  stepGapMs?: number;
  /** Called after a pass that deleted rows. */
  onPruned?: () => void;
}

/**
 * Starts pruning: the first pass begins after one step gap, then one pass
 * per interval. A pass that deleted anything is recorded as a maintenance
 * run named {@linkcode PRUNE_JOB}.
 *
 * @param history the history to prune
 * @param options clock, idleness test, logger and timings
 * @returns a function that stops pruning
 */
export function startPruning(
  history: Pick<History, "pruneStep" | "recordMaintenance">,
  options: PruningOptions,
): () => void {
  const { clock, logger } = options;
  const gapMs = options.stepGapMs ?? PRUNE_STEP_GAP_MS;
  const intervalMs = options.intervalMs ?? PRUNE_INTERVAL_MS;
  let timer: TimerId | undefined;
  let stopped = false;
  let pass: { startedAtMs: number; deleted: number } | null = null;

  const arm = (delayMs: number) => {
    if (stopped) return;
    timer = clock.setTimeout(step, delayMs);
  };

  function step(): void {
    timer = undefined;
    if (!options.isIdle()) {
      arm(gapMs);
      return;
    }
    pass ??= { startedAtMs: options.wallClockMs(), deleted: 0 };
    let done = true;
    try {
      const result = history.pruneStep();
      pass.deleted += result.deleted;
      done = result.done;
    } catch (error) {
      logger.error("Cannot prune the history: {cause}; trying next pass", {
        cause: error instanceof Error ? error.message : String(error),
      });
    }
    if (!done) {
      arm(gapMs);
      return;
    }
    finishPass(pass);
    pass = null;
    arm(intervalMs);
  }

  function finishPass(finished: { startedAtMs: number; deleted: number }) {
    if (finished.deleted === 0) return;
    options.onPruned?.();
    logger.info("Pruned {deleted} history rows past the retention", {
      deleted: finished.deleted,
    });
    try {
      history.recordMaintenance({
        job: PRUNE_JOB,
        startedAtMs: finished.startedAtMs,
        finishedAtMs: options.wallClockMs(),
        outcome: "ok",
        detail: `deleted ${finished.deleted} rows older than the retention`,
      });
    } catch (error) {
      logger.error("Cannot record the pruning pass: {cause}", {
        cause: error instanceof Error ? error.message : String(error),
      });
    }
  }

  arm(gapMs);
  return () => {
    stopped = true;
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
  };
}
