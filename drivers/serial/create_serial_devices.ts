/**
 * Serial devices from configuration: the `motorized_turret_v2`,
 * `piezo_focus_v3` and `led_controller` drivers on the ports the
 * `hardware` section names.
 *
 * When the rest of the scanner is simulated (a simulated camera renders
 * frames from a {@linkcode SimulatedWorld}), the world is told what the
 * serial turret and focus motor did, so frames show the lens and focus
 * the real devices reached.
 *
 * @module
 */

import { lensProfiles } from "../../config/lenses.ts";
import { ConfigError } from "../../config/errors.ts";
import type { Config } from "../../config/schema.ts";
import type { Clock } from "../../domain/clock.ts";
import type { LensId } from "../../domain/lens.ts";
import type { SimulatedWorld } from "../simulated/world.ts";
import type { DeviceKind } from "../types.ts";
import { SerialFocusMotor } from "./focus_motor.ts";
import { SerialIllumination } from "./illumination.ts";
import { SerialTurret } from "./turret.ts";

/** What the serial device factories need besides the configuration. */
export interface SerialFactoryOptions {
  /** Clock for timeouts, polls and backoff. */
  clock: Clock;
  /** Receives serial traffic (`--> CMD`, `<-- REPLY`) per device. */
  log?: (device: DeviceKind, line: string) => void;
  /** The world to keep in step with the devices, if one is in use. */
  world?: () => SimulatedWorld | undefined;
}

function portOf(
  section: "lens_turret" | "focus_motor" | "illumination",
  config: Config,
): string {
  const { driver, port } = config.hardware[section];
  if (port !== undefined && port.length > 0) return port;
  throw new ConfigError("hardware section", [{
    key: `hardware.${section}.port`,
    found: "nothing",
    allowed: `driver ${driver} needs the serial port's path, e.g. /dev/ttyUSB0`,
  }]);
}

function logFor(device: DeviceKind, options: SerialFactoryOptions) {
  const log = options.log;
  return log && ((line: string) => log(device, line));
}

/**
 * The serial turret of `hardware.lens_turret`.
 *
 * @throws ConfigError when the port is not configured
 */
export function createSerialTurret(
  config: Config,
  options: SerialFactoryOptions,
): SerialTurret {
  const section = config.hardware.lens_turret;
  return new SerialTurret({
    path: portOf("lens_turret", config),
    clock: options.clock,
    log: logFor("turret", options),
    switchTimeMs: section.switch_time_ms,
    timeoutMs: section.timeout_ms,
    onLensChange: (lens) => options.world?.()?.setLensInPath(lens),
  });
}

/**
 * The serial focus motor of `hardware.focus_motor`.
 *
 * @param lensInPlace the lens in place, usually the turret's `currentLens`
 * @throws ConfigError when the port is not configured
 */
export function createSerialFocusMotor(
  config: Config,
  options: SerialFactoryOptions & { lensInPlace: () => LensId | null },
): SerialFocusMotor {
  return new SerialFocusMotor({
    path: portOf("focus_motor", config),
    clock: options.clock,
    log: logFor("focus_motor", options),
    lenses: lensProfiles(config),
    lensInPlace: options.lensInPlace,
    precisionUm: config.hardware.focus_motor.precision_um,
    onMove: (move) =>
      options.world?.()?.commandFocusMove({
        reportedUm: move.toUm,
        physicalUm: move.toUm,
        travelMs: move.travelMs,
        settleMs: move.settleMs,
      }),
  });
}

/**
 * The serial LED of `hardware.illumination`.
 *
 * @throws ConfigError when the port is not configured
 */
export function createSerialIllumination(
  config: Config,
  options: SerialFactoryOptions,
): SerialIllumination {
  const section = config.hardware.illumination;
  return new SerialIllumination({
    path: portOf("illumination", config),
    clock: options.clock,
    log: logFor("illumination", options),
    maxBrightness: section.max_brightness,
    defaultBrightness: section.default_brightness,
  });
}
