/**
 * What the controller's events become in the history, in telemetry and in
 * `/stats`: pure conversions from a handoff result or a calibration report
 * to records, and the contract's performance figures read back from the
 * history so that they survive a restart.
 *
 * @module
 */

import type { History } from "../history/history.ts";
import { summarizeHandoffs } from "../history/summary.ts";
import type {
  AutofocusRecord,
  CalibrationRecord,
  HandoffRecord,
  StoredHandoff,
} from "../history/types.ts";
import type { HandoffResult } from "../machines/handoff_types.ts";
import type { CalibrationReport } from "../machines/calibration_machine.ts";
import type { PerformanceStats } from "./performance_stats.ts";

/**
 * The short cause a failed handoff is filed under: the device or stage that
 * failed (`turret`, `focus_motor`, `autofocus`, `mapping`...), so metrics
 * labels stay few; the full message goes to the log.
 *
 * @param result a handoff result
 * @returns the cause, or null for a success
 */
export function failureCauseOf(result: HandoffResult): string | null {
  if (result.success) return null;
  return result.error?.device ?? "validation";
}

/**
 * The history record of a handoff.
 *
 * @param result the handoff machine's result
 * @param atMs when it finished, epoch ms
 */
export function handoffRecordOf(
  result: HandoffResult,
  atMs: number,
): HandoffRecord {
  return {
    atMs,
    zSourceUm: result.z_source,
    zTargetUm: Number.isFinite(result.z_target) ? result.z_target : null,
    success: result.success,
    elapsedMs: result.elapsed_ms,
    lensSwitchMs: result.lens_switch_ms,
    focusMoveMs: result.focus_move_ms,
    focusSearchMs: result.focus_search_ms,
    validationMs: result.validation_ms,
    // A failed handoff never found focus, so its "error" measures nothing.
    mappingErrorUm: result.success ? result.mapping_error_um : null,
    frames: result.frames,
    cacheHit: result.cache_hit,
    failureCause: failureCauseOf(result),
  };
}

/**
 * The history record of a handoff's lens-B focus search, which starts at
 * the mapping's prediction.
 *
 * @param result the handoff machine's result
 * @param atMs when it finished, epoch ms
 */
export function autofocusRecordOf(
  result: HandoffResult,
  atMs: number,
): AutofocusRecord {
  let bestScore: number | null = null;
  for (const sample of result.samples) {
    if (bestScore === null || sample.score > bestScore) {
      bestScore = sample.score;
    }
  }
  return {
    atMs,
    lens: "B",
    zStartUm: result.z_predicted,
    zBestUm: result.success ? result.z_target : null,
    metric: bestScore,
    frames: result.frames,
    elapsedMs: result.focus_search_ms,
    success: result.success,
    failureCause: failureCauseOf(result),
  };
}

/**
 * The history record of a calibration; its error is the held-out RMS, the
 * figure the 0.1 um target is judged on.
 *
 * @param report the calibration machine's report
 * @param atMs when it finished, epoch ms
 */
export function calibrationRecordOf(
  report: CalibrationReport,
  atMs: number,
): CalibrationRecord {
  return {
    atMs,
    success: report.completed,
    rmsErrorUm: report.heldOutRmsUm,
    maxErrorUm: report.heldOutMaxUm,
    points: report.points.length,
    summary: {
      failed_step: report.failedStep,
      failure: report.failure,
      ready: report.ready,
      readiness_reasons: report.readinessReasons,
      validation: report.performance,
    },
  };
}

/**
 * The telemetry event of a handoff: the contract's fields without the
 * frame scores.
 *
 * @param result the handoff machine's result
 * @param atMs when it finished, epoch ms
 */
export function handoffTelemetryEvent(
  result: HandoffResult,
  atMs: number,
): Record<string, unknown> {
  return {
    type: "handoff",
    at: new Date(atMs).toISOString(),
    success: result.success,
    z_source: result.z_source,
    z_target: result.z_target,
    elapsed_ms: result.elapsed_ms,
    mapping_error_um: result.mapping_error_um,
    lens_switch_ms: result.lens_switch_ms,
    focus_move_ms: result.focus_move_ms,
    focus_search_ms: result.focus_search_ms,
    validation_ms: result.validation_ms,
    frames: result.frames,
    cache_hit: result.cache_hit,
    temperature_c: result.temperature_c,
    failure: result.error ?? null,
  };
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/**
 * The `/health` and `/stats` performance figures over the newest handoffs
 * in the history. Percentiles interpolate between ranks; figures with no
 * data are 0, as the in-memory summary gives them.
 *
 * @param handoffs the window, any order
 * @param totalHandoffs handoffs the history holds
 */
export function performanceOfStored(
  handoffs: readonly StoredHandoff[],
  totalHandoffs: number,
): PerformanceStats {
  const stats = summarizeHandoffs(handoffs);
  let maxMs = 0;
  let frames = 0;
  for (const handoff of handoffs) {
    maxMs = Math.max(maxMs, handoff.elapsedMs);
    frames += handoff.frames ?? 0;
  }
  return {
    avg_handoff_time_ms: round3(stats.avgHandoffMs ?? 0),
    p50_handoff_time_ms: round3(stats.p50HandoffMs ?? 0),
    p95_handoff_time_ms: round3(stats.p95HandoffMs ?? 0),
    max_handoff_time_ms: round3(maxMs),
    success_rate: round3(stats.successRate ?? 0),
    cache_hit_rate: round3(stats.cacheHitRate ?? 0),
    avg_mapping_error_um: round3(stats.avgMappingErrorUm ?? 0),
    avg_frames: round3(handoffs.length === 0 ? 0 : frames / handoffs.length),
    total_handoffs: totalHandoffs,
  };
}

/**
 * Reads {@linkcode performanceOfStored} from a history.
 *
 * @param history the open history
 * @param windowHandoffs how many of the newest handoffs
 * @param totalHandoffs handoffs the history holds; counted when absent
 *   (a scan of the table, so a caller that knows the count passes it)
 */
export function performanceFromHistory(
  history: Pick<History, "recentHandoffs" | "counts">,
  windowHandoffs: number,
  totalHandoffs?: number,
): PerformanceStats {
  return performanceOfStored(
    history.recentHandoffs(windowHandoffs),
    totalHandoffs ?? history.counts().handoffs ?? 0,
  );
}
