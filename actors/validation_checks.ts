/**
 * The pre-deployment checks of `main.ts validate`: the runtime, the
 * configured paths and ports, the listen address, the security settings,
 * free disk space, and every device (see `device_checks.ts`), each passing
 * or failing with what to do about it.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { statfs } from "node:fs/promises";
import type { Config } from "../config/schema.ts";
import { type Clock, RealClock } from "../domain/clock.ts";
import { securityLayers } from "../http/security/mod.ts";
import {
  inAnyBlock,
  parseCidrList,
  parseIpAddress,
} from "../http/security/cidr.ts";
import { deviceChecks } from "./device_checks.ts";

/** One check's outcome. */
export interface ValidationCheck {
  /** What was checked, e.g. `turret switch time`. */
  name: string;
  /** Whether it passed. */
  pass: boolean;
  /** What was found or measured. */
  detail: string;
  /** What to do about a failure; `null` when it passed. */
  fix: string | null;
}

/** Every check's outcome. */
export interface ValidationReport {
  /** True when every check passed. */
  passed: boolean;
  /** The checks in the order they ran. */
  checks: ValidationCheck[];
}

/** Options of {@linkcode runValidation}; every field has a default. */
export interface ValidationOptions {
  /** Clock the device checks time on; the wall clock by default. */
  clock?: Clock;
  /** The running Deno's version; `Deno.version.deno` by default. */
  denoVersion?: string;
  /** Free bytes for unprivileged users on a path's file system. */
  freeBytes?: (path: string) => Promise<number>;
  /** Least free space under `paths.data_dir`; 100 GB, the guide's. */
  minFreeBytes?: number;
}

/** Oldest Deno this project runs on (non-blocking FFI, npm support). */
export const MIN_DENO_VERSION = "2.9.0";
/** Free space the deployment guide asks for: 100 GB. */
export const DEFAULT_MIN_FREE_BYTES = 100e9;

const PATH_KEYS = [
  ["paths.data_dir", (config: Config) => config.paths.data_dir],
  ["paths.log_dir", (config: Config) => config.paths.log_dir],
  [
    "paths.calibration_file (its folder)",
    (config: Config) => dirname(config.paths.calibration_file),
  ],
  [
    "maintenance.backup.location",
    (config: Config) => config.maintenance.backup.location,
  ],
] as const;

function passed(name: string, detail: string): ValidationCheck {
  return { name, pass: true, detail, fix: null };
}

function failed(name: string, detail: string, fix: string): ValidationCheck {
  return { name, pass: false, detail, fix };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function versionAtLeast(version: string, minimum: string): boolean {
  const parse = (text: string) =>
    text.split(/[.-]/).slice(0, 3).map((part) => Number(part) || 0);
  const [have, need] = [parse(version), parse(minimum)];
  for (let i = 0; i < 3; i++) {
    if (have[i] !== need[i]) return have[i] > need[i];
  }
  return true;
}

/** The runtime is recent enough. */
export function runtimeCheck(version: string): ValidationCheck {
  const name = "runtime";
  return versionAtLeast(version, MIN_DENO_VERSION)
    ? passed(name, `Deno ${version}`)
    : failed(
      name,
      `Deno ${version} is older than ${MIN_DENO_VERSION}`,
      `Install Deno ${MIN_DENO_VERSION} or newer (tested with 2.9.6: npx --yes deno@2.9.6)`,
    );
}

/** A configured folder exists (or can be made) and this user can write it. */
export async function pathCheck(
  key: string,
  path: string,
): Promise<ValidationCheck> {
  const name = `path ${key}`;
  try {
    let created = false;
    try {
      const info = await Deno.stat(path);
      if (!info.isDirectory) {
        return failed(
          name,
          `${path} is not a folder`,
          `Point ${key} at a folder, or move the file at ${path} away`,
        );
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      await Deno.mkdir(path, { recursive: true });
      created = true;
    }
    const probe = join(path, `.validate-${crypto.randomUUID()}`);
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
    return passed(name, `${path} is writable${created ? " (created)" : ""}`);
  } catch (error) {
    return failed(
      name,
      `${path}: ${messageOf(error)}`,
      `Make ${path} a folder the service user owns (install -d -o autofocus -g autofocus ${path}) and run with the flags of 'main.ts flags --command validate'`,
    );
  }
}

/** The address the service will listen on is free and allowed. */
export function listenCheck(config: Config): ValidationCheck {
  const { host, port } = config.server;
  const name = "listen address";
  const address = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  try {
    const listener = Deno.listen({ hostname: host, port });
    listener.close();
    return passed(name, `${address} is free`);
  } catch (error) {
    const fix = error instanceof Deno.errors.AddrInUse
      ? `Stop the process listening on ${address} (ss -ltnp), or set server.port to a free port`
      : `Set server.host to an address of this machine and server.port to a free port above 1023`;
    return failed(name, `${address}: ${messageOf(error)}`, fix);
  }
}

/** The security settings can be applied and do not leave the API open. */
export function securityCheck(config: Config): ValidationCheck {
  const name = "security settings";
  try {
    securityLayers(config.security);
  } catch (error) {
    return failed(name, messageOf(error), "Correct the security section");
  }
  const loopback = ["127.0.0.1", "::1", "localhost"].includes(
    config.server.host,
  );
  if (!config.security.enable_api_auth && !loopback) {
    return failed(
      name,
      `API authentication is off while listening on ${config.server.host}: anyone who reaches the port can control the scanner`,
      'Set security.enable_api_auth: true with api_key: "${API_KEY}" and API_KEY in the environment, or listen on 127.0.0.1',
    );
  }
  const allowlist = config.security.allowed_ips.length === 0
    ? "every address"
    : config.security.allowed_ips.join(", ");
  const listenAddress = parseIpAddress(
    config.server.host === "localhost" ? "127.0.0.1" : config.server.host,
  );
  const blocks = parseCidrList(config.security.allowed_ips, "allowed_ips");
  if (
    loopback && blocks.length > 0 && listenAddress &&
    !inAnyBlock(blocks, listenAddress)
  ) {
    return failed(
      name,
      `the service listens on ${config.server.host} only, but security.allowed_ips (${allowlist}) does not admit it: every request, /health included, would get 403`,
      "Add 127.0.0.0/8 (and ::1/128) to security.allowed_ips, or listen on the lab network's address with server.host",
    );
  }
  return passed(
    name,
    `API key ${
      config.security.enable_api_auth ? "required" : "off (loopback only)"
    }; admits ${allowlist}`,
  );
}

async function nodeFreeBytes(path: string): Promise<number> {
  const stats = await statfs(path);
  return stats.bavail * stats.bsize;
}

/** The data folder's file system has the space the guide asks for. */
export async function diskSpaceCheck(
  path: string,
  minFreeBytes: number,
  freeBytes: (path: string) => Promise<number> = nodeFreeBytes,
): Promise<ValidationCheck> {
  const name = "disk space";
  const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;
  try {
    const free = await freeBytes(path);
    return free >= minFreeBytes
      ? passed(name, `${gb(free)} free under ${path}`)
      : failed(
        name,
        `${gb(free)} free under ${path}, below ${gb(minFreeBytes)}`,
        `Free space on that file system or move paths.data_dir to a larger one (the history, logs and backups grow there)`,
      );
  } catch (error) {
    return failed(
      name,
      `Cannot read the free space under ${path}: ${messageOf(error)}`,
      "Run with --allow-sys=statfs (main.ts flags --command validate prints the whole command)",
    );
  }
}

/** Each non-simulated device's serial port exists and is a device. */
export async function serialPortChecks(
  config: Config,
): Promise<ValidationCheck[]> {
  const checks: ValidationCheck[] = [];
  for (const key of ["lens_turret", "focus_motor", "illumination"] as const) {
    const section = config.hardware[key];
    if (section.driver === "simulated" || !section.port) continue;
    const name = `port hardware.${key}.port`;
    try {
      const info = await Deno.stat(section.port);
      checks.push(
        info.isCharDevice
          ? passed(name, `${section.port} is a character device`)
          : failed(
            name,
            `${section.port} is not a character device`,
            `Set hardware.${key}.port to the device's serial port (ls -l /dev/serial/by-id/)`,
          ),
      );
    } catch (error) {
      const missing = error instanceof Deno.errors.NotFound;
      checks.push(failed(
        name,
        missing
          ? `${section.port} does not exist`
          : `${section.port}: ${messageOf(error)}`,
        missing
          ? `Connect the ${
            key.replace("_", " ")
          } (USB cable and power) or set hardware.${key}.port to the port it is on (ls -l /dev/serial/by-id/)`
          : `Add the service user to the dialout group and run with the flags of 'main.ts flags --command validate'`,
      ));
    }
  }
  return checks;
}

/**
 * Runs every check; device checks run even when a port check failed, so
 * the report names every problem at once.
 *
 * @param config the validated configuration
 * @param options clock, runtime version and disk space source
 * @returns each check's outcome, and whether all passed
 */
export async function runValidation(
  config: Config,
  options: ValidationOptions = {},
): Promise<ValidationReport> {
  const checks: ValidationCheck[] = [
    runtimeCheck(options.denoVersion ?? Deno.version.deno),
  ];
  for (const [key, pathOf] of PATH_KEYS) {
    checks.push(await pathCheck(key, pathOf(config)));
  }
  checks.push(
    ...await serialPortChecks(config),
    listenCheck(config),
    securityCheck(config),
    await diskSpaceCheck(
      config.paths.data_dir,
      options.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES,
      options.freeBytes,
    ),
    ...await deviceChecks(config, options.clock ?? new RealClock()),
  );
  return { passed: checks.every((check) => check.pass), checks };
}
