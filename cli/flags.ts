/**
 * `main.ts flags`: prints the command line that runs a command with the
 * permission flags its configuration implies (see
 * `permissions/flags_command.ts` for the options).
 *
 * @module
 */

import { flagsCommand } from "../permissions/flags_command.ts";
import { print } from "./output.ts";

/**
 * Prints the launch (or `--compile`) line on stdout.
 *
 * @param args command-line arguments after `flags`
 * @returns 0
 * @throws {UsageError} on an unknown `--command`
 * @throws {ConfigError} when the configuration is unreadable or invalid
 */
export async function flagsCli(args: string[]): Promise<number> {
  print(await flagsCommand(args));
  return 0;
}
