/**
 * The routine jobs of a scanner in a lab, after the deployment guide:
 *
 * | job | when | what |
 * | --- | --- | --- |
 * | `daily_health_check` | daily | health score; below 80 asks for a calibration check |
 * | `weekly_calibration_check` | weekly | RMS > 0.15 um or > 100 validation points: routine calibration |
 * | `monthly_full_calibration` | every 30 days after the last calibration | backup, full calibration, previous one back if worse |
 * | `auto_calibration` | `interval_hours` after the last calibration, or a temperature change beyond the threshold | routine calibration |
 * | `backup` | every `backup.interval_hours` | backup with retention |
 *
 * A job never run before is due at once, except the calibrations, which
 * count from the last calibration in the history (or from start).
 *
 * Limits: the supervisor cannot load a calibration file while running, so
 * when the monthly calibration is worse the previous file is put back on
 * disk and takes effect at the next start; the run says so.
 *
 * @module
 */

import { createActor } from "xstate";
import type { Clock } from "../domain/clock.ts";
import type { History } from "../history/history.ts";
import type { LoggerLike } from "../logging/logger_like.ts";
import type { ScannerService } from "./scanner_service.ts";
import type { LabHealth } from "./lab_operations.ts";
import { backupJobRun } from "./backup_job.ts";
import {
  everyInterval,
  type MaintenanceJob,
  type MaintenanceSchedulerActor,
  maintenanceSchedulerMachine,
} from "./maintenance_scheduler.ts";
import { calibrationJobs } from "./calibration_jobs.ts";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** Timings of the scheduler; the guide's by default. */
export interface SchedulerSettings {
  /** Time between looks for due jobs; default 60 s. */
  tickMs: number;
  /** Time between looks at the controller while a job waits; default 1 s. */
  readyPollMs: number;
  /** Interval of the health check; default a day. */
  healthCheckIntervalMs: number;
  /** Interval of the calibration check; default a week. */
  calibrationCheckIntervalMs: number;
  /** Interval of the full calibration; default 30 days. */
  fullCalibrationIntervalMs: number;
}

/** Default {@linkcode SchedulerSettings}. */
export const DEFAULT_SCHEDULER_SETTINGS: SchedulerSettings = {
  tickMs: 60_000,
  readyPollMs: 1000,
  healthCheckIntervalMs: DAY_MS,
  calibrationCheckIntervalMs: 7 * DAY_MS,
  fullCalibrationIntervalMs: 30 * DAY_MS,
};

/** Health score under which the daily check asks for a calibration check. */
export const HEALTH_ALERT_SCORE = 80;

/** What the jobs work with. */
export interface JobDeps {
  /** The history (runs, calibrations, the online copy for backups). */
  history: History;
  /** Clock of the scheduler's ticks and waits. */
  clock: Clock;
  /** Wall clock, epoch ms. */
  wallClockMs: () => number;
  /** Where runs are logged. */
  logger: LoggerLike;
  /** The configuration file, for backups. */
  configFile?: string;
  /** The current health score. */
  health: () => LabHealth;
  /** Timings; the defaults where absent. */
  settings?: Partial<SchedulerSettings>;
}

/**
 * Builds every job the configuration turns on.
 *
 * @param service the controller
 * @param deps history, clocks, logger and settings
 * @returns the jobs in priority order
 */
export function maintenanceJobs(
  service: ScannerService,
  deps: JobDeps,
): MaintenanceJob[] {
  const settings = { ...DEFAULT_SCHEDULER_SETTINGS, ...deps.settings };
  const calibration = calibrationJobs(service, deps, settings);

  const health: MaintenanceJob = {
    name: "daily_health_check",
    isDue: everyInterval(settings.healthCheckIntervalMs),
    run() {
      const report = deps.health();
      const low = report.score < HEALTH_ALERT_SCORE;
      if (low) {
        deps.logger.warn(
          "Health score {score}/100 is below {limit}: checking the calibration",
          { score: report.score, limit: HEALTH_ALERT_SCORE },
        );
        calibration.requestCheck();
      }
      return Promise.resolve({
        outcome: "ok",
        detail: JSON.stringify({
          score: report.score,
          deductions: report.deductions,
          window_handoffs: report.window_handoffs,
          alerts: report.alerts.map((alert) => alert.kind),
        }),
      });
    },
  };

  const jobs = [health, ...calibration.jobs];
  const backup = service.config.maintenance.backup;
  if (backup.enable) {
    jobs.push({
      name: "backup",
      isDue: everyInterval(backup.interval_hours * HOUR_MS),
      run: () => backupJobRun(service, deps),
    });
  }
  return jobs;
}

/**
 * Creates (not starts) the scheduler of a controller's routine jobs.
 *
 * @param service the controller
 * @param deps history, clocks, logger and settings
 * @returns the scheduler actor; `start()` it
 */
export function createMaintenanceScheduler(
  service: ScannerService,
  deps: JobDeps,
): MaintenanceSchedulerActor {
  const settings = { ...DEFAULT_SCHEDULER_SETTINGS, ...deps.settings };
  return createActor(maintenanceSchedulerMachine, {
    clock: deps.clock,
    systemId: "maintenance_scheduler",
    input: {
      jobs: maintenanceJobs(service, deps),
      lastRunAtMs: (job) => deps.history.lastMaintenanceRun(job)?.startedAtMs,
      record: (run) => deps.history.recordMaintenance(run),
      isReady: () => service.phase === "ready",
      wallClockMs: deps.wallClockMs,
      logger: deps.logger,
      tickMs: settings.tickMs,
      readyPollMs: settings.readyPollMs,
    },
  });
}
