/**
 * Calibrations the maintenance jobs start: ask the supervisor, which
 * refuses while a handoff or another calibration runs, and wait for the
 * report. The monthly full calibration backs up first and puts the
 * previous calibration file back when the new one is worse.
 *
 * @module
 */

import type { CalibrationReport } from "../machines/calibration_machine.ts";
import type { ScannerService } from "./scanner_service.ts";

/** What asking for a calibration gave. */
export type CalibrationRun =
  | { accepted: false; message: string }
  | { accepted: true; report: CalibrationReport };

/**
 * How much worse (relative) a new held-out RMS may be than the previous
 * before the previous calibration is put back; plus an absolute 0.01 um so
 * that two excellent calibrations never count as worse by noise.
 */
export const WORSE_RMS_FACTOR = 1.2;
const WORSE_RMS_MARGIN_UM = 0.01;

/**
 * Starts a calibration and waits for its report.
 *
 * @param service the controller
 * @param routine a routine (fewer points) or full calibration
 * @param signal stops waiting (the calibration itself carries on)
 * @returns the report, or the supervisor's refusal
 * @throws the signal's reason when aborted while waiting
 */
export function runCalibration(
  service: ScannerService,
  routine: boolean,
  signal?: AbortSignal,
): Promise<CalibrationRun> {
  return new Promise((resolve, reject) => {
    const stop = service.on("calibration.finished", (event) => {
      cleanUp();
      resolve({ accepted: true, report: event.report });
    });
    const onAbort = () => {
      cleanUp();
      reject(signal?.reason);
    };
    const cleanUp = () => {
      stop();
      signal?.removeEventListener("abort", onAbort);
    };
    signal?.addEventListener("abort", onAbort, { once: true });

    const started = service.startCalibration(routine);
    if (!started.accepted) {
      cleanUp();
      resolve({ accepted: false, message: started.message });
    }
  });
}

/**
 * Whether a new calibration is worse than the previous one.
 *
 * @param newRmsUm the new held-out RMS
 * @param previousRmsUm the previous one, if known
 */
export function isWorseCalibration(
  newRmsUm: number | null,
  previousRmsUm: number | null | undefined,
): boolean {
  if (newRmsUm === null || previousRmsUm === null) return false;
  if (previousRmsUm === undefined) return false;
  return newRmsUm > previousRmsUm * WORSE_RMS_FACTOR + WORSE_RMS_MARGIN_UM;
}

/**
 * One line about a finished calibration, for a maintenance record.
 *
 * @param report the calibration's report
 */
export function describeCalibration(report: CalibrationReport): string {
  if (!report.completed) {
    return `calibration failed at ${report.failedStep}: ${report.failure}; the previous calibration stays in force`;
  }
  const rms = report.heldOutRmsUm === null
    ? "no held-out error"
    : `held-out RMS ${report.heldOutRmsUm.toFixed(3)} um`;
  return `calibrated on ${report.points.length} points, ${rms}${
    report.ready
      ? ""
      : ` (not production-ready: ${report.readinessReasons.join("; ")})`
  }`;
}
