/**
 * Alert rules: which thresholds a performance window crosses, with
 * hysteresis so that an alert does not flap while a value hovers at the
 * threshold.
 *
 * An alert is raised when the window's value is worse than the configured
 * threshold and cleared only once it is clearly better:
 *
 * | alert | raised when | cleared when |
 * | --- | --- | --- |
 * | `handoff_time` | mean handoff time > threshold | <= 90 % of threshold |
 * | `mapping_error` | mean mapping error > threshold | <= 90 % of threshold |
 * | `success_rate` | success rate < threshold | >= threshold + 0.01 (at most 1) |
 *
 * A window with fewer than `minHandoffs` handoffs changes nothing, and a
 * value the window cannot give (no mapping errors reported, say) neither
 * raises nor clears its alert.
 *
 * @module
 */

import type { Config } from "../config/schema.ts";
import type { AlertKind, PerformanceStats } from "../history/types.ts";

/** The configured `monitoring.alert_thresholds`. */
export interface AlertThresholds {
  /** Mean handoff time above which to alert. */
  handoffTimeMs: number;
  /** Mean mapping error above which to alert. */
  mappingErrorUm: number;
  /** Success rate below which to alert, 0..1. */
  successRate: number;
}

/** Fraction of a time or error threshold that a value must fall to. */
export const CLEAR_FRACTION = 0.9;
/** How far above its threshold a success rate must climb to clear. */
export const SUCCESS_RATE_CLEAR_MARGIN = 0.01;
/** Fewest handoffs in a window that can raise or clear anything. */
export const DEFAULT_MIN_HANDOFFS = 10;

/** Every alert kind, in the order they are evaluated. */
export const ALERT_KINDS: readonly AlertKind[] = [
  "handoff_time",
  "mapping_error",
  "success_rate",
];

/** One alert that changes state. */
export interface AlertChange {
  /** Which alert. */
  kind: AlertKind;
  /** The window's value. */
  value: number;
  /** The configured threshold. */
  threshold: number;
  /** A sentence for the operator. */
  message: string;
}

/** What one evaluation decided. */
export interface AlertEvaluation {
  /** Alerts to raise now. */
  raise: AlertChange[];
  /** Alerts to clear now. */
  clear: AlertChange[];
  /** Alerts active after this evaluation. */
  active: AlertKind[];
}

/**
 * Reads the thresholds from a configuration.
 *
 * @param config a validated configuration
 */
export function alertThresholdsFromConfig(config: Config): AlertThresholds {
  const thresholds = config.monitoring.alert_thresholds;
  return {
    handoffTimeMs: thresholds.handoff_time_ms,
    mappingErrorUm: thresholds.mapping_error_um,
    successRate: thresholds.success_rate,
  };
}

interface Rule {
  value(stats: PerformanceStats): number | null;
  threshold(thresholds: AlertThresholds): number;
  isBad(value: number, threshold: number): boolean;
  isGood(value: number, threshold: number): boolean;
  describe(value: number, threshold: number, count: number): string;
  describeClear(value: number, threshold: number, count: number): string;
}

const RULES: Record<AlertKind, Rule> = {
  handoff_time: {
    value: (stats) => stats.avgHandoffMs,
    threshold: (thresholds) => thresholds.handoffTimeMs,
    isBad: (value, threshold) => value > threshold,
    isGood: (value, threshold) => value <= threshold * CLEAR_FRACTION,
    describe: (value, threshold, count) =>
      `Mean handoff time ${
        value.toFixed(1)
      } ms over the last ${count} handoffs is above the ${threshold} ms alert threshold`,
    describeClear: (value, threshold, count) =>
      `Mean handoff time is back to ${
        value.toFixed(1)
      } ms over the last ${count} handoffs (alert threshold ${threshold} ms)`,
  },
  mapping_error: {
    value: (stats) => stats.avgMappingErrorUm,
    threshold: (thresholds) => thresholds.mappingErrorUm,
    isBad: (value, threshold) => value > threshold,
    isGood: (value, threshold) => value <= threshold * CLEAR_FRACTION,
    describe: (value, threshold, count) =>
      `Mean mapping error ${
        value.toFixed(2)
      } um over the last ${count} handoffs is above the ${threshold} um alert threshold; check the calibration`,
    describeClear: (value, threshold, count) =>
      `Mean mapping error is back to ${
        value.toFixed(2)
      } um over the last ${count} handoffs (alert threshold ${threshold} um)`,
  },
  success_rate: {
    value: (stats) => stats.successRate,
    threshold: (thresholds) => thresholds.successRate,
    isBad: (value, threshold) => value < threshold,
    // The epsilon keeps 0.98 + 0.01 from landing just above a measured 0.99.
    isGood: (value, threshold) =>
      value >= Math.min(1, threshold + SUCCESS_RATE_CLEAR_MARGIN) - 1e-9,
    describe: (value, threshold, count) =>
      `Handoff success rate ${
        percent(value)
      } over the last ${count} handoffs is below the ${
        percent(threshold)
      } alert threshold`,
    describeClear: (value, threshold, count) =>
      `Handoff success rate is back to ${
        percent(value)
      } over the last ${count} handoffs (alert threshold ${
        percent(threshold)
      })`,
  },
};

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)} %`;
}

/**
 * Decides which alerts to raise and clear for one performance window.
 *
 * @param stats the window, e.g. the last 100 handoffs
 * @param active alerts active before this evaluation
 * @param thresholds the configured thresholds
 * @param minHandoffs fewest handoffs that can change anything; default 10
 * @returns the changes and the alerts active afterwards
 */
export function evaluateAlerts(
  stats: PerformanceStats,
  active: Iterable<AlertKind>,
  thresholds: AlertThresholds,
  minHandoffs: number = DEFAULT_MIN_HANDOFFS,
): AlertEvaluation {
  const activeSet = new Set(active);
  const raise: AlertChange[] = [];
  const clear: AlertChange[] = [];
  if (stats.count < minHandoffs) {
    return {
      raise,
      clear,
      active: ALERT_KINDS.filter((k) => activeSet.has(k)),
    };
  }

  for (const kind of ALERT_KINDS) {
    const rule = RULES[kind];
    const value = rule.value(stats);
    if (value === null) continue;
    const threshold = rule.threshold(thresholds);
    if (!activeSet.has(kind) && rule.isBad(value, threshold)) {
      activeSet.add(kind);
      raise.push({
        kind,
        value,
        threshold,
        message: rule.describe(value, threshold, stats.count),
      });
    } else if (activeSet.has(kind) && rule.isGood(value, threshold)) {
      activeSet.delete(kind);
      clear.push({
        kind,
        value,
        threshold,
        message: rule.describeClear(value, threshold, stats.count),
      });
    }
  }
  return {
    raise,
    clear,
    active: ALERT_KINDS.filter((kind) => activeSet.has(kind)),
  };
}
