/**
 * The monitor: every check interval it reads a performance window, decides
 * which alerts to raise or clear, records them in the history and logs
 * them. Alerts active in the history when it starts stay active, so a
 * restart neither forgets nor repeats an alert.
 *
 * It checks once on start, then after each `checkInterval`; the event
 * `monitor.check` asks for a check now. A failed read or write is logged
 * and the monitor carries on at the next interval.
 *
 * @module
 */

import { assign, fromPromise, setup } from "xstate";
import type { History } from "../history/history.ts";
import type { AlertKind, PerformanceStats } from "../history/types.ts";
import type { LoggerLike } from "../logging/logger_like.ts";
import {
  type AlertEvaluation,
  type AlertThresholds,
  DEFAULT_MIN_HANDOFFS,
  evaluateAlerts,
} from "./alerts.ts";
import {
  type HealthBudgets,
  type HealthScore,
  healthScore,
} from "./health_score.ts";

/** Where alerts are kept: the history database, or a test's fake. */
export type AlertStore = Pick<
  History,
  "raiseAlert" | "clearAlert" | "activeAlerts"
>;

/** What the monitor machine starts with. */
export interface MonitorInput {
  /** Reads the sliding window, e.g. `history.performance({ lastHandoffs: 100 })`. */
  readStats: () => PerformanceStats | Promise<PerformanceStats>;
  /** The configured alert thresholds. */
  thresholds: AlertThresholds;
  /** Where raised and cleared alerts are recorded. */
  alertStore: AlertStore;
  /** Where alerts and failures are logged (`autofocus.monitor`). */
  logger: LoggerLike;
  /** Time between checks; default 60 000 ms. */
  checkIntervalMs?: number;
  /** Fewest handoffs in a window that can change an alert; default 10. */
  minHandoffs?: number;
  /** Budgets for the health score; the guide's by default. */
  budgets?: HealthBudgets;
  /** Called after each good check, e.g. to update the metrics' gauges. */
  onCheck?: (check: MonitorCheck) => void;
}

/** What one good check found, as passed to `onCheck`. */
export interface MonitorCheck {
  /** The window read. */
  stats: PerformanceStats;
  /** Its health score. */
  health: HealthScore;
  /** Alerts active after the check. */
  active: AlertKind[];
}

/** The monitor machine's context. */
export interface MonitorContext extends MonitorInput {
  /** Time between checks. */
  checkIntervalMs: number;
  /** Alerts active now. */
  active: AlertKind[];
  /** The window of the last successful check. */
  stats: PerformanceStats | null;
  /** The health score of that window. */
  health: HealthScore | null;
  /** What the last check changed. */
  lastEvaluation: AlertEvaluation | null;
  /** Why the last check failed; null after a good one. */
  lastError: string | null;
  /** Checks completed, good or failed. */
  checks: number;
}

/** Events the monitor machine accepts. */
export type MonitorEvent = { type: "monitor.check" };

/** The default time between checks. */
export const DEFAULT_CHECK_INTERVAL_MS = 60_000;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Reads the performance window. */
const readStats = fromPromise<
  PerformanceStats,
  { readStats: MonitorInput["readStats"] }
>(async ({ input }) => await input.readStats());

/** The monitor machine; give it its dependencies through `input`. */
export const monitorMachine = setup({
  types: {
    context: {} as MonitorContext,
    input: {} as MonitorInput,
    events: {} as MonitorEvent,
  },
  actors: { readStats },
  delays: {
    checkInterval: ({ context }) => context.checkIntervalMs,
  },
  actions: {
    evaluate: assign(({ context }, params: { stats: PerformanceStats }) => {
      const evaluation = evaluateAlerts(
        params.stats,
        context.active,
        context.thresholds,
        context.minHandoffs ?? DEFAULT_MIN_HANDOFFS,
      );
      return {
        stats: params.stats,
        health: healthScore(params.stats, context.budgets),
        active: evaluation.active,
        lastEvaluation: evaluation,
        lastError: null,
        checks: context.checks + 1,
      };
    }),
    recordAlertChanges: ({ context }) => {
      const evaluation = context.lastEvaluation;
      if (!evaluation) return;
      for (const change of evaluation.raise) {
        context.logger.warn(change.message, {
          alert: change.kind,
          value: change.value,
          threshold: change.threshold,
        });
        try {
          context.alertStore.raiseAlert(change);
        } catch (error) {
          context.logger.error(
            "Cannot record the {alert} alert in the history: {cause}",
            { alert: change.kind, cause: describe(error) },
          );
        }
      }
      for (const change of evaluation.clear) {
        context.logger.info(change.message, {
          alert: change.kind,
          value: change.value,
          threshold: change.threshold,
        });
        try {
          context.alertStore.clearAlert(change.kind, change.value);
        } catch (error) {
          context.logger.error(
            "Cannot record the end of the {alert} alert in the history: {cause}",
            { alert: change.kind, cause: describe(error) },
          );
        }
      }
    },
    notifyCheck: ({ context }) => {
      if (!context.onCheck || !context.stats || !context.health) return;
      try {
        context.onCheck({
          stats: context.stats,
          health: context.health,
          active: context.active,
        });
      } catch (error) {
        context.logger.error("The monitor's onCheck callback failed: {cause}", {
          cause: describe(error),
        });
      }
    },
    logCheck: ({ context }) => {
      context.logger.debug(
        "Performance over {count} handoffs: health {score}/100",
        { count: context.stats?.count, score: context.health?.score },
      );
    },
    recordFailure: assign(({ context }, params: { error: unknown }) => ({
      lastError: describe(params.error),
      checks: context.checks + 1,
    })),
    logFailure: ({ context }) => {
      context.logger.error(
        "Cannot check performance: {cause}; trying again at the next check",
        { cause: context.lastError },
      );
    },
  },
}).createMachine({
  id: "monitor",
  context: ({ input }) => ({
    ...input,
    checkIntervalMs: input.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS,
    active: input.alertStore.activeAlerts().map((alert) => alert.kind),
    stats: null,
    health: null,
    lastEvaluation: null,
    lastError: null,
    checks: 0,
  }),
  initial: "checking",
  states: {
    waiting: {
      after: { checkInterval: "checking" },
      on: { "monitor.check": "checking" },
    },
    checking: {
      invoke: {
        src: "readStats",
        input: ({ context }) => ({ readStats: context.readStats }),
        onDone: {
          target: "waiting",
          actions: [
            {
              type: "evaluate",
              params: ({ event }) => ({ stats: event.output }),
            },
            "recordAlertChanges",
            "notifyCheck",
            "logCheck",
          ],
        },
        onError: {
          target: "waiting",
          actions: [
            {
              type: "recordFailure",
              params: ({ event }) => ({ error: event.error }),
            },
            "logFailure",
          ],
        },
      },
    },
  },
});
