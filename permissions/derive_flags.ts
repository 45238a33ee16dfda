/**
 * Deno permission flags derived from the configuration, so the files,
 * devices and hosts a command may touch are exactly the ones its
 * configuration names and can never drift from it.
 *
 * Limits: paths are resolved against `cwd` as given (symlinks are not
 * followed, and Deno checks the path the program uses); a path holding a
 * comma cannot be named in a Deno flag and is refused.
 *
 * @module
 */

import { dirname, isAbsolute, resolve, sep } from "node:path";
import type { Config } from "../config/schema.ts";
import { DEFAULT_CONFIG_YAML } from "../config/default_config.ts";
import { dashboardAssetDirs } from "../http/dashboard/assets.ts";
import {
  ptyFiles,
  type SerialBindingFiles,
  serialBindingFiles,
} from "./serial_files.ts";

/** Subcommands of `main.ts` that run with derived flags. */
export type LaunchCommand =
  | "serve"
  | "handoff"
  | "validate"
  | "diagnose"
  | "calibrate"
  | "emulate"
  | "backup"
  | "restore"
  | "recover";

/** What one command needs beyond reading its configuration. */
interface CommandNeeds {
  /** Read and write the data, log, calibration and backup paths. */
  data: boolean;
  /** Open the configured serial devices. */
  devices: boolean;
  /** Listen on the configured address, and post telemetry. */
  network: boolean;
  /** Write the configuration file back (a restore puts it in place). */
  writeConfig: boolean;
  /** Open pseudo-terminals through libc. */
  pty: boolean;
  /** Read a file system's free space (`statfs`), for the disk check. */
  diskSpace: boolean;
  /** Serve the dashboard's page and chart library. */
  dashboard: boolean;
}

const NEEDS: Record<LaunchCommand, CommandNeeds> = {
  serve: need({ data: true, devices: true, network: true, dashboard: true }),
  handoff: need({ data: true, devices: true }),
  validate: need({
    data: true,
    devices: true,
    network: true,
    diskSpace: true,
  }),
  diagnose: need({ data: true, devices: true }),
  calibrate: need({ data: true, devices: true }),
  emulate: need({ pty: true }),
  backup: need({ data: true }),
  restore: need({ data: true, writeConfig: true }),
  recover: need({
    data: true,
    devices: true,
    network: true,
    writeConfig: true,
  }),
};

function need(some: Partial<CommandNeeds>): CommandNeeds {
  return {
    data: false,
    devices: false,
    network: false,
    writeConfig: false,
    pty: false,
    diskSpace: false,
    dashboard: false,
    ...some,
  };
}

/**
 * Variables the runtime reads whatever the configuration says: the `yaml`
 * package looks at its two debug switches on every parse. The npm `debug`
 * package enumerates every variable at import; the process-env shim
 * (`permissions/process_env.ts`) answers that instead of unrestricted
 * `--allow-env`.
 */
export const RUNTIME_ENV_VARS: readonly string[] = ["LOG_TOKENS", "LOG_STREAM"];

/** Options of {@linkcode deriveDenoFlags}. */
export interface DeriveFlagsOptions {
  /** The subcommand to run. */
  command: LaunchCommand;
  /** The configuration file; none runs on the embedded default. */
  configPath?: string;
  /** The file's text, to find `${VAR}` names; read from `configPath`. */
  configText?: string;
  /** Base for relative paths; default `Deno.cwd()`. */
  cwd?: string;
  /** URL of the XState inspector (`serve --inspect URL`), if attached. */
  inspectUrl?: string;
  /** FFI files of the serial binding; default {@linkcode serialBindingFiles}. */
  serialFiles?: () => SerialBindingFiles;
  /** Folders the dashboard serves; default {@linkcode dashboardAssetDirs}. */
  dashboardDirs?: () => string[];
}

/** The permission lists of a command, before they become flags. */
export interface PermissionSet {
  read: string[];
  write: string[];
  net: string[];
  env: string[];
  ffi: string[];
  /** System information calls; only `statfs`, only for `validate`. */
  sys: string[];
}

const SERIAL_DRIVER_KEYS = [
  "lens_turret",
  "focus_motor",
  "illumination",
] as const;

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Lists what a command may touch under a configuration.
 *
 * @param config the validated configuration
 * @param options the command and where the configuration came from
 * @returns absolute paths, `host:port` entries and variable names
 * @throws {RangeError} when a path holds a comma
 */
export function derivePermissions(
  config: Config,
  options: DeriveFlagsOptions,
): PermissionSet {
  const needs = NEEDS[options.command];
  const cwd = options.cwd ?? Deno.cwd();
  const abs = (path: string) => isAbsolute(path) ? path : resolve(cwd, path);
  const set: PermissionSet = {
    read: [],
    write: [],
    net: [],
    env: [],
    ffi: [],
    sys: [],
  };

  if (options.configPath) {
    set.read.push(abs(options.configPath));
    if (needs.writeConfig) set.write.push(abs(options.configPath));
  }

  if (needs.data) {
    const dataPaths = [
      config.paths.data_dir,
      config.paths.log_dir,
      dirname(config.paths.calibration_file),
      config.maintenance.backup.location,
    ].map(abs);
    set.read.push(...dataPaths);
    set.write.push(...dataPaths);
  }

  if (needs.devices) addDevices(config, set, abs, options.serialFiles);
  if (needs.pty) set.ffi.push(...ptyFiles().ffi);
  if (needs.diskSpace) set.sys.push("statfs");

  if (needs.network) {
    set.net.push(hostPort(config.server.host, config.server.port));
    const telemetry = config.monitoring.telemetry;
    if (telemetry.enable && telemetry.endpoint) {
      set.net.push(urlHostPort(telemetry.endpoint));
    }
    if (options.inspectUrl) set.net.push(urlHostPort(options.inspectUrl));
  }
  if (needs.dashboard) {
    set.read.push(...(options.dashboardDirs ?? dashboardAssetDirs)());
  }

  set.env.push(...configVariables(options), ...RUNTIME_ENV_VARS);
  return tidy(set);
}

function addDevices(
  config: Config,
  set: PermissionSet,
  abs: (path: string) => string,
  serialFiles: (() => SerialBindingFiles) | undefined,
): void {
  const hardware = config.hardware;
  if (hardware.camera.driver === "stack_replay" && hardware.camera.stack_dir) {
    set.read.push(abs(hardware.camera.stack_dir));
  }

  const ports = SERIAL_DRIVER_KEYS
    .map((key) => hardware[key])
    .filter((device) => device.driver !== "simulated" && device.port)
    .map((device) => abs(device.port!));
  if (ports.length === 0) return;

  const binding = (serialFiles ?? serialBindingFiles)();
  set.read.push(...ports, ...binding.read);
  set.write.push(...ports);
  set.ffi.push(...binding.ffi);
}

/**
 * Names of the variables a configuration substitutes (`${VAR}`).
 *
 * @param options the configuration's text or path
 * @returns the names, in order of first use
 */
export function configVariables(
  options: Pick<DeriveFlagsOptions, "configPath" | "configText">,
): string[] {
  const text = options.configText ??
    (options.configPath
      ? Deno.readTextFileSync(options.configPath)
      : DEFAULT_CONFIG_YAML);
  const names = [...text.matchAll(VARIABLE)].map((match) => match[1]);
  return [...new Set(names)];
}

function hostPort(host: string, port: number): string {
  const bracketed = host.includes(":") ? `[${host}]` : host;
  return port === 0 ? bracketed : `${bracketed}:${port}`;
}

function urlHostPort(text: string): string {
  const url = new URL(text);
  const defaultPorts: Record<string, string> = {
    "http:": "80",
    "https:": "443",
    "ws:": "80",
    "wss:": "443",
  };
  return `${url.hostname}:${url.port || defaultPorts[url.protocol]}`;
}

/** Removes duplicates and paths inside another listed path. */
function tidy(set: PermissionSet): PermissionSet {
  const uniquePaths = (paths: string[]) => {
    const unique = [...new Set(paths)];
    return unique.filter((path) =>
      !unique.some((other) => other !== path && path.startsWith(other + sep))
    );
  };
  for (const path of [...set.read, ...set.write, ...set.ffi]) {
    if (path.includes(",")) {
      throw new RangeError(
        `Cannot name "${path}" in a Deno permission flag: it holds a comma; rename the path in the configuration`,
      );
    }
  }
  return {
    read: uniquePaths(set.read),
    write: uniquePaths(set.write),
    net: [...new Set(set.net)],
    env: [...new Set(set.env)],
    ffi: [...new Set(set.ffi)],
    sys: [...new Set(set.sys)],
  };
}

/**
 * Derives the Deno permission flags of a command from its configuration.
 * Never `--allow-all` nor `--allow-run`.
 *
 * @param config the validated configuration
 * @param options the command and where the configuration came from
 * @returns flags such as `--allow-read=/etc/autofocus.yaml,/var/lib/autofocus`
 * @throws {RangeError} when a path holds a comma
 */
export function deriveDenoFlags(
  config: Config,
  options: DeriveFlagsOptions,
): string[] {
  const set = derivePermissions(config, options);
  const flags: string[] = [];
  const add = (name: string, values: string[]) => {
    if (values.length > 0) flags.push(`--allow-${name}=${values.join(",")}`);
  };
  add("read", set.read);
  add("write", set.write);
  add("net", set.net);
  add("env", set.env);
  add("ffi", set.ffi);
  add("sys", set.sys);
  return flags;
}
