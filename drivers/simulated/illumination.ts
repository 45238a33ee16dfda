/**
 * The simulated LED. Its level changes the simulated frames' brightness a
 * little (see the camera), never their sharpness.
 *
 * @module
 */

import type { Clock } from "../../domain/clock.ts";
import { DeviceDisconnectedError } from "../errors.ts";
import type { Illumination } from "../types.ts";
import type { SimulatedWorld } from "./world.ts";

/** A command round trip to the LED controller, ms. */
const COMMAND_MS = 0.5;

/** Options of {@linkcode SimulatedIllumination}. */
export interface SimulatedIlluminationOptions {
  /** Clock to wait on; the world's by default. */
  clock?: Clock;
}

/** An LED that lights the world's slide. */
export class SimulatedIllumination implements Illumination {
  readonly #world: SimulatedWorld;
  readonly #clock: Clock;
  readonly #maxLevel: number;
  readonly #defaultLevel: number;
  #closed = false;

  /**
   * @param world the world whose light level the LED sets
   * @param options the clock; the world's by default
   */
  constructor(
    world: SimulatedWorld,
    options: SimulatedIlluminationOptions = {},
  ) {
    const config = world.config.hardware.illumination;
    this.#world = world;
    this.#clock = options.clock ?? world.clock;
    this.#maxLevel = config.max_brightness;
    this.#defaultLevel = Math.min(
      config.default_brightness,
      config.max_brightness,
    );
  }

  /**
   * Brings the LED up at `hardware.illumination.default_brightness`.
   *
   * @throws {DeviceDisconnectedError} when the LED is closed
   */
  async init(signal?: AbortSignal): Promise<void> {
    await this.setBrightness(this.#defaultLevel, signal);
  }

  /**
   * Sets the level.
   *
   * @param level an integer in 0..max_brightness
   * @throws {RangeError} when `level` is outside 0..max_brightness
   * @throws {DeviceDisconnectedError} when the LED is closed
   */
  async setBrightness(level: number, signal?: AbortSignal): Promise<void> {
    if (!Number.isInteger(level) || level < 0 || level > this.#maxLevel) {
      throw new RangeError(
        `Cannot set brightness to ${level}: the LED accepts whole levels 0..${this.#maxLevel}`,
      );
    }
    this.#checkOpen(`set brightness to ${level}`);
    await this.#clock.sleep(COMMAND_MS, signal);
    this.#world.setIlluminationLevel(level);
  }

  /**
   * Reads the level back.
   *
   * @throws {DeviceDisconnectedError} when the LED is closed
   */
  async readBrightness(signal?: AbortSignal): Promise<number> {
    this.#checkOpen("read the brightness");
    await this.#clock.sleep(COMMAND_MS, signal);
    return this.#world.illuminationLevel();
  }

  /** Releases the LED; later commands throw `DeviceDisconnectedError`. */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #checkOpen(command: string): void {
    if (!this.#closed) return;
    throw new DeviceDisconnectedError(
      "illumination",
      `Cannot ${command}: the simulated LED is closed; create a new scanner`,
    );
  }
}
