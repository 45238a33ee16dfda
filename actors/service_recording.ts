/**
 * Listens to what the controller emits and records it: each handoff (and
 * its lens-B search) and each calibration in the history, in the metrics,
 * in the log and, when on, in telemetry.
 *
 * A history write that fails is logged and the handoff's answer is not
 * held up: the record is lost, the scanner carries on.
 *
 * @module
 */

import type { History } from "../history/history.ts";
import type { LoggerLike } from "../logging/logger_like.ts";
import type { ScannerMetrics } from "../monitoring/metrics.ts";
import type { TelemetryUploader } from "../telemetry/uploader.ts";
import type { ScannerService } from "./scanner_service.ts";
import {
  autofocusRecordOf,
  calibrationRecordOf,
  handoffRecordOf,
  handoffTelemetryEvent,
} from "./history_recorder.ts";

/** Running totals of the time the history writes of each handoff took. */
export interface WriteCost {
  /** Handoffs recorded. */
  handoffs: number;
  /** Time spent writing their rows, ms. */
  totalMs: number;
  /** The slowest handoff's writes, ms. */
  maxMs: number;
}

/** Where {@linkcode recordServiceEvents} records. */
export interface RecordingTargets {
  /** The history. */
  history: History;
  /** The metrics. */
  metrics: ScannerMetrics;
  /** Telemetry, when on. */
  telemetry: TelemetryUploader | null;
  /** Where handoffs, calibrations and phase changes are logged. */
  logger: LoggerLike;
  /** Wall clock, epoch ms. */
  wallClockMs: () => number;
  /** Updated with the time of each handoff's writes. */
  writeCost: WriteCost;
  /** Each device's last error since the last successful handoff. */
  deviceErrors: Map<string, string>;
  /** Called after each handoff is recorded. */
  onHandoffRecorded?: () => void;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Records the controller's handoffs, calibrations and phase changes.
 *
 * @param service the running controller
 * @param targets history, metrics, telemetry, logger and clock
 * @returns a function that stops listening
 */
export function recordServiceEvents(
  service: ScannerService,
  targets: RecordingTargets,
): () => void {
  const { history, metrics, telemetry, logger, writeCost } = targets;

  const onHandoff = service.on("handoff.completed", ({ result }) => {
    const atMs = targets.wallClockMs();
    const record = handoffRecordOf(result, atMs);
    const startMs = performance.now();
    try {
      history.recordHandoff(record);
      history.recordAutofocus(autofocusRecordOf(result, atMs));
    } catch (error) {
      logger.error("Cannot record a handoff in the history: {cause}", {
        cause: describe(error),
      });
    }
    const spentMs = performance.now() - startMs;
    writeCost.handoffs++;
    writeCost.totalMs += spentMs;
    writeCost.maxMs = Math.max(writeCost.maxMs, spentMs);

    metrics.observeHandoff(record);
    const cache = service.mappingCacheStats();
    if (cache) metrics.setCacheHitRate(cache.hitRate);
    telemetry?.enqueue(handoffTelemetryEvent(result, atMs));
    if (result.success) {
      targets.deviceErrors.clear();
      logger.debug(
        "Handoff from {zSourceUm} um to {zTargetUm} um in {elapsedMs} ms",
        {
          zSourceUm: result.z_source,
          zTargetUm: result.z_target,
          elapsedMs: result.elapsed_ms,
        },
      );
    } else {
      if (result.error) {
        targets.deviceErrors.set(result.error.device, result.error.message);
      }
      logger.warn("Handoff from {zSourceUm} um failed: {cause}", {
        zSourceUm: result.z_source,
        cause: result.error?.message ?? "validation failed",
        device: result.error?.device,
      });
    }
    targets.onHandoffRecorded?.();
  });

  const onCalibration = service.on("calibration.finished", ({ report }) => {
    const atMs = targets.wallClockMs();
    try {
      history.recordCalibration(calibrationRecordOf(report, atMs));
    } catch (error) {
      logger.error("Cannot record a calibration in the history: {cause}", {
        cause: describe(error),
      });
    }
    if (report.completed) {
      logger.info(
        "Calibration saved: held-out RMS {rmsUm} um over {points} points",
        {
          rmsUm: report.heldOutRmsUm === null
            ? null
            : Number(report.heldOutRmsUm.toFixed(4)),
          points: report.points.length,
        },
      );
    } else {
      logger.warn("Calibration failed at {step}: {cause}", {
        step: report.failedStep,
        cause: report.failure,
      });
    }
    telemetry?.enqueue({
      type: "calibration",
      at: new Date(atMs).toISOString(),
      completed: report.completed,
      held_out_rms_um: report.heldOutRmsUm,
      held_out_max_um: report.heldOutMaxUm,
      points: report.points.length,
      failure: report.failure,
    });
  });

  let lastPhase: string | null = null;
  const onStatus = service.on("status.changed", ({ phase, notice }) => {
    const calibratedAt = service.mappingReport()?.calibration.calibrated_at;
    if (phase === "ready" && calibratedAt) {
      metrics.setCalibrationTime(Date.parse(calibratedAt));
    }
    // Every handoff goes busy and back to ready: detail, not news.
    const routine = phase === "busy" ||
      (phase === "ready" && lastPhase === "busy");
    lastPhase = phase;
    const [line, properties] = notice
      ? ["Controller {phase}: {notice}", { phase, notice }]
      : ["Controller {phase}", { phase }];
    if (phase === "fault" || phase === "uncalibrated") {
      logger.warn(line, properties);
    } else if (routine) {
      logger.debug(line, properties);
    } else {
      logger.info(line, properties);
    }
  });

  return () => {
    onHandoff();
    onCalibration();
    onStatus();
  };
}
