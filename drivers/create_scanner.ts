/**
 * Builds the scanner a configuration describes: each device by its
 * `driver`, so a simulated device and a real one swap by configuration
 * alone. Devices are created, not initialised; the supervisor brings them
 * up. Every simulated device shares one {@linkcode SimulatedWorld}.
 *
 * @module
 */

import type { Clock } from "../domain/clock.ts";
import type { Config } from "../config/schema.ts";
import type {
  Camera,
  FieldStage,
  FocusMotor,
  Illumination,
  Scanner,
  TemperatureSensor,
  Turret,
} from "./types.ts";
import {
  createSimulatedWorld,
  type SimulatedWorld,
} from "./simulated/world.ts";
import { SimulatedTurret } from "./simulated/turret.ts";
import { SimulatedFocusMotor } from "./simulated/focus_motor.ts";
import { SimulatedCamera } from "./simulated/camera.ts";
import { SimulatedIllumination } from "./simulated/illumination.ts";
import { SimulatedTemperatureSensor } from "./simulated/temperature_sensor.ts";
import { SimulatedFieldStage } from "./simulated/field_stage.ts";
import { loadImageStack } from "./image_stack.ts";
import { StackFocusMotor, StackReplayCamera } from "./stack_replay_camera.ts";
import {
  createSerialFocusMotor,
  createSerialIllumination,
  createSerialTurret,
  type SerialFactoryOptions,
} from "./serial/create_serial_devices.ts";

/** What {@linkcode createScanner} needs besides the configuration. */
export interface CreateScannerOptions {
  /** The clock every device waits on. */
  clock: Clock;
  /** A world to reuse; a new one from `simulation:` when a device needs one. */
  world?: SimulatedWorld;
  /** Receives the serial devices' traffic (`--> CMD`, `<-- REPLY`). */
  serialLog?: SerialFactoryOptions["log"];
}

/** A scanner and, when any device is simulated, its world. */
export interface CreatedScanner {
  /** Every device of the scanner. */
  scanner: Scanner;
  /** The simulated world, when a simulated device uses it. */
  world?: SimulatedWorld;
}

/**
 * Creates every device of the configured scanner.
 *
 * With the `stack_replay` camera and a simulated focus motor, the motor is
 * a {@linkcode StackFocusMotor} spanning the stack (0..(n-1) * z_step_um).
 *
 * @param config a validated configuration
 * @param options the clock and an optional world
 * @returns the scanner, and the world if one is in use
 * @throws {ConfigError} when a serial device has no `port`
 * @throws {Error} when the focus stack cannot be loaded
 */
export async function createScanner(
  config: Config,
  options: CreateScannerOptions,
): Promise<CreatedScanner> {
  const { clock } = options;
  const hardware = config.hardware;
  let world = options.world;
  const needWorld = () => (world ??= createSimulatedWorld(config, clock));
  const created: { close(): Promise<void> }[] = [];
  // Serial devices keep the world (if any) in step, for a simulated camera.
  const serial = { clock, log: options.serialLog, world: () => world };
  const keep = <T extends { close(): Promise<void> }>(device: T): T => {
    created.push(device);
    return device;
  };

  try {
    let turret: Turret;
    switch (hardware.lens_turret.driver) {
      case "simulated":
        turret = keep(new SimulatedTurret(needWorld(), { clock }));
        break;
      case "motorized_turret_v2":
        turret = keep(createSerialTurret(config, serial));
        break;
    }

    const stack = hardware.camera.driver === "stack_replay"
      ? await loadImageStack(hardware.camera.stack_dir ?? "")
      : undefined;

    let focus: FocusMotor;
    switch (hardware.focus_motor.driver) {
      case "simulated":
        focus = keep(
          stack
            ? new StackFocusMotor({
              sliceCount: stack.length,
              zStepUm: hardware.camera.z_step_um,
              clock,
              speedUmPerS: hardware.focus_motor.speed_um_per_s,
            })
            : new SimulatedFocusMotor(needWorld(), { clock }),
        );
        break;
      case "piezo_focus_v3":
        focus = keep(
          createSerialFocusMotor(config, {
            ...serial,
            lensInPlace: () => turret.currentLens(),
          }),
        );
        break;
    }

    let camera: Camera;
    let stage: FieldStage | undefined;
    switch (hardware.camera.driver) {
      case "simulated":
        camera = keep(new SimulatedCamera(needWorld(), { clock }));
        stage = new SimulatedFieldStage(needWorld(), { clock });
        break;
      case "stack_replay":
        camera = keep(
          new StackReplayCamera({
            slices: stack ?? [],
            zStepUm: hardware.camera.z_step_um,
            focusPositionUm: () => focus.positionUm(),
            clock,
            exposureMs: hardware.camera.exposure_ms,
            lens: () => turret.currentLens(),
          }),
        );
        break;
    }

    let illumination: Illumination;
    switch (hardware.illumination.driver) {
      case "simulated":
        illumination = keep(new SimulatedIllumination(needWorld(), { clock }));
        break;
      case "led_controller":
        illumination = keep(createSerialIllumination(config, serial));
        break;
    }

    let temperature: TemperatureSensor;
    switch (hardware.temperature_sensor.driver) {
      case "simulated":
        temperature = keep(
          new SimulatedTemperatureSensor(needWorld(), { clock }),
        );
        break;
    }

    const scanner: Scanner = {
      turret,
      focus,
      camera,
      illumination,
      temperature,
      ...(stage ? { stage } : {}),
      close: () => closeAll(created),
    };
    return world ? { scanner, world } : { scanner };
  } catch (error) {
    await Promise.allSettled(
      created.map(async (device) => await device.close()),
    );
    throw error;
  }
}

async function closeAll(devices: { close(): Promise<void> }[]): Promise<void> {
  const results = await Promise.allSettled(
    // An async wrapper turns a close that throws at once into a rejection.
    devices.map(async (device) => await device.close()),
  );
  const failures = results.flatMap((result) =>
    result.status === "rejected" ? [result.reason] : []
  );
  if (failures.length > 0) {
    throw new AggregateError(
      failures,
      `Could not close ${failures.length} of ${devices.length} devices; the others are closed: ${
        failures.map((f) => f instanceof Error ? f.message : String(f)).join(
          "; ",
        )
      }`,
    );
  }
}
