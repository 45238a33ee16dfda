/**
 * `main.ts calibrate`: the calibration procedure with a progress bar and a
 * readable report at the end.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { ScannerService } from "../actors/scanner_service.ts";
import type { CalibrationReport } from "../machines/calibration_machine.ts";
import { resolveConfig } from "./config_option.ts";
import { fail, print, printJson, say } from "./output.ts";

const BAR_WIDTH = 30;

function progressBar(fraction: number, message: string): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * BAR_WIDTH);
  return `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${
    Math.round(fraction * 100).toString().padStart(3)
  }% ${message}`;
}

function printReport(report: CalibrationReport, file: string): void {
  print(report.completed ? "Calibration complete" : "Calibration FAILED");
  for (const check of report.hardware) {
    print(`  ${check.pass ? "PASS" : "FAIL"} ${check.device}: ${check.detail}`);
  }
  for (const lens of report.lenses) {
    print(
      `  lens ${lens.lens}: range ${lens.zRangeUm[0].toFixed(2)}..${
        lens.zRangeUm[1].toFixed(2)
      } um, speed ${lens.speedUmPerS.toFixed(1)} um/s`,
    );
  }
  print(`  points collected: ${report.points.length}`);
  if (report.heldOutRmsUm !== null) {
    print(
      `  held-out error: RMS ${report.heldOutRmsUm.toFixed(3)} um, max ${
        report.heldOutMaxUm!.toFixed(3)
      } um`,
    );
  }
  if (report.performance) {
    const p = report.performance;
    print(
      `  validation: ${p.handoffs} handoffs, avg ${
        p.avgHandoffTimeMs.toFixed(1)
      } ms, success ${(p.successRate * 100).toFixed(1)}%, within target ${
        (p.targetMetRate * 100).toFixed(1)
      }%`,
    );
  }
  if (report.failure) {
    print(`  failed at ${report.failedStep}: ${report.failure}`);
  }
  if (report.completed) {
    print(
      `  saved to ${file}${
        report.backupPath ? ` (previous kept as ${report.backupPath})` : ""
      }`,
    );
    print(
      report.ready
        ? "  Ready for production."
        : `  Not ready for production: ${report.readinessReasons.join("; ")}`,
    );
  }
}

/**
 * Runs a full (or `--routine`) calibration.
 *
 * @param args command-line arguments after `calibrate`
 * @returns 0 when the calibration completed, 1 otherwise
 */
export async function calibrateCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string" },
      routine: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  const config = await resolveConfig(values.config);
  const service = await ScannerService.start(config, { selfCalibrate: false });
  try {
    const phase = await service.whenStarted();
    if (phase === "fault") {
      return fail(`Cannot calibrate: ${service.notice}`, values.json);
    }
    const finished = service.nextCalibrationReport();
    const stopProgress = service.on("calibration.progress", (event) => {
      if (!values.json) {
        say(progressBar(event.progress.fraction, event.progress.message));
      }
    });
    const started = service.startCalibration(values.routine);
    if (!started.accepted) {
      return fail(started.message, values.json);
    }
    const report = await finished;
    stopProgress();
    if (values.json) {
      printJson({
        ...report,
        mapping: report.mapping?.report(new Date()) ?? null,
      });
    } else {
      printReport(report, config.paths.calibration_file);
    }
    return report.completed ? 0 : 1;
  } finally {
    await service.stop();
  }
}
