/**
 * `main.ts restore [BACKUP] [--config FILE] [--with-config] [--json]`: puts
 * a backup's calibration and history back where the current configuration
 * points. Without BACKUP it takes the newest backup in the backup
 * location. The backup is verified first (manifest, scanner name, every
 * checksum); a damaged or foreign backup is refused and nothing is changed.
 *
 * The backup's configuration replaces the `--config` file only when it
 * names the same data folder, calibration file, log folder and backup
 * location; otherwise it stays in the backup unless `--with-config` is
 * given, and then the data goes where it points. A replaced configuration
 * is kept as `<file>.before-restore-<time>`. Run it with the service
 * stopped.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { BackupError } from "../backup/errors.ts";
import { verifyBackup } from "../backup/manifest.ts";
import { BACKUP_FILES } from "../backup/create.ts";
import { restoreBackup, type RestoreResult } from "../backup/restore.ts";
import { listBackups } from "../backup/retention.ts";
import { type ConfigDecision, planRestore } from "../actors/lab_files.ts";
import { resolveConfig } from "./config_option.ts";
import { print, printJson, say, UsageError } from "./output.ts";

/** What `restore --json` prints. */
export interface RestoreReport extends RestoreResult {
  /** Whether the configuration was restored, and why. */
  configuration: ConfigDecision;
}

/**
 * Prints what a restore put where, and what it did with the configuration.
 *
 * @param report the restore's result and configuration decision
 */
export function printRestore(report: RestoreReport): void {
  const width = Math.max(
    BACKUP_FILES.config.length,
    ...report.files.map((file) => file.file.length),
  );
  const indent = " ".repeat(width + 7);
  const configuration = report.configuration;
  const explainConfiguration = () => {
    if (configuration.differences.length === 0) return;
    if (configuration.action === "restore") {
      print(`${indent}${configuration.reason}`);
    }
    for (const line of configuration.differences) print(`${indent}${line}`);
  };

  print(`Restored ${report.backup}`);
  for (const file of report.files) {
    const name = file.file.padEnd(width);
    if (file.outcome === "unchanged") {
      print(`  ${name}  ${file.target} already holds it; left as it was`);
    } else {
      print(`  ${name}  -> ${file.target}`);
      if (file.kept) {
        print(`${indent}the replaced file is kept as ${file.kept}`);
      }
    }
    if (file.file === BACKUP_FILES.config) explainConfiguration();
  }
  if (configuration.action === "keep") {
    print(
      `  ${
        BACKUP_FILES.config.padEnd(width)
      }  not restored: ${configuration.reason}`,
    );
    explainConfiguration();
  }
}

/**
 * Restores one backup.
 *
 * @param args command-line arguments after `restore`
 * @returns 0 when restored, 1 when refused or failed (nothing changed)
 * @throws {UsageError} on more than one backup argument, or
 *   `--with-config` without `--config`
 */
export async function restoreCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: "string" },
      "with-config": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  requireConfigFile(values);
  if (positionals.length > 1) {
    throw new UsageError(
      `restore takes one backup directory, got ${positionals.length}: ${
        positionals.join(" ")
      }`,
    );
  }
  const config = await resolveConfig(values.config);
  const location = config.maintenance.backup.location;
  const backup = positionals[0] ?? (await listBackups(location))[0]?.path;
  if (backup === undefined) {
    say(
      `Cannot restore: there is no backup in ${location}; name one with 'main.ts restore BACKUP' or make one with 'main.ts backup'`,
    );
    return 1;
  }

  const verification = await verifyBackup(backup, {
    scannerName: config.system.name,
  });
  if (!verification.ok) {
    say(
      `Cannot restore ${backup}: the backup is damaged or not this scanner's; nothing was changed:\n${
        verification.problems.map((problem) => `  - ${problem}`).join("\n")
      }`,
    );
    return 1;
  }

  try {
    const plan = await planRestore(config, backup, {
      configFile: values.config,
      withConfig: values["with-config"],
    });
    const report: RestoreReport = {
      ...await restoreBackup(backup, plan.targets),
      configuration: plan.configuration,
    };
    if (values.json) {
      printJson(report);
    } else {
      printRestore(report);
      print("Start the service to use it.");
    }
    return 0;
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    say(error.message);
    return 1;
  }
}

/**
 * Refuses `--with-config` without a file to restore the configuration into.
 *
 * @param values the parsed `--config` and `--with-config`
 * @throws {UsageError} when `--with-config` comes without `--config`
 */
export function requireConfigFile(
  values: { config?: string; "with-config"?: boolean },
): void {
  if (values["with-config"] && values.config === undefined) {
    throw new UsageError(
      "--with-config restores the backup's configuration into the --config file: name that file with --config FILE",
    );
  }
}
