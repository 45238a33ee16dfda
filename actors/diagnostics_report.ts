/**
 * The diagnostics report `main.ts diagnose` prints and `GET /diagnostics`
 * serves: devices, trend, history and alerts in one object.
 *
 * @module
 */

import type { History } from "../history/history.ts";
import type { StoredAlert } from "../history/types.ts";
import type { DeviceReport } from "./diagnostics.ts";
import { analyzeTrend, type TrendAnalysis } from "./trend_analysis.ts";

/** Handoffs the trend analysis reads, newest. */
export const TREND_WINDOW_HANDOFFS = 500;

/** Facts about the history database. */
export interface HistoryFacts {
  /** The database file. */
  path: string;
  /** Its size. */
  database_bytes: number;
  /** Its write-ahead log's size. */
  wal_bytes: number;
  /** Rows per table. */
  rows: Record<string, number>;
  /** Time the history writes of each handoff took in this process. */
  write_cost?: {
    handoffs: number;
    mean_ms: number | null;
    max_ms: number;
  };
}

/** The whole report. */
export interface DiagnosticsReport {
  /** `system.name`. */
  scanner: string;
  /** When it was made, ISO 8601. */
  generated_at: string;
  /** `probe`: devices opened by the command; `running`: read from the service. */
  mode: "probe" | "running";
  /** The controller's phase and notice, when running. */
  controller: { phase: string; notice: string | null } | null;
  /** Each device. */
  devices: DeviceReport[];
  /** Whether every device is healthy. */
  devices_ok: boolean;
  /** The performance trend from the history. */
  trend: TrendAnalysis;
  /** The history database, when there is one. */
  history: HistoryFacts | null;
  /** Alerts not yet cleared. */
  alerts: StoredAlert[];
}

/**
 * Facts about an open history.
 *
 * @param history the open history
 * @param writeCost the per-handoff write cost measured by the service
 */
export function historyFacts(
  history: Pick<History, "path" | "size" | "counts">,
  writeCost?: { handoffs: number; meanMs: number | null; maxMs: number },
): HistoryFacts {
  const size = history.size();
  const facts: HistoryFacts = {
    path: history.path,
    database_bytes: size.databaseBytes,
    wal_bytes: size.walBytes,
    rows: history.counts(),
  };
  if (writeCost) {
    facts.write_cost = {
      handoffs: writeCost.handoffs,
      mean_ms: writeCost.meanMs,
      max_ms: writeCost.maxMs,
    };
  }
  return facts;
}

/**
 * Assembles a report.
 *
 * @param parts the scanner, mode, controller, devices and an open history
 * @returns the report; trend "insufficient_data" without a history
 */
export function diagnosticsReport(parts: {
  scanner: string;
  mode: DiagnosticsReport["mode"];
  controller: DiagnosticsReport["controller"];
  devices: DeviceReport[];
  history:
    | Pick<
      History,
      "path" | "size" | "counts" | "recentHandoffs" | "activeAlerts"
    >
    | null;
  writeCost?: { handoffs: number; meanMs: number | null; maxMs: number };
  now?: Date;
}): DiagnosticsReport {
  const history = parts.history;
  return {
    scanner: parts.scanner,
    generated_at: (parts.now ?? new Date()).toISOString(),
    mode: parts.mode,
    controller: parts.controller,
    devices: parts.devices,
    devices_ok: parts.devices.every((device) => device.healthy),
    trend: analyzeTrend(
      history ? history.recentHandoffs(TREND_WINDOW_HANDOFFS) : [],
    ),
    history: history ? historyFacts(history, parts.writeCost) : null,
    alerts: history ? history.activeAlerts() : [],
  };
}
