/**
 * The simulated scanner's physical world: a blood smear on a slide whose
 * focal surface varies from field to field and drifts slowly, a turret and
 * an objective whose real position may differ from what was commanded, the
 * temperature, and the parfocal offset between the lenses.
 *
 * Every simulated device reads and changes this one world, so a frame
 * exposed while the objective still rings after a move shows the z the
 * objective really had. Everything random comes from `simulation.seed`.
 *
 * @module
 */

import type { Clock } from "../../domain/clock.ts";
import type { LensId, LensProfile } from "../../domain/lens.ts";
import type { Config } from "../../config/schema.ts";
import { lensProfiles } from "../../config/lenses.ts";
import { createPrng, deriveSeed, type Prng } from "./prng.ts";
import {
  drawFocalSurface,
  drawParfocalTruth,
  type FocalSurface,
  parfocalOffsetUm,
  type ParfocalTruth,
} from "./optics.ts";
import { FocusTrack } from "./focus_motion.ts";

const MS_PER_HOUR = 3_600_000;

/** Half the smear's extent along x and y, mm from the slide centre. */
const SMEAR_HALF_WIDTH_MM = 10;
const SMEAR_HALF_HEIGHT_MM = 5;

/** The field under the objective. */
export interface SimulatedField {
  /** Sequence number of the field since the world was created. */
  index: number;
  /** Stage position of the field centre, mm from the slide centre. */
  xMm: number;
  /** Stage position of the field centre, mm from the slide centre. */
  yMm: number;
  /** Seed of the cells drawn in this field. */
  renderSeed: number;
  /** Cell density relative to a normal monolayer; 0 is a blank slide. */
  density: number;
  /** Focus change across the width of a lens-A frame, um. */
  tiltUmPerFrame: number;
  /** Stage height that moves the whole field in z, um. */
  stageOffsetUm: number;
}

/** How {@linkcode SimulatedWorld.presentField} picks the next field. */
export interface PresentFieldOptions {
  /** Cell density, 1 (a normal smear) by default; 0 gives a blank slide. */
  density?: number;
  /** Focus change across a lens-A frame, um; 0 (flat) by default. */
  tiltUmPerFrame?: number;
  /** Where the field's lens-A focus should be now, um; the slide's own height by default. */
  zAUm?: number;
}

/** A move of the objective, as the focus motor commands it. */
export interface FocusMoveCommand {
  /** Position the motor will report once settled, um. */
  reportedUm: number;
  /** Position the objective really ends at, um. */
  physicalUm: number;
  /** Travel time, ms. */
  travelMs: number;
  /** Settle time after travel, ms. */
  settleMs: number;
}

/** The shared physical state of one simulated scanner. */
export interface SimulatedWorld {
  /** The configuration the world was built from. */
  readonly config: Config;
  /** The clock every device waits on. */
  readonly clock: Clock;
  /** Lens profiles from the configuration. */
  readonly lenses: Readonly<Record<LensId, LensProfile>>;
  /** The objective's physical z over time. */
  readonly focusTrack: FocusTrack;
  /**
   * True focus of `lens` on the current field (ground truth, for tests and
   * benchmarks only).
   *
   * @param lens the objective
   * @param atMs clock time, now by default
   * @param xUm sample x from the field centre, um (matters on tilted fields)
   * @returns the objective z at which the field is sharpest, um
   */
  trueFocusUm(lens: LensId, atMs?: number, xUm?: number): number;
  /**
   * The instrument's true lens-B minus lens-A focus (ground truth).
   *
   * @param zAUm lens-A focus, um
   * @param temperatureC temperature, degrees C
   */
  trueParfocalOffsetUm(zAUm: number, temperatureC: number): number;
  /**
   * Moves the stage to a new field whose lens-A focus is at `zAUm` now.
   * Drift continues afterwards.
   *
   * @returns the new field
   */
  presentFieldAt(zAUm: number): SimulatedField;
  /** Moves the stage to a new field chosen by the seed sequence. */
  presentField(options?: PresentFieldOptions): SimulatedField;
  /** The field under the objective. */
  field(): SimulatedField;
  /** Sets the temperature now; the configured drift continues from it. */
  setTemperatureC(temperatureC: number): void;
  /**
   * The true temperature, degrees C.
   *
   * @param atMs clock time, now by default
   */
  temperatureC(atMs?: number): number;
  /** The objective in the light path, or `null` while the turret turns. */
  lensInPath(): LensId | null;
  /** Puts an objective in the light path (the turret's job). */
  setLensInPath(lens: LensId | null): void;
  /** The objective's physical z now, um. */
  focusPositionUm(): number;
  /**
   * Starts a move of the objective (the focus motor's job).
   *
   * @param move where to, how long, and what the motor will report
   * @returns clock time at which the move has settled, ms
   */
  commandFocusMove(move: FocusMoveCommand): number;
  /** Whether a commanded move has not yet settled. */
  focusMoveInProgress(): boolean;
  /**
   * The z the focus motor reports: the last settled target, um. A move
   * that was abandoned still counts once its time is up.
   */
  reportedFocusUm(): number;
  /** LED level, 0..max_brightness. */
  illuminationLevel(): number;
  /** Sets the LED level (the illumination's job). */
  setIlluminationLevel(level: number): void;
  /**
   * A random stream for a device's noise, derived from the world seed.
   *
   * @param label distinguishes the streams of different devices
   */
  noiseStream(label: number): Prng;
  /**
   * Size of one frame pixel on the sample, um.
   *
   * @param lens the objective
   */
  pixelSizeUm(lens: LensId): number;
}

/**
 * Builds a simulated world from the `simulation:` section.
 *
 * @param config a validated configuration
 * @param clock the clock drift and moves are timed on
 * @returns the world, with a first field under lens A at the slide's height
 */
export function createSimulatedWorld(
  config: Config,
  clock: Clock,
): SimulatedWorld {
  const sim = config.simulation;
  const startMs = clock.now();
  const lenses = lensProfiles(config);
  const truth: ParfocalTruth = drawParfocalTruth(sim.seed);
  const surface: FocalSurface = drawFocalSurface(sim.seed);
  const fieldStream = createPrng(deriveSeed(sim.seed, 3));
  const focusTrack = new FocusTrack(0);

  let temperatureBaseC = sim.ambient_temperature_c;
  let temperatureBaseMs = startMs;
  let lens: LensId | null = "A";
  let reportedUm = 0;
  // The report of the latest move, which becomes true once it has settled.
  let settledReportUm: number | null = null;
  let settledAtMs = startMs;
  let level = config.hardware.illumination.default_brightness;
  let fieldCount = 0;
  let current: SimulatedField;

  const driftUm = (atMs: number) =>
    sim.focus_drift_um_per_hour * (atMs - startMs) / MS_PER_HOUR;
  const pixelSizeUm = (id: LensId) =>
    sim.sensor_pixel_um * sim.sensor_binning / lenses[id].magnification;
  const frameWidthAUm = sim.frame_width_px * pixelSizeUm("A");

  const trueFocusAUm = (atMs: number, xUm: number) =>
    surface(current.xMm, current.yMm) + current.stageOffsetUm +
    driftUm(atMs) + current.tiltUmPerFrame * xUm / frameWidthAUm;

  const temperatureC = (atMs = clock.now()) =>
    temperatureBaseC +
    sim.temperature_drift_c_per_hour * (atMs - temperatureBaseMs) /
      MS_PER_HOUR;

  const presentField = (options: PresentFieldOptions = {}) => {
    const index = fieldCount++;
    const xMm = fieldStream.uniform(-SMEAR_HALF_WIDTH_MM, SMEAR_HALF_WIDTH_MM);
    const yMm = fieldStream.uniform(
      -SMEAR_HALF_HEIGHT_MM,
      SMEAR_HALF_HEIGHT_MM,
    );
    const density = options.density ?? 1;
    if (!(density >= 0)) {
      throw new RangeError(
        `Cannot present a field with density ${density}: use 0 (blank) or more`,
      );
    }
    current = {
      index,
      xMm,
      yMm,
      renderSeed: deriveSeed(sim.seed, 4, index),
      density,
      tiltUmPerFrame: options.tiltUmPerFrame ?? 0,
      stageOffsetUm: 0,
    };
    if (options.zAUm !== undefined) {
      if (!Number.isFinite(options.zAUm)) {
        throw new RangeError(
          `Cannot present a field at z ${options.zAUm}: give a finite lens-A focus in um`,
        );
      }
      current.stageOffsetUm = options.zAUm - trueFocusAUm(clock.now(), 0);
    }
    return { ...current };
  };

  presentField();

  return {
    config,
    clock,
    lenses,
    focusTrack,
    trueFocusUm: (id, atMs = clock.now(), xUm = 0) => {
      const zAUm = trueFocusAUm(atMs, xUm);
      if (id === "A") return zAUm;
      return zAUm + parfocalOffsetUm(truth, zAUm, temperatureC(atMs));
    },
    trueParfocalOffsetUm: (zAUm, tC) => parfocalOffsetUm(truth, zAUm, tC),
    presentFieldAt: (zAUm) => presentField({ zAUm }),
    presentField,
    field: () => ({ ...current }),
    setTemperatureC: (tC) => {
      if (!Number.isFinite(tC)) {
        throw new RangeError(
          `Cannot set the temperature to ${tC}: give degrees C as a finite number`,
        );
      }
      temperatureBaseC = tC;
      temperatureBaseMs = clock.now();
    },
    temperatureC,
    lensInPath: () => lens,
    setLensInPath: (id) => {
      lens = id;
    },
    focusPositionUm: () => focusTrack.positionAt(clock.now()),
    commandFocusMove: (move) => {
      const nowMs = clock.now();
      // An interrupted move never reports; a settled one becomes the base.
      if (nowMs >= settledAtMs && settledReportUm !== null) {
        reportedUm = settledReportUm;
      }
      focusTrack.start(nowMs, move.physicalUm, move.travelMs, move.settleMs);
      settledAtMs = nowMs + move.travelMs + move.settleMs;
      settledReportUm = move.reportedUm;
      return settledAtMs;
    },
    focusMoveInProgress: () => clock.now() < settledAtMs,
    reportedFocusUm: () =>
      clock.now() >= settledAtMs && settledReportUm !== null
        ? settledReportUm
        : reportedUm,
    illuminationLevel: () => level,
    setIlluminationLevel: (value) => {
      level = value;
    },
    noiseStream: (label) => createPrng(deriveSeed(sim.seed, 5, label)),
    pixelSizeUm,
  };
}
