/**
 * Running the controller in a lab: every handoff, search, calibration,
 * alert and maintenance run goes into the history; the monitor raises and
 * clears alerts; the metrics follow handoffs, device states, alerts and the
 * calibration's age; telemetry uploads handoff summaries when configured;
 * old history is pruned in small steps; the maintenance scheduler runs the
 * routine jobs.
 *
 * Its timers run on their own clock (the service's by default), so a test
 * can drive the devices on a simulated clock and the lab's days by hand.
 *
 * @module
 */

import { type Actor, createActor } from "xstate";
import type { Clock } from "../domain/clock.ts";
import { type History, openHistory } from "../history/history.ts";
import { historyFileError } from "../history/errors.ts";
import type { StoredAlert } from "../history/types.ts";
import type { LoggerLike } from "../logging/logger_like.ts";
import { getLogger } from "../logging/configure.ts";
import {
  ALERT_KINDS,
  alertThresholdsFromConfig,
} from "../monitoring/alerts.ts";
import { type HealthScore, healthScore } from "../monitoring/health_score.ts";
import {
  createMetricsRegistry,
  type ScannerMetrics,
} from "../monitoring/metrics.ts";
import { monitorMachine } from "../monitoring/monitor_machine.ts";
import {
  createTelemetryUploader,
  type TelemetryUploader,
} from "../telemetry/uploader.ts";
import { telemetryOptionsFromConfig } from "../telemetry/from_config.ts";
import type { PerformanceStats } from "./performance_stats.ts";
import type { ScannerService } from "./scanner_service.ts";
import { performanceFromHistory } from "./history_recorder.ts";
import { type AlertFeed, createAlertFeed } from "./alert_feed.ts";
import { stateName, watchDeviceStates } from "./device_state_watch.ts";
import { serviceDeviceReports } from "./diagnostics.ts";
import {
  type DiagnosticsReport,
  diagnosticsReport,
} from "./diagnostics_report.ts";
import { historyPath } from "./lab_files.ts";
import { recordServiceEvents, type WriteCost } from "./service_recording.ts";
import {
  createMaintenanceScheduler,
  type SchedulerSettings,
} from "./maintenance_jobs.ts";
import type { MaintenanceSchedulerActor } from "./maintenance_scheduler.ts";
import { startPruning } from "./history_pruning.ts";

/** Handoffs `/stats` and `/health` summarise, newest first. */
export const STATS_WINDOW_HANDOFFS = 1000;

/** Options of {@linkcode LabOperations.start}; every field has a default. */
export interface LabOperationsOptions {
  /** History to record into (the caller closes it); default: opened at `${paths.data_dir}/history.sqlite` and closed on stop. */
  history?: History;
  /** Clock of the monitor, scheduler, pruning and telemetry; default the service's. */
  clock?: Clock;
  /** Wall clock, epoch ms, for record times; default `Date.now`. */
  wallClockMs?: () => number;
  /** Makes the logger of a category below `autofocus`; default logtape's. */
  logger?: (category: string[]) => LoggerLike;
  /** The configuration file the service runs on, for backups; none on the default. */
  configFile?: string;
  /** Run the maintenance scheduler (or with these settings); default true. */
  scheduler?: boolean | Partial<SchedulerSettings>;
  /** Upload telemetry when the configuration turns it on; default true. */
  telemetry?: boolean;
  /** HTTP client of the telemetry; default `fetch`. */
  fetch?: typeof fetch;
  /** Fewest handoffs in a window that can raise or clear an alert; default 10. */
  minHandoffsForAlerts?: number;
}

/** `/health`'s view of the lab: score, deductions and active alerts. */
export interface LabHealth extends HealthScore {
  /** Handoffs the score was computed over. */
  window_handoffs: number;
  /** Alerts not yet cleared, oldest first. */
  alerts: StoredAlert[];
}

/** The lab operations of one running controller. */
export class LabOperations {
  /** The history everything is recorded in. */
  readonly history: History;
  /** The Prometheus metrics. */
  readonly metrics: ScannerMetrics;
  /** The monitor actor (alerts). */
  readonly monitor: Actor<typeof monitorMachine>;
  /** The maintenance scheduler, when running. */
  readonly scheduler: MaintenanceSchedulerActor | null;
  /**
   * The active alerts and their changes, for the dashboard's event stream
   * (`AlertFeed` of `http/events_routes.ts`).
   */
  readonly alerts: AlertFeed;
  /** The telemetry uploader, when telemetry is on. */
  readonly telemetry: TelemetryUploader | null;
  /** Wall clock, epoch ms. */
  readonly wallClockMs: () => number;
  readonly #service: ScannerService;
  readonly #ownsHistory: boolean;
  readonly #stops: (() => void)[] = [];
  readonly #writeCost: WriteCost;
  readonly #deviceErrors = new Map<string, string>();
  #performance: PerformanceStats | null = null;
  /** Handoffs in the history, kept without counting the table each time. */
  #totalHandoffs: number;
  #stopped = false;

  private constructor(service: ScannerService, options: LabOperationsOptions) {
    const config = service.config;
    const clock = options.clock ?? service.clock;
    const logger = options.logger ?? getLogger;
    this.#service = service;
    this.wallClockMs = options.wallClockMs ?? Date.now;
    this.#ownsHistory = options.history === undefined;
    if (this.#ownsHistory) {
      Deno.mkdirSync(config.paths.data_dir, { recursive: true });
    }
    this.history = options.history ?? openHistory(
      historyPath(config),
      {
        retentionDays: config.monitoring.history_retention_days,
        wallClockMs: this.wallClockMs,
      },
    );
    this.#totalHandoffs = this.#countHandoffs();
    this.metrics = createMetricsRegistry({
      wallClockMs: this.wallClockMs,
      defaultLabels: { scanner: config.system.name },
    });

    const telemetryOptions = options.telemetry === false
      ? null
      : telemetryOptionsFromConfig(config, {
        clock,
        logger: logger(["telemetry"]),
      });
    this.telemetry = telemetryOptions
      ? createTelemetryUploader({ ...telemetryOptions, fetch: options.fetch })
      : null;

    const alertFeed = createAlertFeed(this.history, {
      metrics: this.metrics,
      telemetry: this.telemetry,
      wallClockMs: this.wallClockMs,
    });
    this.alerts = alertFeed.feed;
    this.monitor = createActor(monitorMachine, {
      clock,
      input: {
        readStats: () =>
          this.history.performance({
            lastHandoffs: config.monitoring.alert_window_handoffs,
          }),
        thresholds: alertThresholdsFromConfig(config),
        alertStore: alertFeed.store,
        logger: logger(["monitor"]),
        checkIntervalMs: config.monitoring.check_interval_s * 1000,
        minHandoffs: options.minHandoffsForAlerts,
        budgets: this.#budgets(),
        onCheck: (check) => this.metrics.setActiveAlerts(check.active),
      },
    });

    this.#writeCost = { handoffs: 0, totalMs: 0, maxMs: 0 };
    this.#stops.push(recordServiceEvents(service, {
      history: this.history,
      metrics: this.metrics,
      telemetry: this.telemetry,
      logger: logger(["controller"]),
      wallClockMs: this.wallClockMs,
      writeCost: this.#writeCost,
      deviceErrors: this.#deviceErrors,
      onHandoffRecorded: () => {
        this.#totalHandoffs++;
        this.#performance = null;
      },
    }));
    this.#stops.push(watchDeviceStates(
      service.supervisor,
      () => service.phase,
      (device, state) => this.metrics.setDeviceState(device, state),
    ));
    this.#stops.push(startPruning(this.history, {
      clock,
      isIdle: () => service.phase !== "busy",
      logger: logger(["history"]),
      wallClockMs: this.wallClockMs,
      onPruned: () => {
        this.#totalHandoffs = this.#countHandoffs();
        this.#performance = null;
      },
    }));

    const calibrated = service.mappingReport()?.calibration.calibrated_at;
    if (calibrated) this.metrics.setCalibrationTime(Date.parse(calibrated));
    // Every kind once, so each alert has a series (0) before it first fires.
    this.metrics.setActiveAlerts(ALERT_KINDS);
    this.metrics.setActiveAlerts(
      this.history.activeAlerts().map((alert) => alert.kind),
    );

    this.scheduler = options.scheduler === false ? null : (
      createMaintenanceScheduler(service, {
        history: this.history,
        clock,
        wallClockMs: this.wallClockMs,
        logger: logger(["maintenance"]),
        configFile: options.configFile,
        health: () => this.health(),
        settings: typeof options.scheduler === "object"
          ? options.scheduler
          : {},
      })
    );
  }

  /**
   * Starts the lab operations of a running controller.
   *
   * @param service the controller, freshly started
   * @param options history, clocks, logger and switches
   * @returns the running operations; `stop()` them before the service
   * @throws {HistoryFileError} when the history database is damaged or
   *   cannot be opened
   */
  static start(
    service: ScannerService,
    options: LabOperationsOptions = {},
  ): LabOperations {
    const lab = new LabOperations(service, options);
    lab.monitor.start();
    const scheduler = lab.scheduler;
    if (scheduler) {
      scheduler.start();
      // After the emitting transition has settled, so the phase reads ready.
      lab.#stops.push(service.on("status.changed", (event) => {
        if (event.phase !== "ready") return;
        queueMicrotask(() => scheduler.send({ type: "controller.ready" }));
      }));
    }
    return lab;
  }

  /** The contract's performance figures over the newest handoffs. */
  performance(): PerformanceStats {
    this.#performance ??= performanceFromHistory(
      this.history,
      STATS_WINDOW_HANDOFFS,
      this.#totalHandoffs,
    );
    return this.#performance;
  }

  /** The health score of the alert window, with deductions and alerts. */
  health(): LabHealth {
    const window = this.#service.config.monitoring.alert_window_handoffs;
    const stats = this.history.performance({ lastHandoffs: window });
    return {
      ...healthScore(stats, this.#budgets()),
      window_handoffs: stats.count,
      alerts: this.history.activeAlerts(),
    };
  }

  /** Asks the monitor to check the alerts now rather than at its interval. */
  checkAlertsNow(): void {
    this.monitor.send({ type: "monitor.check" });
  }

  /** Time the history writes of each handoff took, for diagnostics. */
  writeCost(): WriteCost & { meanMs: number | null } {
    const cost = this.#writeCost;
    return {
      ...cost,
      meanMs: cost.handoffs === 0 ? null : cost.totalMs / cost.handoffs,
    };
  }

  /** Devices, trend, history and alerts of the running controller. */
  diagnostics(): DiagnosticsReport {
    const service = this.#service;
    const stateOf = (systemId: string) => {
      const ref = service.supervisor.system.get(systemId);
      return ref ? stateName(ref.getSnapshot().value) : undefined;
    };
    return diagnosticsReport({
      scanner: service.config.system.name,
      mode: "running",
      controller: { phase: service.phase, notice: service.notice },
      devices: serviceDeviceReports(service.config, {
        phase: service.phase,
        notice: service.notice,
        states: {
          turret: stateOf("turret"),
          focus_motor: stateOf("focus_motor"),
        },
        lastErrors: Object.fromEntries(this.#deviceErrors),
      }),
      history: this.history,
      writeCost: this.writeCost(),
      now: new Date(this.wallClockMs()),
    });
  }

  /** Stops every timer and listener, flushes telemetry, closes the history. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.scheduler?.stop();
    this.monitor.stop();
    for (const stop of this.#stops) stop();
    await this.telemetry?.close();
    if (this.#ownsHistory) this.history.close();
  }

  /** Counts the handoffs; the first full read of the tables at start-up. */
  #countHandoffs(): number {
    try {
      return this.history.counts().handoffs;
    } catch (error) {
      if (this.#ownsHistory) this.history.close();
      throw historyFileError(this.history.path, error);
    }
  }

  #budgets() {
    const performance = this.#service.config.performance;
    return {
      handoffBudgetMs: performance.max_handoff_time_ms,
      mappingBudgetUm: performance.max_mapping_error_um,
    };
  }
}
