/**
 * `main.ts backup [--config FILE] [--json]`: a backup of the scanner now
 * (calibration, configuration file, an online copy of the history, recent
 * logs, a checksummed manifest), then the configured retention. Safe while
 * the service runs: the history is copied page by page from its own
 * connection.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { createBackup } from "../backup/create.ts";
import { openHistory } from "../history/history.ts";
import { backupOptionsFromConfig, historyPath } from "../actors/lab_files.ts";
import { resolveConfig } from "./config_option.ts";
import { print, printJson, say } from "./output.ts";

/**
 * Makes one backup and prints where it went.
 *
 * @param args command-line arguments after `backup`
 * @returns 0 when the backup was written, 1 otherwise
 */
export async function backupCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const config = await resolveConfig(values.config);
  await Deno.mkdir(config.paths.data_dir, { recursive: true });
  const history = openHistory(historyPath(config), {
    retentionDays: config.monitoring.history_retention_days,
  });
  try {
    const result = await createBackup(backupOptionsFromConfig(config, {
      history,
      configFile: values.config,
    }));
    if (values.json) {
      printJson(result);
      return 0;
    }
    print(`Backup written to ${result.path}`);
    for (const file of result.manifest.files) {
      print(`  ${file.path}  ${file.bytes} bytes`);
    }
    for (const missing of result.manifest.missing) {
      print(`  not included: ${missing}`);
    }
    for (const removed of result.removed) {
      print(`  removed by retention: ${removed}`);
    }
    return 0;
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    history.close();
  }
}
