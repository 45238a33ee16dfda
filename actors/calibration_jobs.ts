/**
 * The maintenance jobs that calibrate: the weekly calibration check, the
 * monthly full calibration and the automatic calibration on an interval or
 * a temperature change. See `maintenance_jobs.ts` for the schedule.
 *
 * @module
 */

import { BACKUP_FILES } from "../backup/create.ts";
import type { ScannerService } from "./scanner_service.ts";
import {
  describeCalibration,
  isWorseCalibration,
  runCalibration,
} from "./calibration_runs.ts";
import {
  everyInterval,
  type JobResult,
  type MaintenanceJob,
} from "./maintenance_scheduler.ts";
import type { JobDeps, SchedulerSettings } from "./maintenance_jobs.ts";
import { backupJobRun } from "./backup_job.ts";

const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/** Calibration RMS above which the weekly check recalibrates, um. */
export const RECALIBRATE_RMS_UM = 0.15;
/** Validation points beyond which the weekly check recalibrates. */
export const RECALIBRATE_VALIDATION_POINTS = 100;

/** The calibration jobs and a way to ask for a check out of turn. */
export interface CalibrationJobs {
  /** The jobs, in priority order. */
  jobs: MaintenanceJob[];
  /** Makes the calibration check due at the next pass. */
  requestCheck(): void;
}

/** Midpoint of the calibration's temperatures, or null when uncalibrated. */
function calibrationTemperatureC(service: ScannerService): number | null {
  const range = service.mappingReport()?.calibration.temperature_range_c;
  return range ? (range[0] + range[1]) / 2 : null;
}

/** Wall time of the calibration in force, epoch ms. */
function lastCalibrationAtMs(
  service: ScannerService,
  deps: JobDeps,
): number | undefined {
  const stored = deps.history.lastSuccessfulCalibration()?.atMs;
  if (stored !== undefined) return stored;
  const calibratedAt = service.mappingReport()?.calibration.calibrated_at;
  return calibratedAt ? Date.parse(calibratedAt) : undefined;
}

async function routineCalibration(
  service: ScannerService,
  reason: string,
  signal: AbortSignal,
): Promise<JobResult> {
  const run = await runCalibration(service, true, signal);
  if (!run.accepted) return { outcome: "deferred", detail: run.message };
  return {
    outcome: run.report.completed ? "ok" : "failed",
    detail: `${reason}: ${describeCalibration(run.report)}`,
  };
}

/** Puts a backup's calibration file back in place, atomically. */
async function restoreCalibrationFile(
  backupPath: string,
  calibrationFile: string,
): Promise<void> {
  const staged = `${calibrationFile}.restore-${crypto.randomUUID()}`;
  await Deno.copyFile(`${backupPath}/${BACKUP_FILES.calibration}`, staged);
  await Deno.rename(staged, calibrationFile);
}

/**
 * Builds the calibration jobs.
 *
 * @param service the controller
 * @param deps history, clocks, logger
 * @param settings the scheduler's intervals
 */
export function calibrationJobs(
  service: ScannerService,
  deps: JobDeps,
  settings: SchedulerSettings,
): CalibrationJobs {
  let checkRequested = false;
  const weeklyDue = everyInterval(settings.calibrationCheckIntervalMs);
  const check: MaintenanceJob = {
    name: "weekly_calibration_check",
    isDue: (nowMs, lastMs) => checkRequested || weeklyDue(nowMs, lastMs),
    run(signal) {
      checkRequested = false;
      const report = service.mappingReport();
      if (!report) {
        return Promise.resolve({
          outcome: "skipped",
          detail: "no calibration in force",
        });
      }
      const rmsUm = report.calibration.rms_error_um;
      const points = report.recent_performance.validation_points.length;
      const state = `RMS ${rmsUm.toFixed(3)} um, ${points} validation points`;
      if (
        rmsUm <= RECALIBRATE_RMS_UM && points <= RECALIBRATE_VALIDATION_POINTS
      ) {
        return Promise.resolve({
          outcome: "ok",
          detail: `${state}: no recalibration needed`,
        });
      }
      return routineCalibration(service, state, signal);
    },
  };

  const startedAtMs = deps.wallClockMs();
  let monthlyBackup: { path: string; atMs: number } | null = null;
  const monthly: MaintenanceJob = {
    name: "monthly_full_calibration",
    isDue: (nowMs, lastMs) =>
      nowMs - (lastMs ?? lastCalibrationAtMs(service, deps) ?? startedAtMs) >=
        settings.fullCalibrationIntervalMs,
    async run(signal) {
      const previousRmsUm = deps.history.lastSuccessfulCalibration()
        ?.rmsErrorUm;
      // A run deferred after its backup keeps that backup for an hour.
      if (!monthlyBackup || deps.wallClockMs() - monthlyBackup.atMs > HOUR_MS) {
        const backup = await backupJobRun(service, deps);
        monthlyBackup = { path: backup.path, atMs: deps.wallClockMs() };
      }
      const run = await runCalibration(service, false, signal);
      if (!run.accepted) return { outcome: "deferred", detail: run.message };
      const backupPath = monthlyBackup.path;
      monthlyBackup = null;
      const report = run.report;
      if (!report.completed) {
        return { outcome: "failed", detail: describeCalibration(report) };
      }
      if (!isWorseCalibration(report.heldOutRmsUm, previousRmsUm)) {
        return { outcome: "ok", detail: describeCalibration(report) };
      }
      await restoreCalibrationFile(
        backupPath,
        service.config.paths.calibration_file,
      );
      service.reloadCalibration();
      return {
        outcome: "failed",
        detail: `the new held-out RMS ${
          report.heldOutRmsUm?.toFixed(3)
        } um is worse than the previous ${
          previousRmsUm?.toFixed(3)
        } um: the previous calibration was restored from ${backupPath} and is in force again`,
      };
    },
  };

  const jobs = [check, monthly];
  const auto = service.config.maintenance.auto_calibration;
  if (auto.enable) {
    const temperatureEveryMs = auto.temperature_check_interval_min * MINUTE_MS;
    let lastReadAtMs = startedAtMs;
    const intervalPassed = (nowMs: number) => {
      const lastMs = lastCalibrationAtMs(service, deps);
      return lastMs !== undefined &&
        nowMs - lastMs >= auto.interval_hours * HOUR_MS;
    };
    jobs.push({
      name: "auto_calibration",
      isDue: (nowMs) =>
        intervalPassed(nowMs) || nowMs - lastReadAtMs >= temperatureEveryMs,
      async run(signal) {
        if (intervalPassed(deps.wallClockMs())) {
          return await routineCalibration(
            service,
            `${auto.interval_hours} h since the last calibration`,
            signal,
          );
        }
        const temperatureC = await service.readTemperatureC(signal);
        if (temperatureC === null) {
          return { outcome: "deferred", detail: "the controller is busy" };
        }
        lastReadAtMs = deps.wallClockMs();
        const referenceC = calibrationTemperatureC(service);
        if (referenceC === null) return { outcome: "idle" };
        const changeC = temperatureC - referenceC;
        if (Math.abs(changeC) <= auto.temperature_change_threshold_c) {
          return { outcome: "idle" };
        }
        return await routineCalibration(
          service,
          `temperature ${temperatureC.toFixed(1)} C is ${
            Math.abs(changeC).toFixed(1)
          } C from the calibration's ${referenceC.toFixed(1)} C`,
          signal,
        );
      },
    });
  }
  return {
    jobs,
    requestCheck() {
      checkRequested = true;
    },
  };
}
