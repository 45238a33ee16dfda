/**
 * A camera that replays a recorded focus stack: each capture serves the
 * slice nearest the focus motor's z, with slice i at z = i * zStepUm
 * (clamped to the stack). Pair it with {@linkcode StackFocusMotor}, whose
 * range is exactly the stack's, or with any motor through `focusPositionUm`.
 *
 * Limits: the lens never changes the image, and between two slices the
 * nearest one is served, not an interpolation.
 *
 * @module
 */

import type { Clock } from "../domain/clock.ts";
import type { Frame, GrayImage } from "../domain/frame.ts";
import type { LensId } from "../domain/lens.ts";
import { DeviceDisconnectedError } from "./errors.ts";
import type { Camera, FocusMotor } from "./types.ts";

/** Options of {@linkcode StackReplayCamera}. */
export interface StackReplayCameraOptions {
  /** The slices in focus order, all the same size (at least one). */
  slices: readonly GrayImage[];
  /** Focus distance between neighbouring slices, um. */
  zStepUm: number;
  /** Where the objective is, um: usually the focus motor's `positionUm`. */
  focusPositionUm: () => number;
  /** The clock exposures take time on. */
  clock: Clock;
  /** Exposure time, ms; 10 by default. */
  exposureMs?: number;
  /** The lens frames are labelled with; lens A by default. */
  lens?: () => LensId | null;
}

/** A camera serving the slices of a focus stack. */
export class StackReplayCamera implements Camera {
  /** Frame size in pixels: the slices' size. */
  readonly resolutionPx: readonly [number, number];
  readonly #slices: readonly GrayImage[];
  readonly #zStepUm: number;
  readonly #focusPositionUm: () => number;
  readonly #clock: Clock;
  readonly #exposureMs: number;
  readonly #lens: () => LensId | null;
  #closed = false;

  /**
   * @param options the stack, its step and where z comes from
   * @throws {RangeError} when the stack is empty or the step is not positive
   */
  constructor(options: StackReplayCameraOptions) {
    if (options.slices.length === 0) {
      throw new RangeError(
        "Cannot replay an empty focus stack: load at least one slice",
      );
    }
    if (!(options.zStepUm > 0)) {
      throw new RangeError(
        `Cannot replay a focus stack with a z step of ${options.zStepUm} um: give a positive step`,
      );
    }
    this.#slices = options.slices;
    this.#zStepUm = options.zStepUm;
    this.#focusPositionUm = options.focusPositionUm;
    this.#clock = options.clock;
    this.#exposureMs = options.exposureMs ?? 10;
    this.#lens = options.lens ?? (() => "A");
    this.resolutionPx = [options.slices[0].widthPx, options.slices[0].heightPx];
  }

  /**
   * Index of the slice served at a focus position.
   *
   * @param zUm focus position, um
   * @returns the nearest slice index, clamped to the stack
   */
  sliceIndexAt(zUm: number): number {
    const index = Math.round(zUm / this.#zStepUm);
    return Math.min(this.#slices.length - 1, Math.max(0, index));
  }

  /**
   * Prepares the camera.
   *
   * @throws {DeviceDisconnectedError} when the camera is closed
   */
  async init(signal?: AbortSignal): Promise<void> {
    this.#checkOpen("initialise the camera");
    await this.#clock.sleep(0, signal);
  }

  /**
   * Exposes for the exposure time, then serves the slice nearest the
   * objective's z at the end of the exposure.
   *
   * @returns a copy of the slice, with the z it was served for
   * @throws {DeviceDisconnectedError} when the camera is closed
   */
  async capture(signal?: AbortSignal): Promise<Frame> {
    this.#checkOpen("capture a frame");
    await this.#clock.sleep(this.#exposureMs, signal);
    const zUm = this.#focusPositionUm();
    const slice = this.#slices[this.sliceIndexAt(zUm)];
    return {
      widthPx: slice.widthPx,
      heightPx: slice.heightPx,
      pixels: slice.pixels.slice(),
      lens: this.#lens() ?? "A",
      zUm,
      capturedAtMs: this.#clock.now(),
    };
  }

  /** Releases the camera; later captures throw `DeviceDisconnectedError`. */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #checkOpen(command: string): void {
    if (!this.#closed) return;
    throw new DeviceDisconnectedError(
      "camera",
      `Cannot ${command}: the stack replay camera is closed; create a new scanner`,
    );
  }
}

/** Options of {@linkcode StackFocusMotor}. */
export interface StackFocusMotorOptions {
  /** Number of slices in the stack. */
  sliceCount: number;
  /** Focus distance between neighbouring slices, um. */
  zStepUm: number;
  /** The clock moves take time on. */
  clock: Clock;
  /** Travel speed, um/s; 500 by default. */
  speedUmPerS?: number;
  /** Settle time after travel, ms; 5 by default. */
  settleMs?: number;
}

/**
 * A focus motor for a recorded stack: its range is 0..(n-1) * zStepUm and a
 * move takes |dz| / speed plus the settle time on the clock.
 */
export class StackFocusMotor implements FocusMotor {
  readonly #zMaxUm: number;
  readonly #clock: Clock;
  readonly #speedUmPerS: number;
  readonly #settleMs: number;
  #zUm = 0;
  #closed = false;

  /**
   * @param options the stack's shape, the clock and the move timing
   * @throws {RangeError} when the stack is empty or the step is not positive
   */
  constructor(options: StackFocusMotorOptions) {
    if (!(options.sliceCount >= 1) || !(options.zStepUm > 0)) {
      throw new RangeError(
        `Cannot drive a stack of ${options.sliceCount} slices ${options.zStepUm} um apart: give at least one slice and a positive step`,
      );
    }
    this.#zMaxUm = (options.sliceCount - 1) * options.zStepUm;
    this.#clock = options.clock;
    this.#speedUmPerS = options.speedUmPerS ?? 500;
    this.#settleMs = options.settleMs ?? 5;
  }

  /**
   * Brings the motor up at z = 0 (the first slice).
   *
   * @throws {DeviceDisconnectedError} when the motor is closed
   */
  async init(signal?: AbortSignal): Promise<void> {
    this.#checkOpen("initialise the focus motor");
    await this.#clock.sleep(0, signal);
  }

  /**
   * Moves to `zUm` and resolves once settled.
   *
   * @throws {RangeError} when `zUm` is outside the stack
   * @throws {DeviceDisconnectedError} when the motor is closed
   */
  async moveTo(zUm: number, signal?: AbortSignal): Promise<void> {
    if (!Number.isFinite(zUm) || zUm < 0 || zUm > this.#zMaxUm) {
      throw new RangeError(
        `Cannot move focus to ${zUm} um: the focus stack spans 0..${this.#zMaxUm} um`,
      );
    }
    this.#checkOpen(`move focus to ${zUm} um`);
    const travelMs = Math.abs(zUm - this.#zUm) / this.#speedUmPerS * 1000;
    await this.#clock.sleep(travelMs + this.#settleMs, signal);
    this.#zUm = zUm;
  }

  /** Last settled position, um. */
  positionUm(): number {
    return this.#zUm;
  }

  /** Releases the motor; later commands throw `DeviceDisconnectedError`. */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #checkOpen(command: string): void {
    if (!this.#closed) return;
    throw new DeviceDisconnectedError(
      "focus_motor",
      `Cannot ${command}: the stack focus motor is closed; create a new scanner`,
    );
  }
}
