/**
 * The simulated camera: renders the blood-smear field under the objective,
 * blurred by how far the objective really is from the field's true focus,
 * with shot and read noise.
 *
 * Limits: a frame is `simulation.frame_width_px` x `frame_height_px`
 * pixels and stands for a centre crop of the binned sensor
 * (`simulation.sensor_binning`), because the full 2048 x 1536 sensor is too
 * slow to render in JavaScript. Defocus blur is Gaussian, not the ringing
 * disc of a real defocused pupil. While the objective moves during the
 * exposure, the frame averages the images at a few instants.
 *
 * @module
 */

import type { Clock } from "../../domain/clock.ts";
import type { Frame } from "../../domain/frame.ts";
import {
  depthOfFieldUm,
  ILLUMINATION_WAVELENGTH_UM,
  type LensId,
} from "../../domain/lens.ts";
import { DeviceDisconnectedError } from "../errors.ts";
import type { Camera } from "../types.ts";
import { actOutFault, type FaultKind, FaultPlan } from "./faults.ts";
import { gaussianBlur } from "./blur.ts";
import { blurSigmaUm } from "./optics.ts";
import type { Prng } from "./prng.ts";
import { drawSmear, renderSmear } from "./smear.ts";
import type { SimulatedWorld } from "./world.ts";

/** Clear-glass level at mid illumination and unit gain, DN. */
const BACKGROUND_DN = 210;
/** Level with no objective in the light path, DN. */
const DARK_DN = 3;
/** Photo-electrons per DN of a binned pixel: sets the shot noise. */
const ELECTRONS_PER_DN = 100;
/** Read noise, DN. */
const READ_NOISE_DN = 1;
/** Blur beyond this leaves nothing for a metric; capped for speed, px. */
const MAX_SIGMA_PX = 30;
/** Instants averaged over an exposure while the objective moves. */
const MOTION_SAMPLES = 5;
/** Vertical strips rendered separately on a tilted field. */
const TILT_STRIPS = 16;
/** Sharp views kept for reuse (field x lens). */
const CACHE_SIZE = 8;
/** Margin of cells drawn beyond the lens-A view, um. */
const SMEAR_MARGIN_UM = 8;
/** Reply timeout of the camera, ms. */
const TIMEOUT_MS = 1000;

/** Options of {@linkcode SimulatedCamera}. */
export interface SimulatedCameraOptions {
  /** Exposure time, ms; `hardware.camera.exposure_ms` by default. */
  exposureMs?: number;
  /** Clock to wait on; the world's by default. */
  clock?: Clock;
}

/** A camera that photographs the world's slide. */
export class SimulatedCamera implements Camera {
  /** Frame size in pixels, from `simulation.frame_*_px`. */
  readonly resolutionPx: readonly [number, number];
  readonly #world: SimulatedWorld;
  readonly #clock: Clock;
  readonly #exposureMs: number;
  readonly #gain: number;
  readonly #noise: Prng;
  readonly #faults = new FaultPlan();
  readonly #sharp = new Map<string, Float32Array>();
  #lastLens: LensId = "A";
  #closed = false;

  /**
   * @param world the world to photograph
   * @param options exposure and clock; the world's configuration by default
   */
  constructor(world: SimulatedWorld, options: SimulatedCameraOptions = {}) {
    const sim = world.config.simulation;
    this.#world = world;
    this.#clock = options.clock ?? world.clock;
    this.#exposureMs = options.exposureMs ??
      world.config.hardware.camera.exposure_ms;
    this.#gain = world.config.hardware.camera.gain;
    this.#noise = world.noiseStream(2);
    this.resolutionPx = [sim.frame_width_px, sim.frame_height_px];
  }

  /**
   * Makes the next capture(s) fail; see {@linkcode FaultKind}.
   *
   * @param kind how the capture fails
   * @param times how many captures fail, 1 by default
   */
  failNext(kind: FaultKind, times = 1): void {
    this.#faults.failNext(kind, times);
  }

  /**
   * Prepares the camera.
   *
   * @throws {DeviceError} when a fault was injected or the camera is closed
   */
  async init(signal?: AbortSignal): Promise<void> {
    this.#checkOpen("initialise the camera");
    const fault = this.#faults.take();
    if (fault) {
      await actOutFault(fault, this.#faultContext("initialise", signal));
    }
    await this.#clock.sleep(1, signal);
  }

  /**
   * Exposes one frame, taking `exposure_ms` on the clock.
   *
   * @returns the frame, with the lens in the path and the motor's reported z
   * @throws {DeviceError} when a fault was injected or the camera is closed
   */
  async capture(signal?: AbortSignal): Promise<Frame> {
    this.#checkOpen("capture a frame");
    const fault = this.#faults.take();
    if (fault) {
      await actOutFault(fault, this.#faultContext("capture a frame", signal));
    }

    const startMs = this.#clock.now();
    await this.#clock.sleep(this.#exposureMs, signal);
    const endMs = this.#clock.now();
    const lens = this.#world.lensInPath();
    if (lens !== null) this.#lastLens = lens;

    const [widthPx, heightPx] = this.resolutionPx;
    const light = lens === null
      ? new Float32Array(widthPx * heightPx).fill(DARK_DN)
      : this.#exposeField(lens, startMs, endMs);
    return {
      widthPx,
      heightPx,
      pixels: this.#digitise(light),
      lens: lens ?? this.#lastLens,
      zUm: this.#world.reportedFocusUm(),
      capturedAtMs: endMs,
    };
  }

  /** Releases the camera; later captures throw `DeviceDisconnectedError`. */
  close(): Promise<void> {
    this.#closed = true;
    this.#sharp.clear();
    return Promise.resolve();
  }

  #exposeField(lens: LensId, startMs: number, endMs: number): Float32Array {
    const [widthPx, heightPx] = this.resolutionPx;
    const profile = this.#world.lenses[lens];
    const pixelUm = this.#world.pixelSizeUm(lens);
    const dofUm = depthOfFieldUm(profile);
    const field = this.#world.field();
    const strips = field.tiltUmPerFrame === 0 ? 1 : TILT_STRIPS;
    const sharp = this.#sharpView(lens);

    const instants = this.#exposureInstants(startMs, endMs);
    const level = this.#world.illuminationLevel() /
      this.#world.config.hardware.illumination.max_brightness;
    // The LED changes the frame's brightness a little, not its contrast.
    const scale = BACKGROUND_DN * this.#gain * (0.75 + 0.5 * level) /
      instants.length;

    const light = new Float32Array(widthPx * heightPx);
    for (const atMs of instants) {
      const zUm = this.#world.focusTrack.positionAt(atMs);
      for (let strip = 0; strip < strips; strip++) {
        const fromX = Math.floor(strip * widthPx / strips);
        const toX = Math.floor((strip + 1) * widthPx / strips);
        const xUm = ((fromX + toX) / 2 - widthPx / 2) * pixelUm;
        const defocusUm = zUm - this.#world.trueFocusUm(lens, atMs, xUm);
        const sigmaPx = Math.min(
          MAX_SIGMA_PX,
          blurSigmaUm(
            defocusUm,
            profile.na,
            dofUm,
            ILLUMINATION_WAVELENGTH_UM,
          ) /
            pixelUm,
        );
        const blurred = gaussianBlur(
          sharp,
          widthPx,
          heightPx,
          sigmaPx,
          fromX,
          toX,
        );
        for (let y = 0; y < heightPx; y++) {
          for (let x = fromX; x < toX; x++) {
            light[y * widthPx + x] += scale * blurred[y * widthPx + x];
          }
        }
      }
    }
    return light;
  }

  /** One instant mid-exposure if the objective is still, several if not. */
  #exposureInstants(startMs: number, endMs: number): number[] {
    const track = this.#world.focusTrack;
    const instants = Array.from(
      { length: MOTION_SAMPLES },
      (_, i) => startMs + (i + 0.5) * (endMs - startMs) / MOTION_SAMPLES,
    );
    const zs = instants.map((atMs) => track.positionAt(atMs));
    const still = Math.max(...zs) - Math.min(...zs) < 1e-3;
    return still ? [(startMs + endMs) / 2] : instants;
  }

  #sharpView(lens: LensId): Float32Array {
    const field = this.#world.field();
    const key = `${field.renderSeed}:${field.density}:${lens}`;
    const cached = this.#sharp.get(key);
    if (cached) return cached;

    const [widthPx, heightPx] = this.resolutionPx;
    const pixelAUm = this.#world.pixelSizeUm("A");
    const objects = drawSmear(
      field.renderSeed,
      field.density,
      widthPx * pixelAUm / 2 + SMEAR_MARGIN_UM,
      heightPx * pixelAUm / 2 + SMEAR_MARGIN_UM,
    );
    const view = renderSmear(objects, {
      widthPx,
      heightPx,
      pixelUm: this.#world.pixelSizeUm(lens),
    });
    if (this.#sharp.size >= CACHE_SIZE) {
      this.#sharp.delete(this.#sharp.keys().next().value!);
    }
    this.#sharp.set(key, view);
    return view;
  }

  #digitise(light: Float32Array): Uint8Array {
    const pixels = new Uint8Array(light.length);
    for (let i = 0; i < light.length; i++) {
      const dn = light[i];
      const sigma = Math.sqrt(dn / ELECTRONS_PER_DN + READ_NOISE_DN ** 2);
      const value = Math.round(dn + sigma * this.#noise.normal());
      pixels[i] = value < 0 ? 0 : value > 255 ? 255 : value;
    }
    return pixels;
  }

  #checkOpen(command: string): void {
    if (!this.#closed) return;
    throw new DeviceDisconnectedError(
      "camera",
      `Cannot ${command}: the simulated camera is closed; create a new scanner`,
    );
  }

  #faultContext(command: string, signal?: AbortSignal) {
    return {
      device: "camera" as const,
      clock: this.#clock,
      command,
      reply: "FRAME_ERROR",
      durationMs: this.#exposureMs,
      timeoutMs: TIMEOUT_MS,
      signal,
    };
  }
}
