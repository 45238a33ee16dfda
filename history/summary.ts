/**
 * Pure statistics over handoff rows, shared by the history queries and by
 * anything that holds handoffs in memory.
 *
 * @module
 */

import type { PerformanceStats } from "./types.ts";

/** The handoff fields the statistics need. */
export interface HandoffSample {
  /** Epoch ms. */
  atMs: number;
  /** Whether it succeeded. */
  success: boolean;
  /** Total time. */
  elapsedMs: number;
  /** Cache hit, miss, or unknown (null). */
  cacheHit: boolean | null;
  /** Mapping error, or null when unknown. */
  mappingErrorUm: number | null;
}

/**
 * The `fraction` quantile of sorted values, interpolating linearly between
 * the two nearest ranks (the spreadsheet PERCENTILE.INC rule).
 *
 * @param sorted values in ascending order
 * @param fraction 0..1
 * @returns the quantile, or null for no values
 */
export function quantile(
  sorted: readonly number[],
  fraction: number,
): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(1, Math.max(0, fraction)) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

// A loop, not Math.max(...values): a week of handoffs overflows the stack.
function extreme(
  values: readonly number[],
  pick: (a: number, b: number) => number,
): number | null {
  if (values.length === 0) return null;
  let best = values[0];
  for (const value of values) best = pick(best, value);
  return best;
}

/**
 * Summarises handoffs into performance statistics.
 *
 * @param samples the handoffs of the window, any order
 * @returns counts, rates, averages and percentiles (null where undefined)
 */
export function summarizeHandoffs(
  samples: readonly HandoffSample[],
): PerformanceStats {
  const elapsed = samples.map((sample) => sample.elapsedMs).sort((a, b) =>
    a - b
  );
  const errors = samples
    .map((sample) => sample.mappingErrorUm)
    .filter((value): value is number => value !== null);
  const cacheKnown = samples.filter((sample) => sample.cacheHit !== null);
  const successCount = samples.filter((sample) => sample.success).length;
  const times = samples.map((sample) => sample.atMs);

  return {
    count: samples.length,
    successCount,
    successRate: samples.length === 0 ? null : successCount / samples.length,
    avgHandoffMs: mean(elapsed),
    p50HandoffMs: quantile(elapsed, 0.5),
    p95HandoffMs: quantile(elapsed, 0.95),
    cacheHitRate: cacheKnown.length === 0
      ? null
      : cacheKnown.filter((sample) => sample.cacheHit).length /
        cacheKnown.length,
    avgMappingErrorUm: mean(errors),
    maxMappingErrorUm: extreme(errors, Math.max),
    firstAtMs: extreme(times, Math.min),
    lastAtMs: extreme(times, Math.max),
  };
}
