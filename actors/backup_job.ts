/**
 * The backup job: a backup of the scanner as the configuration describes,
 * with retention, for the scheduler and the monthly calibration.
 *
 * @module
 */

import { createBackup } from "../backup/create.ts";
import type { History } from "../history/history.ts";
import type { ScannerService } from "./scanner_service.ts";
import { backupOptionsFromConfig } from "./lab_files.ts";
import type { JobResult } from "./maintenance_scheduler.ts";

/**
 * Makes a backup of the scanner now.
 *
 * @param service the controller (configuration)
 * @param deps history, configuration file and wall clock
 * @returns the job result naming the backup
 */
export async function backupJobRun(
  service: ScannerService,
  deps: {
    history: Pick<History, "backupTo">;
    configFile?: string;
    wallClockMs: () => number;
  },
): Promise<JobResult & { outcome: "ok"; path: string }> {
  const result = await createBackup(backupOptionsFromConfig(service.config, {
    history: deps.history,
    configFile: deps.configFile,
    now: () => new Date(deps.wallClockMs()),
  }));
  const removed = result.removed.length === 0
    ? ""
    : `; removed ${result.removed.length} old`;
  return {
    outcome: "ok",
    detail: `${result.path} (${result.manifest.files.length} files)${removed}`,
    path: result.path,
  };
}
