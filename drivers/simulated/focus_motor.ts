/**
 * The simulated piezo focus drive. A move takes |dz| / speed plus the
 * settle time, both from the profile of the lens in place; the objective
 * follows a real motion profile in the world (travel, then a decaying
 * ring), and ends within about one precision step of the target, while the
 * motor reports the target rounded to its precision.
 *
 * With no lens known in place (the turret is turning) the move uses the
 * widest range and the slowest speed and longest settle of the two lenses.
 *
 * @module
 */

import type { Clock } from "../../domain/clock.ts";
import type { LensId } from "../../domain/lens.ts";
import { DeviceDisconnectedError } from "../errors.ts";
import type { FocusMotor } from "../types.ts";
import { actOutFault, type FaultKind, FaultPlan } from "./faults.ts";
import type { Prng } from "./prng.ts";
import type { SimulatedWorld } from "./world.ts";

/** A command round trip to the piezo controller, ms. */
const COMMAND_MS = 1;
/** Reply timeout of the piezo controller, ms. */
const TIMEOUT_MS = 1000;

/** Options of {@linkcode SimulatedFocusMotor}. */
export interface SimulatedFocusMotorOptions {
  /** The lens in place; the world's light path by default. */
  lensInPlace?: () => LensId | null;
  /** Position step, um; `hardware.focus_motor.precision_um` by default. */
  precisionUm?: number;
  /** Clock to wait on; the world's by default. */
  clock?: Clock;
}

/** Speed, settle and range of a move with a given lens in place. */
interface MoveLimits {
  label: string;
  zMinUm: number;
  zMaxUm: number;
  speedUmPerS: number;
  settleMs: number;
}

/** A focus motor that moves the world's objective. */
export class SimulatedFocusMotor implements FocusMotor {
  readonly #world: SimulatedWorld;
  readonly #clock: Clock;
  readonly #lensInPlace: () => LensId | null;
  readonly #precisionUm: number;
  readonly #errors: Prng;
  readonly #faults = new FaultPlan();
  #closed = false;

  /**
   * @param world the world whose objective the motor moves
   * @param options lens source, precision and clock
   */
  constructor(
    world: SimulatedWorld,
    options: SimulatedFocusMotorOptions = {},
  ) {
    this.#world = world;
    this.#clock = options.clock ?? world.clock;
    this.#lensInPlace = options.lensInPlace ?? (() => world.lensInPath());
    this.#precisionUm = options.precisionUm ??
      world.config.hardware.focus_motor.precision_um;
    this.#errors = world.noiseStream(1);
  }

  /**
   * Makes the next command(s) fail; see {@linkcode FaultKind}. A `fault`
   * is the controller's `ERROR` reply to a position poll.
   *
   * @param kind how the command fails
   * @param times how many commands fail, 1 by default
   */
  failNext(kind: FaultKind, times = 1): void {
    this.#faults.failNext(kind, times);
  }

  /**
   * Brings the controller up.
   *
   * @throws {DeviceError} when a fault was injected or the motor is closed
   */
  async init(signal?: AbortSignal): Promise<void> {
    this.#checkOpen("initialise the focus motor");
    const fault = this.#faults.take();
    if (fault) {
      await actOutFault(fault, this.#faultContext("initialise", 0, signal));
    }
    await this.#clock.sleep(COMMAND_MS, signal);
  }

  /**
   * Moves to `zUm` and resolves once settled. Aborting stops the wait; the
   * objective still completes the move.
   *
   * @throws {RangeError} when `zUm` is outside the range of the lens in place
   * @throws {DeviceError} when a fault was injected or the motor is closed
   */
  async moveTo(zUm: number, signal?: AbortSignal): Promise<void> {
    const limits = this.#limits();
    if (!Number.isFinite(zUm) || zUm < limits.zMinUm || zUm > limits.zMaxUm) {
      throw new RangeError(
        `Cannot move focus to ${zUm} um: ${limits.label} allows ${limits.zMinUm}..${limits.zMaxUm} um`,
      );
    }
    this.#checkOpen(`move focus to ${zUm} um`);
    signal?.throwIfAborted();

    const reportedUm = this.#quantise(zUm);
    const fromUm = this.#world.focusMoveInProgress()
      ? this.#world.focusPositionUm()
      : this.#world.reportedFocusUm();
    const travelMs = Math.abs(reportedUm - fromUm) / limits.speedUmPerS *
      1000;
    const fault = this.#faults.take();
    if (fault) {
      await actOutFault(
        fault,
        this.#faultContext(
          `move focus to ${zUm} um`,
          travelMs + limits.settleMs,
          signal,
        ),
      );
    }

    const errorUm = this.#errors.uniform(-1, 1) * this.#precisionUm;
    this.#world.commandFocusMove({
      reportedUm,
      physicalUm: reportedUm + errorUm,
      travelMs,
      settleMs: limits.settleMs,
    });
    await this.#clock.sleep(travelMs + limits.settleMs, signal);
  }

  /** Last settled position the controller reports, um. */
  positionUm(): number {
    return this.#world.reportedFocusUm();
  }

  /** Releases the motor; later commands throw `DeviceDisconnectedError`. */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #quantise(zUm: number): number {
    const steps = Math.round(zUm / this.#precisionUm);
    // Round again so 0.1 + 0.2-style residue does not reach the report.
    return Number((steps * this.#precisionUm).toFixed(6));
  }

  #limits(): MoveLimits {
    const lens = this.#lensInPlace();
    const { A, B } = this.#world.lenses;
    if (lens !== null) {
      const profile = this.#world.lenses[lens];
      return {
        label: `lens ${lens}`,
        zMinUm: profile.zMinUm,
        zMaxUm: profile.zMaxUm,
        speedUmPerS: profile.focusSpeedUmPerS,
        settleMs: profile.settleMs,
      };
    }
    return {
      label: "with no lens known in place the motor",
      zMinUm: Math.min(A.zMinUm, B.zMinUm),
      zMaxUm: Math.max(A.zMaxUm, B.zMaxUm),
      speedUmPerS: Math.min(A.focusSpeedUmPerS, B.focusSpeedUmPerS),
      settleMs: Math.max(A.settleMs, B.settleMs),
    };
  }

  #checkOpen(command: string): void {
    if (!this.#closed) return;
    throw new DeviceDisconnectedError(
      "focus_motor",
      `Cannot ${command}: the simulated focus motor is closed; create a new scanner`,
    );
  }

  #faultContext(command: string, durationMs: number, signal?: AbortSignal) {
    return {
      device: "focus_motor" as const,
      clock: this.#clock,
      command,
      reply: "ERROR",
      durationMs,
      timeoutMs: TIMEOUT_MS,
      signal,
    };
  }
}
