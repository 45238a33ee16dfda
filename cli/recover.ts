/**
 * `main.ts recover [--config FILE] [--with-config] [--json]`: disaster
 * recovery. Takes the newest backup that verifies for this scanner,
 * restores it as `restore` does (the data where the current configuration
 * points; the configuration itself only when its paths agree, or with
 * `--with-config`), brings the system up on the restored calibration
 * (never calibrating on its own) and proves it with one handoff from z 0,
 * which the restored history records.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { BackupError } from "../backup/errors.ts";
import { verifyBackup } from "../backup/manifest.ts";
import {
  newestGoodBackup,
  restoreBackup,
  type RestoredFile,
} from "../backup/restore.ts";
import { listBackups } from "../backup/retention.ts";
import { ScannerService } from "../actors/scanner_service.ts";
import { type ConfigDecision, planRestore } from "../actors/lab_files.ts";
import type { HandoffResult } from "../machines/handoff_types.ts";
import { resolveConfig } from "./config_option.ts";
import { print, printJson, say } from "./output.ts";
import { printRestore, requireConfigFile } from "./restore.ts";

/** Lens-A focus of the proving handoff, um: the middle of the range. */
export const PROOF_Z_SOURCE_UM = 0;

/** What `recover --json` prints. */
export interface RecoveryReport {
  /** The backup restored. */
  backup: string;
  /** Files put back. */
  restored: string[];
  /** Each file of the backup, where it went and what was done. */
  files: RestoredFile[];
  /** Whether the configuration was restored, and why. */
  configuration: ConfigDecision;
  /** The controller's phase after start-up. */
  phase: string;
  /** The proving handoff, when one ran. */
  handoff: HandoffResult | null;
  /** Whether the system is proven to work. */
  recovered: boolean;
  /** Why not, when it is not. */
  problem: string | null;
}

async function describeBackups(location: string, scannerName: string) {
  const lines: string[] = [];
  for (const backup of await listBackups(location)) {
    const { problems } = await verifyBackup(backup.path, { scannerName });
    lines.push(`  ${backup.name}: ${problems.join("; ")}`);
  }
  return lines;
}

/**
 * Recovers the scanner from its newest good backup.
 *
 * @param args command-line arguments after `recover`
 * @returns 0 when the proving handoff succeeded, 1 otherwise
 * @throws {UsageError} on `--with-config` without `--config`
 */
export async function recoverCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string" },
      "with-config": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  requireConfigFile(values);
  let config = await resolveConfig(values.config);
  const location = config.maintenance.backup.location;
  const backup = await newestGoodBackup(location, {
    scannerName: config.system.name,
  });
  if (backup === undefined) {
    const found = await describeBackups(location, config.system.name);
    say(
      found.length === 0
        ? `Cannot recover: there is no backup in ${location}; recovery needs one made by 'main.ts backup' or the service`
        : `Cannot recover: no backup in ${location} is whole and this scanner's; nothing was changed:\n${
          found.join("\n")
        }`,
    );
    return 1;
  }

  let restoration;
  let configuration: ConfigDecision;
  try {
    const plan = await planRestore(config, backup, {
      configFile: values.config,
      withConfig: values["with-config"],
    });
    configuration = plan.configuration;
    restoration = await restoreBackup(backup, plan.targets);
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    say(error.message);
    return 1;
  }
  say(`Restored ${backup}; starting the system`);
  // The configuration itself may have come back from the backup.
  config = await resolveConfig(values.config);

  const service = await ScannerService.start(config, {
    selfCalibrate: false,
    lab: { configFile: values.config, scheduler: false, telemetry: false },
  });
  const report: RecoveryReport = {
    backup,
    restored: restoration.restored,
    files: restoration.files,
    configuration,
    phase: "starting",
    handoff: null,
    recovered: false,
    problem: null,
  };
  try {
    report.phase = await service.whenStarted();
    if (report.phase !== "ready") {
      report.problem = `the controller is ${report.phase}: ${service.notice}`;
    } else {
      const outcome = await service.requestHandoff(PROOF_Z_SOURCE_UM);
      if (outcome.kind === "rejected") {
        report.problem = outcome.message;
      } else {
        report.handoff = outcome.result;
        report.recovered = outcome.result.success;
        report.problem = outcome.result.error?.message ??
          (outcome.result.success ? null : "the handoff did not validate");
      }
    }
  } finally {
    await service.stop();
  }

  if (values.json) {
    printJson(report);
  } else {
    printRestore(report);
    print(`Controller       ${report.phase}`);
    if (report.handoff) {
      const h = report.handoff;
      print(
        `Proof handoff    ${
          h.success ? "succeeded" : "FAILED"
        }: z ${h.z_source} -> ${h.z_target} um in ${h.elapsed_ms} ms, mapping error ${h.mapping_error_um} um`,
      );
    }
    print(
      report.recovered
        ? "Recovered: the system is up and hands off in focus."
        : `NOT recovered: ${report.problem}`,
    );
  }
  return report.recovered ? 0 : 1;
}
