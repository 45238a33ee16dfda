/**
 * The simulated temperature sensor near the objectives: the world's
 * temperature with a little noise, at 0.01 C resolution.
 *
 * @module
 */

import type { Clock } from "../../domain/clock.ts";
import { DeviceDisconnectedError } from "../errors.ts";
import type { TemperatureSensor } from "../types.ts";
import type { Prng } from "./prng.ts";
import type { SimulatedWorld } from "./world.ts";

/** Conversion time of one reading, ms. */
const READ_MS = 1;
/** Standard deviation of the reading noise, degrees C. */
const NOISE_C = 0.02;
/** Resolution of a reading, degrees C. */
const RESOLUTION_C = 0.01;

/** Options of {@linkcode SimulatedTemperatureSensor}. */
export interface SimulatedTemperatureSensorOptions {
  /** Clock to wait on; the world's by default. */
  clock?: Clock;
}

/** A sensor that reads the world's temperature. */
export class SimulatedTemperatureSensor implements TemperatureSensor {
  readonly #world: SimulatedWorld;
  readonly #clock: Clock;
  readonly #noise: Prng;
  #closed = false;

  /**
   * @param world the world whose temperature the sensor reads
   * @param options the clock; the world's by default
   */
  constructor(
    world: SimulatedWorld,
    options: SimulatedTemperatureSensorOptions = {},
  ) {
    this.#world = world;
    this.#clock = options.clock ?? world.clock;
    this.#noise = world.noiseStream(3);
  }

  /**
   * Reads the temperature.
   *
   * @returns degrees C, rounded to 0.01
   * @throws {DeviceDisconnectedError} when the sensor is closed
   */
  async readC(signal?: AbortSignal): Promise<number> {
    if (this.#closed) {
      throw new DeviceDisconnectedError(
        "temperature",
        "Cannot read the temperature: the simulated sensor is closed; create a new scanner",
      );
    }
    await this.#clock.sleep(READ_MS, signal);
    const readingC = this.#world.temperatureC() +
      NOISE_C * this.#noise.normal();
    return Number(
      (Math.round(readingC / RESOLUTION_C) * RESOLUTION_C).toFixed(2),
    );
  }

  /** Releases the sensor; later reads throw `DeviceDisconnectedError`. */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}
