/**
 * Where the lab's files are for a configuration: the history database,
 * and the backup and restore settings shared by the maintenance scheduler
 * and the `backup`, `restore` and `recover` commands.
 *
 * @module
 */

import type { Config } from "../config/schema.ts";
import { BACKUP_FILES, type CreateBackupOptions } from "../backup/create.ts";
import type { RestoreTargets } from "../backup/restore.ts";
import { BackupError } from "../backup/errors.ts";
import {
  CONFIG_PATH_KEYS,
  type ConfigPaths,
  configPathsOf,
  configPathsOfText,
  pathDifferences,
  unresolvedPaths,
} from "../backup/config_paths.ts";
import type { EnvLookup } from "../config/load.ts";
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

/** Options of {@linkcode planRestore}. */
export interface RestorePlanOptions {
  /** The `--config` file; none when the command runs on the embedded default. */
  configFile?: string;
  /**
   * Restore the backup's configuration even when its paths differ from the
   * current one's, and put the data where it points; default false.
   */
  withConfig?: boolean;
  /** Variable lookup for `${VAR}` in the backup's paths; the environment. */
  env?: EnvLookup;
}

/** Whether a restore replaces the configuration file, and why. */
export interface ConfigDecision {
  /** `restore`: the backup's configuration goes into the file; `keep`: not. */
  action: "restore" | "keep";
  /** Why, and where the data goes, in a sentence. */
  reason: string;
  /** Each path that differs between the backup's and the current one. */
  differences: string[];
}

/** Where a restore puts each file, and what it does with the configuration. */
export interface RestorePlan {
  /** The targets for `restoreBackup` of `backup/restore.ts`. */
  targets: RestoreTargets;
  /** The configuration's fate. */
  configuration: ConfigDecision;
}

/**
 * Plans a restore of a backup for this scanner. The data (calibration,
 * history) goes where the current configuration points. The backup's
 * configuration replaces the `--config` file only when its paths (data
 * folder, calibration, logs, backups) name the same places, or with
 * `withConfig`, and then the data goes where it points, so that the
 * configuration and the data never part.
 *
 * @param config the current configuration
 * @param backupDir the backup to restore (verified)
 * @param options the `--config` file, `--with-config`, the environment
 * @returns the targets and the configuration decision
 * @throws {BackupError} when `withConfig` is asked for a backup whose
 *   configuration's paths cannot be known; nothing was changed
 */
export async function planRestore(
  config: Config,
  backupDir: string,
  options: RestorePlanOptions = {},
): Promise<RestorePlan> {
  const current = configPathsOf(config);
  const copy = `${backupDir}/${BACKUP_FILES.config}`;
  const keep = (reason: string, differences: string[] = []): RestorePlan => ({
    targets: targetsFor(config, current),
    configuration: { action: "keep", reason, differences },
  });

  if (options.configFile === undefined) {
    return keep(
      `the command runs on the embedded default configuration (no --config), so the backup's copy stays in ${copy}`,
    );
  }
  let text: string;
  try {
    text = await Deno.readTextFile(copy);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return keep("the backup holds no configuration file");
    }
    throw error;
  }

  const theirs = configPathsOfText(text, options.env);
  if (theirs === null) {
    if (options.withConfig) {
      throw new BackupError(
        `Cannot restore ${backupDir} with --with-config: the paths of its configuration cannot be read, so the data would not know where to go; nothing was changed`,
        [`${copy} has no valid paths or maintenance section`],
      );
    }
    return keep(
      `the paths of the backup's configuration cannot be read; it stays in ${copy}`,
    );
  }
  const differences = pathDifferences(current, theirs);
  if (differences.length === 0) {
    return {
      targets: {
        ...targetsFor(config, current),
        configFile: options.configFile,
      },
      configuration: {
        action: "restore",
        reason: `its paths match ${options.configFile}'s`,
        differences,
      },
    };
  }
  if (!options.withConfig) {
    return keep(
      `its paths differ from ${options.configFile}'s, so the data goes where ${options.configFile} points and the backup's configuration stays in ${copy}; pass --with-config to restore it too (the data then goes where it points)`,
      differences,
    );
  }
  const unresolved = unresolvedPaths(theirs);
  if (unresolved.length > 0) {
    throw new BackupError(
      `Cannot restore ${backupDir} with --with-config: its configuration's paths name variables this shell does not set; nothing was changed`,
      unresolved.map((key) =>
        `${CONFIG_PATH_KEYS[key]} is ${JSON.stringify(theirs[key])}`
      ),
    );
  }
  return {
    targets: { ...targetsFor(config, theirs), configFile: options.configFile },
    configuration: {
      action: "restore",
      reason:
        `--with-config: its paths differ from ${options.configFile}'s, so the data goes where the restored configuration points`,
      differences,
    },
  };
}

function targetsFor(config: Config, paths: ConfigPaths): RestoreTargets {
  return {
    scannerName: config.system.name,
    calibrationFile: paths.calibrationFile,
    historyFile: `${paths.dataDir}/${HISTORY_FILE}`,
  };
}
