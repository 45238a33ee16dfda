/**
 * `main.ts restore [BACKUP] [--config FILE] [--json]`: puts a backup's
 * calibration, history and (with `--config`) configuration back in place.
 * Without BACKUP it takes the newest backup in the backup location. The
 * backup is verified first (manifest, scanner name, every checksum); a
 * damaged or foreign backup is refused and nothing is changed. Run it with
 * the service stopped.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { BackupError } from "../backup/errors.ts";
import { verifyBackup } from "../backup/manifest.ts";
import { restoreBackup } from "../backup/restore.ts";
import { listBackups } from "../backup/retention.ts";
import { restoreTargetsFromConfig } from "../actors/lab_files.ts";
import { resolveConfig } from "./config_option.ts";
import { print, printJson, say, UsageError } from "./output.ts";

/**
 * Restores one backup.
 *
 * @param args command-line arguments after `restore`
 * @returns 0 when restored, 1 when refused or failed (nothing changed)
 * @throws {UsageError} on more than one backup argument
 */
export async function restoreCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
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
    const result = await restoreBackup(
      backup,
      restoreTargetsFromConfig(config, values.config),
    );
    if (values.json) {
      printJson(result);
    } else {
      print(`Restored ${result.backup}`);
      for (const target of result.restored) print(`  ${target}`);
      print("Start the service to use it.");
    }
    return 0;
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    say(error.message);
    return 1;
  }
}
