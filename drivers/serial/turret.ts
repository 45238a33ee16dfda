/**
 * The motorised turret on a serial line (`motorized_turret_v2`, 115200
 * baud): `INIT` answers `OK`; `SWITCH_LENS_A` and `SWITCH_LENS_B` answer
 * `COMPLETE` once the lens is in place, and any other status word is a
 * failed switch.
 *
 * After a failed, timed-out or interrupted switch, or a lost port, the
 * lens in place is unknown (`currentLens()` is `null`) until a switch
 * succeeds; after a lost port the next switch sends `INIT` first.
 *
 * @module
 */

import type { LensId } from "../../domain/lens.ts";
import type { LineTransport } from "../../serial/line_transport.ts";
import {
  DeviceDisconnectedError,
  DeviceFaultError,
  DeviceTimeoutError,
} from "../errors.ts";
import type { DeviceLinkChange, Turret } from "../types.ts";
import {
  createTransport,
  type SerialDeviceOptions,
  STATUS_WORD,
  watchLink,
} from "./_serial_device.ts";

/** Line speed of the turret controller. */
export const TURRET_BAUD_RATE = 115200;

/** Options of {@linkcode SerialTurret}. */
export interface SerialTurretOptions extends SerialDeviceOptions {
  /** Time a switch takes, ms (`hardware.lens_turret.switch_time_ms`). */
  switchTimeMs: number;
  /** Reply timeout beyond the switch time, ms; default 1000. */
  timeoutMs?: number;
  /** Told whenever the known lens changes (`null`: unknown). */
  onLensChange?: (lens: LensId | null) => void;
}

/** A turret driven over its serial protocol. */
export class SerialTurret implements Turret {
  /** The line transport; subscribe to its state changes. */
  readonly transport: LineTransport;
  readonly #options: SerialTurretOptions;
  readonly #timeoutMs: number;
  #lens: LensId | null = null;
  #needsInit = false;

  /** @param options port, timings and logger */
  constructor(options: SerialTurretOptions) {
    this.#options = options;
    this.#timeoutMs = options.timeoutMs ?? 1000;
    this.transport = createTransport(
      "turret",
      TURRET_BAUD_RATE,
      "hardware.lens_turret.port",
      options,
    );
    this.transport.onStateChange((change) => {
      if (change.state !== "disconnected") return;
      this.#needsInit = true;
      this.#setLens(null);
    });
  }

  /**
   * Opens the port and sends `INIT`. The lens stays unknown until a switch.
   *
   * @throws DeviceDisconnectedError when the port cannot be opened
   * @throws DeviceTimeoutError when `INIT` is not answered
   * @throws DeviceFaultError when the turret rejects `INIT`
   */
  async init(signal?: AbortSignal): Promise<void> {
    await this.transport.open(signal);
    await this.#sendInit(signal);
  }

  /**
   * Turns `lens` into place; resolves once the turret reports `COMPLETE`.
   *
   * @throws DeviceFaultError when the turret answers anything else
   * @throws DeviceTimeoutError when it does not answer in time
   * @throws DeviceDisconnectedError when the port is or goes away
   */
  async switchTo(lens: LensId, signal?: AbortSignal): Promise<void> {
    const command = `SWITCH_LENS_${lens}`;
    this.#setLens(null);
    if (this.#needsInit) await this.#sendInit(signal);
    try {
      await this.transport.request(command, {
        reply: /^COMPLETE$/,
        fault: STATUS_WORD,
        timeoutMs: this.#options.switchTimeMs + this.#timeoutMs,
        signal,
      });
    } catch (error) {
      throw this.#explainSwitch(lens, error);
    }
    this.#setLens(lens);
  }

  /** The lens known to be in place, or `null` when unknown. */
  currentLens(): LensId | null {
    return this.#lens;
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

  async #sendInit(signal?: AbortSignal): Promise<void> {
    const path = this.transport.path;
    try {
      await this.transport.request("INIT", {
        reply: /^OK$/,
        fault: STATUS_WORD,
        timeoutMs: this.#timeoutMs,
        signal,
      });
      this.#needsInit = false;
    } catch (error) {
      if (error instanceof DeviceTimeoutError) {
        throw new DeviceTimeoutError(
          "turret",
          `The turret did not answer INIT on ${path} within ${error.timeoutMs} ms; check that it is powered, that its cable is on ${path} (hardware.lens_turret.port) and that it runs at ${TURRET_BAUD_RATE} baud`,
          error.timeoutMs,
          { cause: error },
        );
      }
      if (error instanceof DeviceFaultError) {
        throw new DeviceFaultError(
          "turret",
          `The turret on ${path} rejected INIT with "${error.reply}"; check that nothing blocks the turret, then power-cycle it`,
          error.reply,
          { cause: error },
        );
      }
      throw error;
    }
  }

  #explainSwitch(lens: LensId, error: unknown): unknown {
    const what = `Cannot switch the turret to lens ${lens}`;
    const after = "the lens in place is now unknown";
    if (error instanceof DeviceFaultError) {
      return new DeviceFaultError(
        "turret",
        `${what}: it answered "${error.reply}" instead of COMPLETE; ${after}; check that nothing blocks the turret and switch again`,
        error.reply,
        { cause: error },
      );
    }
    if (error instanceof DeviceTimeoutError) {
      return new DeviceTimeoutError(
        "turret",
        `${what}: no COMPLETE within ${error.timeoutMs} ms on ${this.transport.path}; ${after}; check the turret's power and cable and switch again`,
        error.timeoutMs,
        { cause: error },
      );
    }
    if (error instanceof DeviceDisconnectedError) {
      return new DeviceDisconnectedError(
        "turret",
        `${what}: ${error.message}; ${after}`,
        { cause: error },
      );
    }
    return error;
  }

  #setLens(lens: LensId | null): void {
    if (this.#lens === lens) return;
    this.#lens = lens;
    this.#options.onLensChange?.(lens);
  }
}
