/**
 * The LED controller on a serial line (`led_controller`, 115200 baud):
 * `BRIGHT n` (0..255) answers `OK`, `BRIGHT?` answers the level.
 *
 * @module
 */

import type { LineTransport } from "../../serial/line_transport.ts";
import { DeviceFaultError } from "../errors.ts";
import type { DeviceLinkChange, Illumination } from "../types.ts";
import {
  createTransport,
  type SerialDeviceOptions,
  STATUS_WORD,
  watchLink,
} from "./_serial_device.ts";

/** Line speed of the LED controller. */
export const ILLUMINATION_BAUD_RATE = 115200;

/** Options of {@linkcode SerialIllumination}. */
export interface SerialIlluminationOptions extends SerialDeviceOptions {
  /** Highest level allowed (`hardware.illumination.max_brightness`). */
  maxBrightness: number;
  /** Level set by `init()` (`hardware.illumination.default_brightness`). */
  defaultBrightness: number;
  /** Reply timeout, ms; default 500. */
  timeoutMs?: number;
}

/** An LED driven over its serial protocol. */
export class SerialIllumination implements Illumination {
  /** The line transport; subscribe to its state changes. */
  readonly transport: LineTransport;
  readonly #options: SerialIlluminationOptions;

  /** @param options port, limits and logger */
  constructor(options: SerialIlluminationOptions) {
    this.#options = options;
    this.transport = createTransport(
      "illumination",
      ILLUMINATION_BAUD_RATE,
      "hardware.illumination.port",
      options,
    );
  }

  /**
   * Opens the port and sets the default level.
   *
   * @throws DeviceDisconnectedError when the port cannot be opened
   * @throws DeviceTimeoutError when the LED does not answer
   */
  async init(signal?: AbortSignal): Promise<void> {
    await this.transport.open(signal);
    const level = Math.min(
      this.#options.defaultBrightness,
      this.#options.maxBrightness,
    );
    await this.setBrightness(level, signal);
  }

  /**
   * Sets the level.
   *
   * @param level an integer in 0..max_brightness
   * @throws RangeError when `level` is outside 0..max_brightness
   * @throws DeviceFaultError when the LED answers anything but `OK`
   */
  async setBrightness(level: number, signal?: AbortSignal): Promise<void> {
    const maxLevel = this.#options.maxBrightness;
    if (!Number.isInteger(level) || level < 0 || level > maxLevel) {
      throw new RangeError(
        `Cannot set brightness to ${level}: the LED accepts whole levels 0..${maxLevel}`,
      );
    }
    await this.transport.request(`BRIGHT ${level}`, {
      reply: /^OK$/,
      fault: STATUS_WORD,
      timeoutMs: this.#timeoutMs(),
      signal,
    });
  }

  /**
   * Reads the level back from the controller.
   *
   * @throws DeviceFaultError when the controller answers a fault
   */
  async readBrightness(signal?: AbortSignal): Promise<number> {
    const reply = await this.transport.request("BRIGHT?", {
      reply: /^\d{1,3}$/,
      fault: STATUS_WORD,
      timeoutMs: this.#timeoutMs(),
      signal,
    });
    const level = Number(reply);
    if (level > 255) {
      throw new DeviceFaultError(
        "illumination",
        `The LED on ${this.transport.path} reported level ${reply}, above 255; check the controller's firmware`,
        reply,
      );
    }
    return level;
  }

  /**
   * Calls `listener` when the port goes away and when it is back.
   *
   * @returns a function that stops the calls
   */
  onConnectionChange(
    listener: (change: DeviceLinkChange) => void,
  ): () => void {
    return watchLink(this.transport, listener);
  }

  /** Closes the port. */
  close(): Promise<void> {
    return this.transport.close();
  }

  #timeoutMs(): number {
    return this.#options.timeoutMs ?? 500;
  }
}
