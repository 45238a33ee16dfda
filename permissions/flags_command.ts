/**
 * `main.ts flags`: prints the exact command line that runs a command with
 * the permission flags its configuration implies.
 *
 * Usage: `flags [--config FILE] [--command serve] [--deno PATH]
 * [--inspect URL] [--compile [--output PATH]]`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { resolveConfig } from "../cli/config_option.ts";
import { UsageError } from "../cli/output.ts";
import type { LaunchCommand } from "./derive_flags.ts";
import { compileArgs, launchArgs, shellQuote } from "./launch.ts";

const COMMANDS: readonly LaunchCommand[] = [
  "serve",
  "handoff",
  "validate",
  "diagnose",
  "calibrate",
  "emulate",
  "backup",
  "restore",
  "recover",
];

/**
 * Builds the launch (or compile) line for the arguments after `flags`.
 *
 * @param args command-line arguments after `flags`
 * @returns one shell line, for the caller to print
 * @throws {UsageError} on an unknown `--command`
 * @throws {ConfigError} when the configuration is unreadable or invalid
 */
export async function flagsCommand(args: string[]): Promise<string> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string" },
      command: { type: "string", default: "serve" },
      deno: { type: "string", default: "deno" },
      inspect: { type: "string" },
      compile: { type: "boolean", default: false },
      output: { type: "string" },
    },
  });
  const command = values.command as LaunchCommand;
  if (!COMMANDS.includes(command)) {
    throw new UsageError(
      `--command must be one of ${COMMANDS.join(", ")}, got ${values.command}`,
    );
  }

  const config = await resolveConfig(values.config);
  const options = {
    command,
    configPath: values.config,
    denoPath: values.deno,
    inspectUrl: values.inspect,
    outputPath: values.output,
  };
  const argv = values.compile
    ? compileArgs(config, options)
    : launchArgs(config, options);
  return argv.map(shellQuote).join(" ");
}
