/**
 * Alerts as the rest of the lab sees them: the monitor records raises and
 * clears through a store that writes the history and tells the metrics,
 * telemetry and the dashboard's event stream of each change.
 *
 * @module
 */

import type { History } from "../history/history.ts";
import type { ScannerMetrics } from "../monitoring/metrics.ts";
import type { AlertStore } from "../monitoring/monitor_machine.ts";
import type { TelemetryUploader } from "../telemetry/uploader.ts";

/** An alert starting or ending, as the dashboard's feed shows it. */
export interface AlertChange {
  /** Which threshold, e.g. `handoff_time`. */
  kind: string;
  /** What is wrong (or back to normal), in words. */
  message: string;
  /** The measured value. */
  value: number;
  /** The threshold. */
  threshold: number;
  /** Whether the alert starts or ends. */
  state: "raised" | "cleared";
}

/** An active alert as the feed lists it. */
export type ActiveAlert = Omit<AlertChange, "state">;

/**
 * The active alerts and their changes, in the shape the dashboard's event
 * stream takes (`AlertFeed` of `http/events_routes.ts`).
 */
export interface AlertFeed {
  /** The alerts active now. */
  active(): ActiveAlert[];
  /** Calls `handler` on every change; returns the unsubscribe. */
  onChange(handler: (change: AlertChange) => void): () => void;
}

/** Where alert changes go besides the history. */
export interface AlertTargets {
  /** The metrics' `alert_active` gauge. */
  metrics: ScannerMetrics;
  /** Telemetry, when on. */
  telemetry: TelemetryUploader | null;
  /** Wall clock for the telemetry event, epoch ms. */
  wallClockMs: () => number;
}

/**
 * Builds the monitor's alert store over the history and the feed of its
 * changes.
 *
 * @param history the history that keeps the alerts
 * @param targets metrics, telemetry and clock
 * @returns the store for the monitor and the feed for the dashboard
 */
export function createAlertFeed(
  history: Pick<History, "raiseAlert" | "clearAlert" | "activeAlerts">,
  targets: AlertTargets,
): { store: AlertStore; feed: AlertFeed } {
  const listeners = new Set<(change: AlertChange) => void>();
  const tell = (change: AlertChange) => {
    targets.metrics.setActiveAlerts(
      history.activeAlerts().map((active) => active.kind),
    );
    targets.telemetry?.enqueue({
      type: `alert.${change.state}`,
      at: new Date(targets.wallClockMs()).toISOString(),
      kind: change.kind,
      value: change.value,
      threshold: change.threshold,
      message: change.message,
    });
    for (const listener of listeners) listener(change);
  };

  const store: AlertStore = {
    raiseAlert: (alert) => {
      const stored = history.raiseAlert(alert);
      tell({ ...alert, state: "raised" });
      return stored;
    },
    clearAlert: (kind, value, atMs) => {
      const cleared = history.clearAlert(kind, value, atMs);
      if (!cleared) return cleared;
      // The stored alert keeps the raising sentence; the monitor logs the
      // clearing one but does not pass it to the store.
      tell({
        kind,
        value,
        threshold: cleared.threshold,
        message:
          `The ${kind} alert cleared: ${value} is back within ${cleared.threshold}`,
        state: "cleared",
      });
      return cleared;
    },
    activeAlerts: () => history.activeAlerts(),
  };

  const feed: AlertFeed = {
    active: () =>
      history.activeAlerts().map((alert) => ({
        kind: alert.kind,
        message: alert.message,
        value: alert.value,
        threshold: alert.threshold,
      })),
    onChange(handler) {
      listeners.add(handler);
      return () => listeners.delete(handler);
    },
  };
  return { store, feed };
}
