/**
 * The diagnostics report `main.ts diagnose` prints and `GET /diagnostics`
 * serves: devices, trend, history and alerts in one object.
 *
 * @module
 */

import type { History } from "../history/history.ts";
import { historyFileError } from "../history/errors.ts";
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
  /** The history database, when there is one and it can be read. */
  history: HistoryFacts | null;
  /** What is wrong with the history file and what to do; null when sound. */
  history_problem: string | null;
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
 * Assembles a report. A history that fails to read is reported in
 * `history_problem` rather than thrown, so the devices are still reported.
 *
 * @param parts the scanner, mode, controller, devices, an open history (or
 *   why there is none) and the service's write cost
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
  historyProblem?: string | null;
  writeCost?: { handoffs: number; meanMs: number | null; maxMs: number };
  now?: Date;
}): DiagnosticsReport {
  const read = readHistory(parts.history, parts.writeCost);
  return {
    scanner: parts.scanner,
    generated_at: (parts.now ?? new Date()).toISOString(),
    mode: parts.mode,
    controller: parts.controller,
    devices: parts.devices,
    devices_ok: parts.devices.every((device) => device.healthy),
    trend: analyzeTrend(read.handoffs),
    history: read.facts,
    history_problem: parts.historyProblem ?? read.problem,
    alerts: read.alerts,
  };
}

function readHistory(
  history: Parameters<typeof diagnosticsReport>[0]["history"],
  writeCost: Parameters<typeof diagnosticsReport>[0]["writeCost"],
) {
  if (!history) {
    return { handoffs: [], facts: null, alerts: [], problem: null };
  }
  try {
    return {
      handoffs: history.recentHandoffs(TREND_WINDOW_HANDOFFS),
      facts: historyFacts(history, writeCost),
      alerts: history.activeAlerts(),
      problem: null,
    };
  } catch (error) {
    const named = historyFileError(history.path, error);
    return {
      handoffs: [],
      facts: null,
      alerts: [],
      problem: named instanceof Error ? named.message : String(named),
    };
  }
}
