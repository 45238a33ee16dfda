/**
 * Runs emulators of the turret, focus controller and LED behind
 * pseudo-terminals, for `main.ts emulate` and for tests. Each port is a
 * symbolic link in `linkDir` to the current pseudo-terminal, so a port
 * closed by a fault comes back at the same path.
 *
 * The devices act on one simulated world (the simulator's physics and
 * timing from the configuration), on the wall clock.
 *
 * Permissions: `--allow-ffi` naming libc (pseudo-terminals and links are
 * made through it) and, without `linkDir`, `--allow-write` for the system's
 * temporary folder, where a link folder is created and removed.
 *
 * @module
 */

import type { Config } from "../config/schema.ts";
import { type Clock, RealClock } from "../domain/clock.ts";
import {
  createSimulatedWorld,
  type SimulatedWorld,
} from "../drivers/simulated/world.ts";
import { EmulatedPort } from "./_emulated_port.ts";
import type { FaultSwitch } from "./fault_switch.ts";
import { FocusEmulator } from "./focus_emulator.ts";
import { IlluminationEmulator } from "./illumination_emulator.ts";
import type { LineDevice } from "./line_device.ts";
import { TurretEmulator } from "./turret_emulator.ts";

/** Options of {@linkcode startEmulators}. */
export interface EmulatorOptions {
  /** Folder for the port links; a new temporary folder by default. */
  linkDir?: string;
  /** The world the devices act on; a new one from the configuration by default. */
  world?: SimulatedWorld;
  /** Clock for device timing; the wall clock by default. */
  clock?: Clock;
  /** Receives each line of traffic as the devices see it. */
  log?: (line: string) => void;
  /** How long a port closed by a `close` fault stays away, ms; default 200. */
  reopenAfterMs?: number;
}

/** The port paths of the emulated devices. */
export interface EmulatorPorts {
  /** Turret port (for `hardware.lens_turret.port`). */
  turret: string;
  /** Focus controller port (for `hardware.focus_motor.port`). */
  focus: string;
  /** LED port (for `hardware.illumination.port`). */
  illumination: string;
}

/** The fault switches of each emulated device. */
export interface EmulatorFaults {
  /** Turret faults. */
  turret: FaultSwitch;
  /** Focus controller faults. */
  focus: FaultSwitch;
  /** LED faults. */
  illumination: FaultSwitch;
}

/** Running emulators. */
export interface RunningEmulators {
  /** Where drivers connect. */
  ports: EmulatorPorts;
  /** Fault switches, per device. */
  faults: EmulatorFaults;
  /** The devices themselves, for tests that inspect their state. */
  devices: {
    turret: TurretEmulator;
    focus: FocusEmulator;
    illumination: IlluminationEmulator;
  };
  /** The world the devices act on. */
  world: SimulatedWorld;
  /** Stops the devices, closes the ports and removes the links. */
  close(): Promise<void>;
}

/**
 * Starts the three emulators.
 *
 * @param config a validated configuration (switch time, lenses, precision)
 * @param options link folder, world, clock, logger
 * @returns the ports, the fault switches and `close()`
 * @throws Error when a pseudo-terminal or a link cannot be created
 */
export async function startEmulators(
  config: Config,
  options: EmulatorOptions = {},
): Promise<RunningEmulators> {
  const clock = options.clock ?? new RealClock();
  const world = options.world ?? createSimulatedWorld(config, clock);
  const ownDir = options.linkDir === undefined;
  const linkDir = options.linkDir ??
    await Deno.makeTempDir({ prefix: "autofocus-emulator-" });
  const context = {
    world,
    clock,
    log: options.log,
    reopenAfterMs: options.reopenAfterMs ?? 200,
  };
  const devices = {
    turret: new TurretEmulator(
      context,
      config.hardware.lens_turret.switch_time_ms,
    ),
    focus: new FocusEmulator(context, config.hardware.focus_motor.precision_um),
    illumination: new IlluminationEmulator(context),
  };

  const ports: EmulatedPort[] = [];
  const stopAll = async () => {
    const all: LineDevice[] = Object.values(devices);
    await Promise.allSettled(all.map((device) => device.stop()));
    await Promise.allSettled(ports.map((port) => port.close()));
    if (ownDir) await Deno.remove(linkDir, { recursive: true });
  };
  const attach = async (name: string, device: LineDevice) => {
    const port = await EmulatedPort.open(
      `${linkDir}/${name}`,
      clock,
      (line) => device.receive(line),
    );
    ports.push(port);
    device.attach(port);
    return port.path;
  };

  try {
    const emulatorPorts: EmulatorPorts = {
      turret: await attach("turret", devices.turret),
      focus: await attach("focus", devices.focus),
      illumination: await attach("illumination", devices.illumination),
    };
    let closing: Promise<void> | undefined;
    return {
      ports: emulatorPorts,
      faults: {
        turret: devices.turret.faults,
        focus: devices.focus.faults,
        illumination: devices.illumination.faults,
      },
      devices,
      world,
      close: () => (closing ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
