/**
 * The `--config` option shared by commands.
 *
 * @module
 */

import type { Config } from "../config/schema.ts";
import { defaultConfig, loadConfigFile } from "../config/load.ts";

/**
 * The configuration a command runs on: the file given, or the embedded
 * default (the simulated scanner).
 *
 * @param path the `--config` value, if given
 * @throws {ConfigError} when the file is unreadable or invalid
 */
export function resolveConfig(path: string | undefined): Promise<Config> {
  return path === undefined
    ? Promise.resolve(defaultConfig())
    : loadConfigFile(path);
}
