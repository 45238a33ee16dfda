/**
 * `main.ts diagnose [--config FILE] [--json]`: opens and initialises each
 * configured device and says how it did, with the likely fix for a failure
 * (permissions, wrong port, wrong baud rate, not answering), then reads the
 * history for the performance trend, after checking that its file is
 * sound. Run it with the service stopped: two
 * processes on one serial port take each other's replies. A running
 * service answers the same questions at `GET /diagnostics`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type History, openHistory } from "../history/history.ts";
import { damagedHistoryAdvice, HistoryFileError } from "../history/errors.ts";
import { historyPath } from "../actors/lab_files.ts";
import { probeDevices } from "../actors/diagnostics.ts";
import {
  type DiagnosticsReport,
  diagnosticsReport,
} from "../actors/diagnostics_report.ts";
import { resolveConfig } from "./config_option.ts";
import { print, printJson } from "./output.ts";

/** The history, when there is one, or why it cannot be used. */
interface HistoryOpening {
  history: History | null;
  problem: string | null;
}

async function openIfPresent(path: string): Promise<HistoryOpening> {
  try {
    await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return { history: null, problem: null };
    }
    throw error;
  }
  let history: History;
  try {
    history = openHistory(path);
  } catch (error) {
    if (!(error instanceof HistoryFileError)) throw error;
    return { history: null, problem: error.message };
  }
  try {
    const problems = history.integrityProblems(3);
    if (problems.length === 0) return { history, problem: null };
    history.close();
    return {
      history: null,
      problem: `The history database ${path} is damaged (${
        problems.join("; ")
      }); ${damagedHistoryAdvice(path)}`,
    };
  } catch (error) {
    history.close();
    if (!(error instanceof HistoryFileError)) throw error;
    return { history: null, problem: error.message };
  }
}

function printReport(report: DiagnosticsReport): void {
  print(`Diagnostics of ${report.scanner} at ${report.generated_at}`);
  print("Devices:");
  for (const d of report.devices) {
    const where = d.port ? ` on ${d.port} at ${d.baud_rate} baud` : "";
    const took = d.elapsed_ms === null ? "" : ` (${d.elapsed_ms} ms)`;
    print(
      `  ${
        d.healthy ? "OK  " : "FAIL"
      } ${d.device}: ${d.driver}${where}${took}`,
    );
    if (d.healthy) continue;
    print(`       problem: ${d.problem}`);
    if (d.error) print(`       error:   ${d.error}`);
    if (d.likely_fix) print(`       fix:     ${d.likely_fix}`);
  }
  const trend = report.trend;
  print(`Performance trend: ${trend.trend}`);
  print(`  primary cause:      ${trend.primary_cause}`);
  print(`  recommended action: ${trend.recommendation}`);
  for (const change of trend.changes) print(`  ${change}`);
  if (report.history_problem) {
    print(`History: DAMAGED: ${report.history_problem}`);
  } else if (report.history) {
    const h = report.history;
    print(
      `History: ${
        h.rows.handoffs ?? 0
      } handoffs in ${h.path} (${h.database_bytes} bytes, WAL ${h.wal_bytes} bytes)`,
    );
  } else {
    print("History: none yet");
  }
  for (const alert of report.alerts) print(`Active alert: ${alert.message}`);
}

/**
 * Probes the devices and analyses the history.
 *
 * @param args command-line arguments after `diagnose`
 * @returns 0 when every device is healthy and the history (if any) is
 *   sound, 1 otherwise; a damaged history is reported, not thrown
 */
export async function diagnoseCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const config = await resolveConfig(values.config);
  const devices = await probeDevices(config, { configFile: values.config });
  const { history, problem } = await openIfPresent(historyPath(config));
  let report: DiagnosticsReport;
  try {
    report = diagnosticsReport({
      scanner: config.system.name,
      mode: "probe",
      controller: null,
      devices,
      history,
      historyProblem: problem,
    });
  } finally {
    history?.close();
  }
  if (values.json) printJson(report);
  else printReport(report);
  return report.devices_ok && report.history_problem === null ? 0 : 1;
}
