/**
 * The paths of a configuration that must agree with the files on disk: the
 * data folder, the calibration file, the log folder and the backup
 * location. A restore compares the backup's configuration with the current
 * one on these before it may replace the configuration file, so that the
 * configuration and the data it points at never part.
 *
 * Limits: relative paths are compared as seen from the working folder,
 * which is where the service resolves them too.
 *
 * @module
 */

import { resolve } from "node:path";
import { parse } from "yaml";
import type { EnvLookup } from "../config/load.ts";
import { type Config, configSchema } from "../config/schema.ts";

/** The four paths, as written (after `${VAR}` substitution). */
export interface ConfigPaths {
  /** `paths.data_dir`: the history database's folder. */
  dataDir: string;
  /** `paths.calibration_file`. */
  calibrationFile: string;
  /** `paths.log_dir`. */
  logDir: string;
  /** `maintenance.backup.location`. */
  backupLocation: string;
}

/** Each path's configuration key, for messages. */
export const CONFIG_PATH_KEYS: Record<keyof ConfigPaths, string> = {
  dataDir: "paths.data_dir",
  calibrationFile: "paths.calibration_file",
  logDir: "paths.log_dir",
  backupLocation: "maintenance.backup.location",
};

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const HAS_VARIABLE = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/;

/**
 * The paths of a loaded configuration.
 *
 * @param config a validated configuration
 */
export function configPathsOf(config: Config): ConfigPaths {
  return {
    dataDir: config.paths.data_dir,
    calibrationFile: config.paths.calibration_file,
    logDir: config.paths.log_dir,
    backupLocation: config.maintenance.backup.location,
  };
}

/**
 * The paths a configuration text names, defaults filled in, without
 * validating the rest of it (a backup's configuration may name variables
 * this shell does not set). A `${VAR}` left unset stays in the path.
 *
 * @param text the YAML text, as written in a backup
 * @param env variable lookup; `Deno.env.get` (when allowed) by default
 * @returns the paths, or null when the text is not YAML or its `paths` or
 *   `maintenance` sections are invalid
 */
export function configPathsOfText(
  text: string,
  env: EnvLookup = readEnv,
): ConfigPaths | null {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch {
    return null;
  }
  if (raw !== null && (typeof raw !== "object" || Array.isArray(raw))) {
    return null;
  }
  const document = (raw ?? {}) as Record<string, unknown>;
  const paths = configSchema.shape.paths.safeParse(
    substitute(document.paths, env),
  );
  const maintenance = configSchema.shape.maintenance.safeParse(
    substitute(document.maintenance, env),
  );
  if (!paths.success || !maintenance.success) return null;
  return {
    dataDir: paths.data.data_dir,
    calibrationFile: paths.data.calibration_file,
    logDir: paths.data.log_dir,
    backupLocation: maintenance.data.backup.location,
  };
}

/**
 * Where two sets of paths differ, one sentence per path.
 *
 * @param ours the current configuration's paths
 * @param theirs the other configuration's paths
 * @returns e.g. `paths.data_dir: "var" in the backup, "var/hc" now`; empty
 *   when every path names the same place
 */
export function pathDifferences(
  ours: ConfigPaths,
  theirs: ConfigPaths,
): string[] {
  const differences: string[] = [];
  for (const key of Object.keys(CONFIG_PATH_KEYS) as (keyof ConfigPaths)[]) {
    if (resolve(ours[key]) === resolve(theirs[key])) continue;
    differences.push(
      `${CONFIG_PATH_KEYS[key]}: ${
        JSON.stringify(theirs[key])
      } in the backup, ${JSON.stringify(ours[key])} now`,
    );
  }
  return differences;
}

/**
 * Paths that still hold a `${VAR}` this shell did not set.
 *
 * @param paths the paths of {@linkcode configPathsOfText}
 * @returns which of them (see {@linkcode CONFIG_PATH_KEYS} for their keys)
 */
export function unresolvedPaths(paths: ConfigPaths): (keyof ConfigPaths)[] {
  return (Object.keys(CONFIG_PATH_KEYS) as (keyof ConfigPaths)[])
    .filter((key) => HAS_VARIABLE.test(paths[key]));
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** Substitutes `${VAR}` in every string of a section, recursively. */
function substitute(value: unknown, env: EnvLookup): unknown {
  if (typeof value === "string") {
    return value.replace(VARIABLE, (whole, name: string) => env(name) ?? whole);
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, env));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substitute(item, env)]),
    );
  }
  return value;
}
