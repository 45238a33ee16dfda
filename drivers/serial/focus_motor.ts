/**
 * The piezo focus controller on a serial line (`piezo_focus_v3`, 57600
 * baud): `*IDN?` answers an identity, `PREC <um>` and `MOV <z>` answer
 * nothing, and `MOV?` answers `READY` once settled, `ERROR` on a fault, and
 * anything else while moving.
 *
 * Polling follows the move: the first `MOV?` goes out when the move should
 * have settled (distance / speed + settle time of the lens in place), then
 * one every max(1 ms, settle / 4); the move fails after three times the
 * expected duration plus a margin. With no lens known in place the slower
 * speed and the longer settle of the two lenses are assumed. After the port
 * was lost, the next move identifies the controller and sets its precision
 * again first.
 *
 * @module
 */

import type { LensId, LensProfile } from "../../domain/lens.ts";
import { type Clock, RealClock } from "../../domain/clock.ts";
import type { LineTransport } from "../../serial/line_transport.ts";
import { DeviceFaultError, DeviceTimeoutError } from "../errors.ts";
import type { DeviceLinkChange, FocusMotor } from "../types.ts";
import {
  createTransport,
  type SerialDeviceOptions,
  watchLink,
} from "./_serial_device.ts";
import { type MovePlan, planMove } from "./_move_plan.ts";

/** Line speed of the piezo controller. */
export const FOCUS_BAUD_RATE = 57600;

/** Options of {@linkcode SerialFocusMotor}. */
export interface SerialFocusMotorOptions extends SerialDeviceOptions {
  /** Both lens profiles: range, speed and settle per lens. */
  lenses: Readonly<Record<LensId, LensProfile>>;
  /** The lens in place, `null` when unknown (usually the turret's). */
  lensInPlace: () => LensId | null;
  /** Position step, um (`hardware.focus_motor.precision_um`). */
  precisionUm: number;
  /** Timeout of `*IDN?` and of each `MOV?`, ms; default 500. */
  replyTimeoutMs?: number;
  /** Added to three times the expected move time, ms; default 50. */
  moveMarginMs?: number;
  /** Told of each commanded move, to mirror it in a simulated world. */
  onMove?: (move: MovePlan) => void;
}

/** A focus motor driven over its serial protocol. */
export class SerialFocusMotor implements FocusMotor {
  /** The line transport; subscribe to its state changes. */
  readonly transport: LineTransport;
  readonly #options: SerialFocusMotorOptions;
  readonly #clock: Clock;
  #positionUm = 0;
  #identity = "";
  #needsInit = false;

  /** @param options port, lenses, precision and logger */
  constructor(options: SerialFocusMotorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? new RealClock();
    this.transport = createTransport(
      "focus_motor",
      FOCUS_BAUD_RATE,
      "hardware.focus_motor.port",
      options,
    );
    // A controller that was away may have restarted and lost its precision.
    this.transport.onStateChange((change) => {
      if (change.state === "disconnected") this.#needsInit = true;
    });
  }

  /** The controller's answer to `*IDN?`, empty before `init()`. */
  get identity(): string {
    return this.#identity;
  }

  /**
   * Opens the port, reads the identity and sets the precision.
   *
   * @throws DeviceDisconnectedError when the port cannot be opened
   * @throws DeviceTimeoutError when `*IDN?` is not answered
   */
  async init(signal?: AbortSignal): Promise<void> {
    await this.transport.open(signal);
    await this.#identify(signal);
  }

  /**
   * Moves to `zUm` and resolves once the controller reports `READY`.
   *
   * @throws RangeError when `zUm` is outside the range of the lens in place
   * @throws DeviceFaultError when the controller answers `ERROR`
   * @throws DeviceTimeoutError when the move does not settle in time
   * @throws DeviceDisconnectedError when the port is or goes away
   */
  async moveTo(zUm: number, signal?: AbortSignal): Promise<void> {
    const plan = planMove({
      lenses: this.#options.lenses,
      lens: this.#options.lensInPlace(),
      fromUm: this.#positionUm,
      toUm: zUm,
      precisionUm: this.#options.precisionUm,
      marginMs: this.#options.moveMarginMs ?? 50,
    });
    const target = plan.toUm.toFixed(3);
    if (this.#needsInit) await this.#identify(signal);

    await this.transport.send(`MOV ${target}`, signal);
    this.#options.onMove?.(plan);
    const startMs = this.#clock.now();

    await this.#clock.sleep(plan.firstPollMs, signal);
    for (;;) {
      const status = await this.transport.request("MOV?", {
        // Any one-word status but ERROR means "still moving".
        reply: /^(?!ERR(OR)?$)\S+$/,
        fault: /^ERR(OR)?$/,
        timeoutMs: this.#replyTimeoutMs(),
        signal,
      }).catch((error) => {
        throw this.#explainMove(target, error);
      });
      if (status === "READY") break;
      if (this.#clock.now() - startMs >= plan.deadlineMs) {
        throw new DeviceTimeoutError(
          "focus_motor",
          `The focus motor did not settle at ${target} um within ${plan.deadlineMs} ms (expected ${plan.expectedMs} ms, last status "${status}"); check for an obstruction and the configured speed`,
          plan.deadlineMs,
        );
      }
      await this.#clock.sleep(plan.pollIntervalMs, signal);
    }
    this.#positionUm = plan.toUm;
  }

  /** Last settled position, um. */
  positionUm(): number {
    return this.#positionUm;
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

  async #identify(signal?: AbortSignal): Promise<void> {
    try {
      this.#identity = await this.transport.request("*IDN?", {
        // An identity is text with letters; "#" lines are chatter.
        reply: /^[^#\s].*[A-Za-z]/,
        timeoutMs: this.#replyTimeoutMs(),
        signal,
      });
    } catch (error) {
      if (!(error instanceof DeviceTimeoutError)) throw error;
      const path = this.transport.path;
      throw new DeviceTimeoutError(
        "focus_motor",
        `The focus motor did not answer *IDN? on ${path} within ${error.timeoutMs} ms; check that it is powered, that its cable is on ${path} (hardware.focus_motor.port) and that it runs at ${FOCUS_BAUD_RATE} baud`,
        error.timeoutMs,
        { cause: error },
      );
    }
    await this.transport.send(`PREC ${this.#options.precisionUm}`, signal);
    this.#needsInit = false;
  }

  #replyTimeoutMs(): number {
    return this.#options.replyTimeoutMs ?? 500;
  }

  #explainMove(target: string, error: unknown): unknown {
    if (!(error instanceof DeviceFaultError)) return error;
    return new DeviceFaultError(
      "focus_motor",
      `The focus motor reported ${error.reply} while moving to ${target} um; check for an obstruction or an over-range, then initialise it again`,
      error.reply,
      { cause: error },
    );
  }
}
