/**
 * What a device failure most likely means and what to do about it, from
 * the error the driver raised: its class (`drivers/errors.ts`), the system
 * error under it and the bytes the device sent.
 *
 * | problem | recognised by |
 * | --- | --- |
 * | `permissions` | Deno refused the access (NotCapable, PermissionDenied: run without the flags the command needs), or the system did (EACCES, EPERM) |
 * | `wrong_port` | the port's path does not exist (ENOENT), or it is not a serial device (a regular file, a folder, not a terminal: ENOTTY, EISDIR) |
 * | `wrong_baud` | the device sent bytes that are not text (framing noise) |
 * | `not_answering` | a timeout with nothing readable received |
 * | `device_fault` | the device answered with a fault reply |
 * | `disconnected` | the port went away while open |
 * | `configuration` | the configuration names no port for a serial driver |
 *
 * @module
 */

import { ConfigError } from "../config/errors.ts";
import {
  DeviceDisconnectedError,
  DeviceFaultError,
  DeviceTimeoutError,
} from "../drivers/errors.ts";
import type { DeviceKind } from "../drivers/types.ts";

/** What went wrong with a device, or `ok`. */
export type DeviceProblem =
  | "ok"
  | "permissions"
  | "wrong_port"
  | "wrong_baud"
  | "not_answering"
  | "device_fault"
  | "disconnected"
  | "configuration"
  | "unknown";

/** The port a device is on, for the advice. */
export interface PortContext {
  /** Which device. */
  device: DeviceKind;
  /** The port's path; none for a simulated device. */
  port?: string;
  /** The protocol's line speed. */
  baudRate?: number;
  /** The configuration key of the port, e.g. `hardware.lens_turret.port`. */
  portSetting?: string;
  /** Lines the device sent during the probe, as received. */
  received?: readonly string[];
  /** What the port's path is, when it was looked at; see {@linkcode portKind}. */
  portKind?: PortKind;
  /** The command being diagnosed, for the `main.ts flags` advice; default `diagnose`. */
  command?: string;
  /** The configuration file the command runs on, for the same advice. */
  configFile?: string;
}

/** The command line that prints the permission flags for a command. */
function flagsCommandLine(context: PortContext): string {
  return `main.ts flags --command ${context.command ?? "diagnose"} --config ${
    context.configFile ?? "FILE"
  }`;
}

/** What a port's path names on the file system. */
export type PortKind =
  | "char_device"
  | "file"
  | "directory"
  | "other"
  | "missing";

/** A problem and its likely fix. */
export interface ProblemAdvice {
  /** What went wrong. */
  problem: DeviceProblem;
  /** What to do, in words. */
  likelyFix: string;
}

const PERMISSION = /permission denied|EACCES|EPERM|not permitted/i;
const MISSING = /no such file|ENOENT|not found|does not exist/i;
/** Deno's words when the process lacks a permission flag. */
const DENO_PERMISSION = /requires \w+ access|--allow-\w+ flag/i;
/** The system's words for a path that is there but is no serial port. */
const NOT_A_PORT =
  /inappropriate ioctl|ENOTTY|is a directory|EISDIR|not a character device|not a tty/i;

/** Whether Deno refused an access anywhere down an error's cause chain. */
function isDenoPermissionError(error: unknown, text: string): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (
      current instanceof Deno.errors.NotCapable ||
      (current instanceof Deno.errors.PermissionDenied &&
        DENO_PERMISSION.test(current.message))
    ) {
      return true;
    }
    current = current.cause;
  }
  return DENO_PERMISSION.test(text);
}

/**
 * What a port's path names: a character device (a serial port, or at least
 * something that could be one), a regular file, a folder, something else,
 * or nothing. Follows symbolic links such as `/dev/serial/by-id/...`.
 *
 * @param path the port's path
 * @returns its kind, or undefined when it may not be looked at
 */
export async function portKind(path: string): Promise<PortKind | undefined> {
  try {
    const info = await Deno.stat(path);
    if (info.isCharDevice) return "char_device";
    if (info.isFile) return "file";
    if (info.isDirectory) return "directory";
    return "other";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "missing";
    return undefined;
  }
}

const KIND_WORDS: Record<Exclude<PortKind, "char_device" | "missing">, string> =
  {
    file: "a regular file",
    directory: "a folder",
    other: "neither a file nor a device",
  };

/** All messages down an error's cause chain. */
function messagesOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(" | ");
}

/**
 * Whether a line looks like a serial line at the wrong speed: control
 * bytes, replacement characters or bytes above ASCII.
 *
 * @param line a received line
 */
export function isGarbled(line: string): boolean {
  // deno-lint-ignore no-control-regex
  return /[\x00-\x08\x0e-\x1f\x7f-\uffff]/.test(line);
}

/**
 * Names the likely problem behind a device error and its fix.
 *
 * @param error what the driver threw
 * @param context the device, its port and what it sent
 * @returns the problem and a sentence saying what to do
 */
export function adviseOnDeviceError(
  error: unknown,
  context: PortContext,
): ProblemAdvice {
  const name = context.device.replace("_", " ");
  const port = context.port ?? "its port";
  const setting = context.portSetting ?? "the port setting";
  const baud = context.baudRate ? `${context.baudRate} baud` : "its baud rate";
  const text = messagesOf(error);
  const garbled = (context.received ?? []).filter(isGarbled);

  if (error instanceof ConfigError) {
    return {
      problem: "configuration",
      likelyFix: `Fix the configuration: ${error.message}`,
    };
  }
  if (garbled.length > 0) {
    return {
      problem: "wrong_baud",
      likelyFix: `The ${name} on ${port} sent unreadable bytes (${
        JSON.stringify(garbled[0].slice(0, 16))
      }), the sign of a wrong line speed: set the device to ${baud} (8N1) or check the adapter's settings`,
    };
  }
  if (isDenoPermissionError(error, text)) {
    return {
      problem: "permissions",
      likelyFix:
        `Deno refused the access the ${name} needs (${port}): run with the permission flags that '${
          flagsCommandLine(context)
        }' prints (they name the ports, the serial module for --allow-ffi and the data folders); if the system then says permission denied, add the user to the dialout group`,
    };
  }
  // A timeout or a fault reply quotes the device; only an open failure
  // speaks of the file system.
  const openFailure = !(error instanceof DeviceTimeoutError ||
    error instanceof DeviceFaultError);
  if (openFailure && PERMISSION.test(text)) {
    return {
      problem: "permissions",
      likelyFix:
        `This user may not open ${port}: add the service user to the dialout group (sudo usermod -a -G dialout USER, then log in again) or give the device mode 660, and let the service's unit use the device; check too that the command runs with the flags '${
          flagsCommandLine(context)
        }' prints`,
    };
  }
  const kind = context.portKind;
  if (kind === "file" || kind === "directory" || kind === "other") {
    return {
      problem: "wrong_port",
      likelyFix: `Wrong port: ${port} is ${
        KIND_WORDS[kind]
      }, not a character device: set ${setting} to the ${name}'s serial adapter (ls -l /dev/serial/by-id/ lists the connected ones)`,
    };
  }
  if (kind === "missing" || (openFailure && MISSING.test(text))) {
    return {
      problem: "wrong_port",
      likelyFix:
        `${port} does not exist: plug the ${name} in, then set ${setting} to its path (ls -l /dev/serial/by-id/ lists the connected adapters)`,
    };
  }
  if (openFailure && NOT_A_PORT.test(text)) {
    return {
      problem: "wrong_port",
      likelyFix: `Wrong port: ${port} is not a serial port (${
        kind === "char_device"
          ? "a character device that is not a terminal"
          : "not a character device"
      }): set ${setting} to the ${name}'s serial adapter (ls -l /dev/serial/by-id/ lists the connected ones)`,
    };
  }
  if (error instanceof DeviceTimeoutError) {
    return {
      problem: "not_answering",
      likelyFix:
        `The ${name} on ${port} did not answer: check that it is powered, that its cable is seated, that ${setting} names this device and not another, and that it runs at ${baud}`,
    };
  }
  if (error instanceof DeviceFaultError) {
    return {
      problem: "device_fault",
      likelyFix:
        `The ${name} reported a fault ("${error.reply}"): clear it at the device (power-cycle it if it persists) and run diagnose again`,
    };
  }
  if (error instanceof DeviceDisconnectedError) {
    return {
      problem: "disconnected",
      likelyFix:
        `The ${name} port ${port} went away: check the USB cable and hub power; the driver reconnects by itself once the port is back`,
    };
  }
  return {
    problem: "unknown",
    likelyFix:
      `Read the error above; run diagnose again with system.log_level DEBUG to see the ${name}'s serial traffic`,
  };
}

/**
 * Names the likely problem from an error message alone, as the history and
 * the running controller keep it (no error object).
 *
 * @param message a device error's message
 * @param context the device and its port
 * @returns the problem and a sentence saying what to do
 */
export function adviseOnDeviceMessage(
  message: string,
  context: PortContext,
): ProblemAdvice {
  const kind = context.device;
  let error: Error;
  if (/did not answer|within \d+ ms|timed? ?out/i.test(message)) {
    error = new DeviceTimeoutError(kind, message, 0);
  } else if (/answered "|fault|JAMMED|ERROR/.test(message)) {
    error = new DeviceFaultError(
      kind,
      message,
      /"([^"]*)"/.exec(message)?.[1] ?? "",
    );
  } else if (/port|went away|disconnect|closed|cannot open/i.test(message)) {
    error = new DeviceDisconnectedError(kind, message);
  } else {
    error = new Error(message);
  }
  return adviseOnDeviceError(error, context);
}
