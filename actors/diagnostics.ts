/**
 * Diagnostics: each device's connection and health, with the likely fix
 * when it fails, and the performance trend from the history.
 *
 * `probeDevices` opens and initialises the configured devices one by one
 * (for `main.ts diagnose`, with the service stopped: two processes on one
 * serial port steal each other's replies). `serviceDeviceReports` reads the
 * running controller instead, touching no device (for `GET /diagnostics`).
 *
 * @module
 */

import { ConfigError } from "../config/errors.ts";
import type { Config } from "../config/schema.ts";
import { type Clock, RealClock } from "../domain/clock.ts";
import { createScanner } from "../drivers/create_scanner.ts";
import type { DeviceKind, Scanner } from "../drivers/types.ts";
import { TURRET_BAUD_RATE } from "../drivers/serial/turret.ts";
import { FOCUS_BAUD_RATE } from "../drivers/serial/focus_motor.ts";
import { ILLUMINATION_BAUD_RATE } from "../drivers/serial/illumination.ts";
import {
  adviseOnDeviceError,
  adviseOnDeviceMessage,
  type DeviceProblem,
  type PortContext,
  portKind,
} from "./device_diagnosis.ts";

/** One device in a diagnostics report. */
export interface DeviceReport {
  /** Which device. */
  device: DeviceKind;
  /** Its configured driver. */
  driver: string;
  /** Its serial port, if any. */
  port: string | null;
  /** Its protocol's line speed, if serial. */
  baud_rate: number | null;
  /** Whether its port opened (or it is simulated). */
  connected: boolean;
  /** Whether it answered as it should. */
  healthy: boolean;
  /** What the diagnosis found, `ok` when healthy. */
  problem: DeviceProblem;
  /** The error, when it failed. */
  error: string | null;
  /** What to do, when it failed. */
  likely_fix: string | null;
  /** How long the probe took, ms; null when not probed. */
  elapsed_ms: number | null;
}

/** Options of {@linkcode probeDevices}. */
export interface ProbeOptions {
  /** Clock of the drivers; the wall clock by default. */
  clock?: Clock;
  /** Longest wait for one device, ms; default 5000. */
  timeoutMs?: number;
  /** The configuration file, named in the advice on permission flags. */
  configFile?: string;
}

type Section = "lens_turret" | "focus_motor" | "illumination";

const SERIAL: Partial<Record<DeviceKind, [Section, number]>> = {
  turret: ["lens_turret", TURRET_BAUD_RATE],
  focus_motor: ["focus_motor", FOCUS_BAUD_RATE],
  illumination: ["illumination", ILLUMINATION_BAUD_RATE],
};

/** Every device, in bring-up order. */
export const DEVICE_ORDER: readonly DeviceKind[] = [
  "turret",
  "focus_motor",
  "camera",
  "illumination",
  "temperature",
];

function portContext(config: Config, device: DeviceKind): PortContext {
  const serial = SERIAL[device];
  if (!serial) return { device };
  const section = config.hardware[serial[0]];
  if (section.driver === "simulated") return { device };
  return {
    device,
    port: section.port,
    baudRate: serial[1],
    portSetting: `hardware.${serial[0]}.port`,
  };
}

function isNotADevice(context: PortContext): boolean {
  return context.portKind === "file" || context.portKind === "directory" ||
    context.portKind === "other";
}

function driverOf(config: Config, device: DeviceKind): string {
  const hardware = config.hardware;
  switch (device) {
    case "turret":
      return hardware.lens_turret.driver;
    case "focus_motor":
      return hardware.focus_motor.driver;
    case "camera":
      return hardware.camera.driver;
    case "illumination":
      return hardware.illumination.driver;
    case "temperature":
      return hardware.temperature_sensor.driver;
  }
}

function baseReport(config: Config, device: DeviceKind): DeviceReport {
  const context = portContext(config, device);
  return {
    device,
    driver: driverOf(config, device),
    port: context.port ?? null,
    baud_rate: context.baudRate ?? null,
    connected: false,
    healthy: false,
    problem: "unknown",
    error: null,
    likely_fix: null,
    elapsed_ms: null,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function probeOne(
  scanner: Scanner,
  device: DeviceKind,
  signal: AbortSignal,
): Promise<void> {
  switch (device) {
    case "turret":
      return await scanner.turret.init(signal);
    case "focus_motor":
      return await scanner.focus.init(signal);
    case "camera":
      return await scanner.camera.init(signal);
    case "illumination":
      return await scanner.illumination.init(signal);
    case "temperature":
      await scanner.temperature.readC(signal);
  }
}

/**
 * Opens and initialises each configured device in turn and says how each
 * one did. A port path that is not a character device is reported without
 * being opened. Never throws for a device failure; closes every device
 * after.
 *
 * @param config a validated configuration
 * @param options clock and per-device timeout
 * @returns one report per device, in bring-up order
 */
export async function probeDevices(
  config: Config,
  options: ProbeOptions = {},
): Promise<DeviceReport[]> {
  const received = new Map<DeviceKind, string[]>();
  const reports = DEVICE_ORDER.map((device) => baseReport(config, device));
  const contexts = new Map<DeviceKind, PortContext>();
  for (const device of DEVICE_ORDER) {
    const context = portContext(config, device);
    contexts.set(device, {
      ...context,
      configFile: options.configFile,
      portKind: context.port === undefined
        ? undefined
        : await portKind(context.port),
    });
  }
  let scanner: Scanner;
  try {
    ({ scanner } = await createScanner(config, {
      clock: options.clock ?? new RealClock(),
      serialLog: (device, line) => {
        if (!line.startsWith("<-- ")) return;
        const lines = received.get(device) ?? [];
        lines.push(line.slice(4));
        received.set(device, lines);
      },
    }));
  } catch (error) {
    for (const report of reports) {
      const named = error instanceof ConfigError &&
        error.issues.some((issue) =>
          issue.key.startsWith(`hardware.${SERIAL[report.device]?.[0]}`)
        );
      const advice = adviseOnDeviceError(error, contexts.get(report.device)!);
      report.problem = named || !(error instanceof ConfigError)
        ? advice.problem
        : "unknown";
      report.error = named || !(error instanceof ConfigError)
        ? describe(error)
        : "not probed: the scanner could not be built";
      report.likely_fix = advice.likelyFix;
    }
    return reports;
  }

  try {
    for (const report of reports) {
      const context = contexts.get(report.device)!;
      if (isNotADevice(context)) {
        // Opening it would set terminal modes on, or write into, a file.
        const advice = adviseOnDeviceError(undefined, context);
        report.problem = advice.problem;
        report.error = `${context.port} is not a character device`;
        report.likely_fix = advice.likelyFix;
        continue;
      }
      const startMs = performance.now();
      const signal = AbortSignal.timeout(options.timeoutMs ?? 5000);
      try {
        await probeOne(scanner, report.device, signal);
        Object.assign(report, {
          connected: true,
          healthy: true,
          problem: "ok",
        });
      } catch (error) {
        const advice = adviseOnDeviceError(error, {
          ...context,
          received: received.get(report.device),
        });
        report.connected = !["permissions", "wrong_port", "configuration"]
          .includes(advice.problem);
        report.problem = advice.problem;
        report.error = describe(error);
        report.likely_fix = advice.likelyFix;
      }
      report.elapsed_ms = Math.round((performance.now() - startMs) * 10) / 10;
    }
  } finally {
    await scanner.close();
  }
  return reports;
}

/**
 * Each device of a running controller, from its phase, its device actors
 * and the last error a handoff reported for it; no device is touched.
 *
 * @param config the controller's configuration
 * @param view the phase, the notice, each device actor's state and the
 *   last error per device since the last successful handoff
 * @returns one report per device, in bring-up order
 */
export function serviceDeviceReports(
  config: Config,
  view: {
    phase: string;
    notice: string | null;
    states: Partial<Record<DeviceKind, string>>;
    lastErrors: Partial<Record<DeviceKind, string>>;
  },
): DeviceReport[] {
  const nameOf = (device: DeviceKind) => device.replace("_", " ");
  // Start-up brings the devices up in order and stops at the first failure.
  const failedAt = view.phase === "fault" && view.notice !== null
    ? DEVICE_ORDER.findIndex((device) =>
      view.notice!.toLowerCase().includes(nameOf(device))
    )
    : -1;
  return DEVICE_ORDER.map((device, index) => {
    const report = baseReport(config, device);
    if (failedAt >= 0 && index > failedAt) {
      report.error = null;
      report.likely_fix = `Not reached: start-up stopped at the ${
        nameOf(DEVICE_ORDER[failedAt])
      }; fix that first`;
      return report;
    }
    const actorState = view.states[device];
    const error = (index === failedAt ? view.notice : null) ??
      view.lastErrors[device] ??
      (actorState && /fault|disconnected|failed/.test(actorState)
        ? `the ${nameOf(device)} actor is ${actorState}`
        : null);
    report.connected = view.phase !== "starting" && index !== failedAt &&
      actorState !== "disconnected";
    report.healthy = error === null && view.phase !== "starting";
    report.problem = report.healthy ? "ok" : "unknown";
    if (error !== null) {
      const advice = adviseOnDeviceMessage(error, {
        ...portContext(config, device),
        command: "serve",
      });
      report.problem = advice.problem;
      report.error = error;
      report.likely_fix = advice.likelyFix;
    }
    return report;
  });
}
