/**
 * The controller over serial: the three emulators on real
 * pseudo-terminals, the service's serial drivers on the other side, a
 * simulated camera and temperature sensor, and a calibration file made up
 * front from the simulated world's true parfocal offsets, so start-up does
 * not calibrate. Real clock (real pty I/O), short timeouts.
 *
 * @module
 */

import type { AnyActorRef } from "xstate";
import { defaultConfig } from "../../config/load.ts";
import type { Config } from "../../config/schema.ts";
import { RealClock, type TimerId } from "../../domain/clock.ts";
import { createSimulatedWorld } from "../../drivers/simulated/world.ts";
import type { SerialFocusMotor } from "../../drivers/serial/focus_motor.ts";
import type { SerialIllumination } from "../../drivers/serial/illumination.ts";
import type { SerialTurret } from "../../drivers/serial/turret.ts";
import {
  type EmulatorPorts,
  type RunningEmulators,
  startEmulators,
} from "../../emulator/start_emulators.ts";
import { saveCalibration } from "../../mapping/calibration_file.ts";
import {
  mappingOptionsFromConfig,
  ParfocalMapping,
} from "../../mapping/parfocal_mapping.ts";
import type { CalibrationPoint } from "../../mapping/types.ts";
import { ScannerService } from "../../actors/scanner_service.ts";

/** Reply timeout of the turret beyond its switch time, ms. */
export const TURRET_TIMEOUT_MS = 150;

/** How long a port closed by a fault stays away, ms. */
export const REOPEN_AFTER_MS = 30;

/** The wall clock, counting the timers that are set and not yet done. */
export class WatchedClock extends RealClock {
  readonly #pending = new Set<TimerId>();

  /** Timers set, neither fired nor cleared. */
  get pendingTimers(): number {
    return this.#pending.size;
  }

  override setTimeout(fn: () => void, delayMs: number): TimerId {
    const id = super.setTimeout(() => {
      this.#pending.delete(id);
      fn();
    }, delayMs);
    this.#pending.add(id);
    return id;
  }

  override clearTimeout(id: TimerId): void {
    this.#pending.delete(id);
    super.clearTimeout(id);
  }
}

/**
 * A default configuration whose turret, piezo and LED are serial devices
 * on `ports`, with its files in `dir`.
 */
export function serialConfig(dir: string, ports: EmulatorPorts): Config {
  const config = defaultConfig(() => undefined);
  const hardware = config.hardware;
  hardware.lens_turret = {
    ...hardware.lens_turret,
    driver: "motorized_turret_v2",
    port: ports.turret,
    timeout_ms: TURRET_TIMEOUT_MS,
  };
  hardware.focus_motor = {
    ...hardware.focus_motor,
    driver: "piezo_focus_v3",
    port: ports.focus,
  };
  hardware.illumination = {
    ...hardware.illumination,
    driver: "led_controller",
    port: ports.illumination,
  };
  config.paths.data_dir = dir;
  config.paths.calibration_file = `${dir}/calibration.json`;
  config.paths.log_dir = `${dir}/logs`;
  // In-process requests (`app.request`) have no peer address for the
  // allowlist; the security layers have their own tests.
  config.security.allowed_ips = [];
  return config;
}

/**
 * Writes the calibration a perfect calibration run would make: the
 * simulated world's true lens-B focus over a grid of z and temperature.
 */
export async function writeTrueCalibration(config: Config): Promise<void> {
  const world = createSimulatedWorld(config, new RealClock());
  const points: CalibrationPoint[] = [];
  for (const temperatureC of [21, 22, 23]) {
    for (let zAUm = -12; zAUm <= 12; zAUm += 3) {
      const offsetUm = world.trueParfocalOffsetUm(zAUm, temperatureC);
      points.push({ zAUm, zBUm: zAUm + offsetUm, temperatureC });
    }
  }
  const mapping = ParfocalMapping.fit(
    points,
    mappingOptionsFromConfig(config),
    { scannerName: config.system.name, calibratedAt: new Date() },
  );
  await saveCalibration(config.paths.calibration_file, mapping);
}

/** The serial drivers the service built. */
export interface SerialDrivers {
  turret: SerialTurret;
  focus: SerialFocusMotor;
  illumination: SerialIllumination;
}

/** A service over emulated serial devices. */
export interface SerialServiceRig {
  /** The configuration the service runs on. */
  config: Config;
  /** The emulators and their fault switches. */
  emulators: RunningEmulators;
  /** The running service, its start-up ended. */
  service: ScannerService;
  /** The service's clock. */
  clock: WatchedClock;
  /** The service's serial drivers. */
  drivers: SerialDrivers;
  /** Serial traffic as the emulated devices saw it. */
  traffic: string[];
  /** Stops the service and the emulators and removes the files. */
  close(): Promise<void>;
}

/** What to do before the service starts. */
export interface SerialServiceOptions {
  /** Called with the emulators before the service opens its ports. */
  beforeStart?: (emulators: RunningEmulators) => void;
}

/** Starts the emulators, then the service on their ports. */
export async function startSerialService(
  options: SerialServiceOptions = {},
): Promise<SerialServiceRig> {
  const dir = await Deno.makeTempDir({ prefix: "autofocus-serial-" });
  const traffic: string[] = [];
  const emulators = await startEmulators(defaultConfig(() => undefined), {
    reopenAfterMs: REOPEN_AFTER_MS,
    log: (line) => traffic.push(line),
  });
  const config = serialConfig(dir, emulators.ports);
  await writeTrueCalibration(config);
  options.beforeStart?.(emulators);
  const clock = new WatchedClock();
  const service = await ScannerService.start(config, { clock });
  await service.whenStarted();
  const scanner = service.scanner;
  return {
    config,
    emulators,
    service,
    clock,
    drivers: {
      turret: scanner.turret as SerialTurret,
      focus: scanner.focus as SerialFocusMotor,
      illumination: scanner.illumination as SerialIllumination,
    },
    traffic,
    close: async () => {
      await service.stop();
      await emulators.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** The turret or focus motor actor of a running service. */
export function deviceActor(
  service: ScannerService,
  systemId: "turret" | "focus_motor",
): AnyActorRef {
  const actor = service.supervisor.system.get(systemId);
  if (actor === undefined) {
    throw new Error(`No ${systemId} actor: the service has not started`);
  }
  return actor as AnyActorRef;
}

/**
 * Resolves with the actor's snapshot once `accept` holds for it.
 *
 * @param actor the actor to watch
 * @param accept the condition on its state value and context
 */
export function stateOf(
  actor: AnyActorRef,
  accept: (value: string, context: Record<string, unknown>) => boolean,
): Promise<{ value: string; context: Record<string, unknown> }> {
  const view = () => {
    const snapshot = actor.getSnapshot();
    return { value: String(snapshot.value), context: snapshot.context };
  };
  return new Promise((resolve) => {
    const now = view();
    if (accept(now.value, now.context)) {
      resolve(now);
      return;
    }
    const subscription = actor.subscribe(() => {
      const next = view();
      if (!accept(next.value, next.context)) return;
      subscription.unsubscribe();
      resolve(next);
    });
  });
}

/** Resolves once neither the turret nor the focus motor is at work. */
export async function devicesAtRest(service: ScannerService): Promise<void> {
  const atRest = (value: string) => !["switching", "moving"].includes(value);
  await stateOf(deviceActor(service, "turret"), atRest);
  await stateOf(deviceActor(service, "focus_motor"), atRest);
}

/** Commands sent or queued and not yet answered, per device. */
export function pendingCommands(drivers: SerialDrivers): {
  turret: number;
  focus: number;
  illumination: number;
} {
  return {
    turret: drivers.turret.transport.pendingCommands,
    focus: drivers.focus.transport.pendingCommands,
    illumination: drivers.illumination.transport.pendingCommands,
  };
}

/**
 * Calls `act` once, as soon as the next handoff has left its preparation
 * (the simulator's scan positioning) and starts talking to the devices,
 * so a fault set there hits the handoff itself.
 */
export function whenHandoffRuns(service: ScannerService, act: () => void) {
  const subscription = service.supervisor.subscribe((snapshot) => {
    if (!snapshot.matches({ handoff: "running" })) return;
    subscription.unsubscribe();
    act();
  });
}
