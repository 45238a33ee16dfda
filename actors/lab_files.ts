/**
 * Where the lab's files are for a configuration: the history database,
 * and the backup and restore settings shared by the maintenance scheduler
 * and the `backup`, `restore` and `recover` commands.
 *
 * @module
 */

import type { Config } from "../config/schema.ts";
import type { CreateBackupOptions } from "../backup/create.ts";
import type { RestoreTargets } from "../backup/restore.ts";
import type { History } from "../history/history.ts";

/** The history database's file inside `paths.data_dir`. */
export const HISTORY_FILE = "history.sqlite";

/**
 * The history database's path for a configuration.
 *
 * @param config a validated configuration
 */
export function historyPath(config: Config): string {
  return `${config.paths.data_dir}/${HISTORY_FILE}`;
}

/**
 * What {@linkcode createBackup} needs to back up this scanner.
 *
 * @param config a validated configuration
 * @param deps the open history, the configuration file, the wall clock
 * @returns the options, with `maintenance.backup` retention
 */
export function backupOptionsFromConfig(
  config: Config,
  deps: {
    history: Pick<History, "backupTo">;
    configFile?: string;
    now?: () => Date;
  },
): CreateBackupOptions {
  const backup = config.maintenance.backup;
  return {
    location: backup.location,
    scannerName: config.system.name,
    calibrationFile: config.paths.calibration_file,
    configFile: deps.configFile,
    history: deps.history,
    logDir: config.paths.log_dir,
    retention: { days: backup.retention_days, maxCount: backup.max_count },
    now: deps.now,
  };
}

/**
 * Where a restore puts each file of a backup for this scanner. The
 * configuration is restored only into the file the command was given.
 *
 * @param config a validated configuration
 * @param configFile the `--config` file, if any
 */
export function restoreTargetsFromConfig(
  config: Config,
  configFile?: string,
): RestoreTargets {
  return {
    scannerName: config.system.name,
    calibrationFile: config.paths.calibration_file,
    configFile,
    historyFile: historyPath(config),
  };
}
