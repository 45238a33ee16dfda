/**
 * The exact command line that runs a `main.ts` subcommand with the
 * permission flags its configuration implies (`main.ts flags` prints it,
 * `deploy/launch.sh` executes it).
 *
 * @module
 */

import type { Config } from "../config/schema.ts";
import { deriveDenoFlags, type DeriveFlagsOptions } from "./derive_flags.ts";

/** Options of {@linkcode launchArgs} and {@linkcode formatLaunchCommand}. */
export interface LaunchOptions extends DeriveFlagsOptions {
  /** The Deno executable; default `deno`. */
  denoPath?: string;
  /** The entry module; default `main.ts`. */
  mainPath?: string;
}

/**
 * The argument vector of the launch command.
 *
 * @param config the validated configuration
 * @param options the command, configuration path and executable
 * @returns `[deno, "run", "--no-prompt", ...flags, main, command, ...]`
 * @throws {RangeError} when a path cannot be named in a flag
 */
export function launchArgs(config: Config, options: LaunchOptions): string[] {
  const args = [
    options.denoPath ?? "deno",
    "run",
    "--no-prompt",
    ...deriveDenoFlags(config, options),
    options.mainPath ?? "main.ts",
    options.command,
  ];
  if (options.configPath) args.push("--config", options.configPath);
  if (options.inspectUrl) args.push("--inspect", options.inspectUrl);
  return args;
}

/** Files the compiled binary must embed: they are read, not imported. */
export const COMPILE_INCLUDES = [
  "node_modules/uplot/dist",
  "http/dashboard/static",
] as const;

/** Options of {@linkcode compileArgs}. */
export interface CompileOptions extends LaunchOptions {
  /** Where the binary goes; default `dist/autofocus`. */
  outputPath?: string;
}

/**
 * The argument vector of `deno compile` for a single binary that runs one
 * command with the same flags as {@linkcode launchArgs}; the command and
 * `--config` are baked in as the binary's default arguments.
 *
 * Not verified here: `deno compile` downloads a runtime this network
 * refuses.
 *
 * @param config the validated configuration
 * @param options the command, configuration path and output
 * @returns `[deno, "compile", "--no-prompt", ...flags, ...includes, ...]`
 * @throws {RangeError} when a path cannot be named in a flag
 */
export function compileArgs(config: Config, options: CompileOptions): string[] {
  const args = [
    options.denoPath ?? "deno",
    "compile",
    "--no-prompt",
    ...deriveDenoFlags(config, options),
    ...COMPILE_INCLUDES.flatMap((path) => ["--include", path]),
    "--output",
    options.outputPath ?? "dist/autofocus",
    options.mainPath ?? "main.ts",
    options.command,
  ];
  if (options.configPath) args.push("--config", options.configPath);
  return args;
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes one word for a POSIX shell.
 *
 * @param word any text
 * @returns the word, single-quoted when it holds anything but safe characters
 */
export function shellQuote(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The launch command as one shell line.
 *
 * @param config the validated configuration
 * @param options the command, configuration path and executable
 * @returns e.g. `deno run --no-prompt --allow-read=... main.ts serve --config /etc/autofocus.yaml`
 * @throws {RangeError} when a path cannot be named in a flag
 */
export function formatLaunchCommand(
  config: Config,
  options: LaunchOptions,
): string {
  return launchArgs(config, options).map(shellQuote).join(" ");
}
