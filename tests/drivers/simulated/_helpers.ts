/**
 * Shared set-up of the simulated-driver tests: a world on a simulated clock
 * and a gradient-energy score written here, independent of the focus code.
 *
 * @module
 */

import { SimulatedClock } from "../../../domain/clock.ts";
import type { GrayImage } from "../../../domain/frame.ts";
import { defaultConfig } from "../../../config/load.ts";
import type { Config } from "../../../config/schema.ts";
import {
  createSimulatedWorld,
  type SimulatedWorld,
} from "../../../drivers/simulated/world.ts";
import { SimulatedCamera } from "../../../drivers/simulated/camera.ts";
import { SimulatedFocusMotor } from "../../../drivers/simulated/focus_motor.ts";
import { SimulatedTurret } from "../../../drivers/simulated/turret.ts";

/** A simulated world with its devices, on a simulated clock. */
export interface Rig {
  clock: SimulatedClock;
  config: Config;
  world: SimulatedWorld;
  turret: SimulatedTurret;
  motor: SimulatedFocusMotor;
  camera: SimulatedCamera;
}

/**
 * Builds a rig from the embedded default configuration.
 *
 * @param seed the simulation seed, 1 by default
 */
export function makeRig(seed = 1): Rig {
  const clock = new SimulatedClock();
  const base = defaultConfig(() => undefined);
  const config = { ...base, simulation: { ...base.simulation, seed } };
  const world = createSimulatedWorld(config, clock);
  return {
    clock,
    config,
    world,
    turret: new SimulatedTurret(world),
    motor: new SimulatedFocusMotor(world),
    camera: new SimulatedCamera(world),
  };
}

/**
 * Mean squared difference of horizontal and vertical neighbours.
 *
 * @param image the frame
 */
export function gradientEnergy(image: GrayImage): number {
  const { widthPx, heightPx, pixels } = image;
  let sum = 0;
  for (let y = 0; y < heightPx - 1; y++) {
    for (let x = 0; x < widthPx - 1; x++) {
      const i = y * widthPx + x;
      sum += (pixels[i + 1] - pixels[i]) ** 2 +
        (pixels[i + widthPx] - pixels[i]) ** 2;
    }
  }
  return sum / ((widthPx - 1) * (heightPx - 1));
}

/**
 * Standard deviation of the pixel values.
 *
 * @param image the frame
 */
export function pixelStdDev(image: GrayImage): number {
  let sum = 0;
  let sumSq = 0;
  for (const value of image.pixels) {
    sum += value;
    sumSq += value * value;
  }
  const n = image.pixels.length;
  return Math.sqrt(sumSq / n - (sum / n) ** 2);
}

/**
 * Rounds to the focus motor's 0.01 um precision.
 *
 * @param zUm a position, um
 */
export function toStep(zUm: number): number {
  return Math.round(zUm * 100) / 100;
}
