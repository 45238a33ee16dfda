/**
 * Handoff performance over the recent past, as `/health` and `/stats` show.
 *
 * @module
 */

import type { HandoffResult } from "../machines/handoff_types.ts";

/** Performance figures of recent handoffs. */
export interface PerformanceStats {
  avg_handoff_time_ms: number;
  p50_handoff_time_ms: number;
  p95_handoff_time_ms: number;
  max_handoff_time_ms: number;
  success_rate: number;
  cache_hit_rate: number;
  avg_mapping_error_um: number;
  avg_frames: number;
  total_handoffs: number;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil(fraction * sorted.length) - 1),
  );
  return sorted[index];
}

function mean(values: number[]): number {
  return values.length === 0
    ? 0
    : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * Summarises handoff results.
 *
 * @param results recent handoffs, any order
 * @param cacheHitRate the mapping cache's hit rate, 0..1
 * @param totalHandoffs handoffs since start, when more than `results`
 */
export function summarisePerformance(
  results: readonly HandoffResult[],
  cacheHitRate: number,
  totalHandoffs = results.length,
): PerformanceStats {
  const times = results.map((result) => result.elapsed_ms).sort((a, b) =>
    a - b
  );
  const succeeded = results.filter((result) => result.success);
  return {
    avg_handoff_time_ms: round(mean(times)),
    p50_handoff_time_ms: round(percentile(times, 0.5)),
    p95_handoff_time_ms: round(percentile(times, 0.95)),
    max_handoff_time_ms: round(times.at(-1) ?? 0),
    success_rate: results.length === 0
      ? 0
      : round(succeeded.length / results.length),
    cache_hit_rate: round(cacheHitRate),
    avg_mapping_error_um: round(
      mean(succeeded.map((result) => result.mapping_error_um)),
    ),
    avg_frames: round(mean(results.map((result) => result.frames))),
    total_handoffs: totalHandoffs,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
