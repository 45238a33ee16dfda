/**
 * Synthetic parfocal truth and measurements for the mapping tests:
 * a cubic offset in z with a thermal slope and a z-thermal cross term,
 * measured with Gaussian noise from a seeded generator.
 *
 * @module
 */

import type { CalibrationPoint } from "../../mapping/types.ts";
import type { MappingOptions } from "../../mapping/parfocal_mapping.ts";

/** Temperature the truth's thermal terms count from, C. */
export const TRUTH_REFERENCE_C = 22;

/**
 * The true lens-B focus for a lens-A focus and temperature.
 *
 * @param zAUm lens-A focus, um
 * @param temperatureC temperature, C
 * @param shiftUm an extra drift added to the offset, um
 */
export function trueZBUm(
  zAUm: number,
  temperatureC: number,
  shiftUm = 0,
): number {
  const dT = temperatureC - TRUTH_REFERENCE_C;
  return zAUm + 1.5 + 0.02 * zAUm + 0.004 * zAUm ** 2 + 0.0006 * zAUm ** 3 +
    0.3 * dT + 0.01 * zAUm * dT + shiftUm;
}

/** A seeded uniform generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded standard normal generator (Box-Muller). */
export function seededNormal(seed: number): () => number {
  const uniform = seededRandom(seed);
  return () =>
    Math.sqrt(-2 * Math.log(1 - uniform())) *
    Math.cos(2 * Math.PI * uniform());
}

/** How to draw synthetic points. */
export interface DrawOptions {
  /** Seed of the draw. */
  seed: number;
  /** Number of points. */
  count: number;
  /** Lens-A z range, um. */
  zRangeUm?: [number, number];
  /** Temperature range, C. */
  temperatureRangeC?: [number, number];
  /** Standard deviation of the lens-B measurement, um. */
  noiseUm?: number;
  /** Extra drift of the truth, um. */
  shiftUm?: number;
  /** Draw z at random instead of on an even grid. */
  randomZ?: boolean;
}

/**
 * Measured calibration pairs: z on an even grid (or at random), temperature
 * drawn independently of z, lens-B focus measured with noise.
 *
 * @param options what to draw
 */
export function drawPoints(options: DrawOptions): CalibrationPoint[] {
  const [zLow, zHigh] = options.zRangeUm ?? [-8, 8];
  const [tLow, tHigh] = options.temperatureRangeC ?? [20.5, 23.5];
  const uniform = seededRandom(options.seed);
  const normal = seededNormal(options.seed + 1000);
  const points: CalibrationPoint[] = [];
  for (let i = 0; i < options.count; i++) {
    const fraction = options.randomZ
      ? uniform()
      : options.count > 1
      ? i / (options.count - 1)
      : 0.5;
    const zAUm = Math.round((zLow + fraction * (zHigh - zLow)) * 100) / 100;
    const temperatureC = tLow + uniform() * (tHigh - tLow);
    points.push({
      zAUm,
      temperatureC,
      zBUm: trueZBUm(zAUm, temperatureC, options.shiftUm) +
        (options.noiseUm ?? 0.03) * normal(),
    });
  }
  return points;
}

/** Options as the production sample sets them, with a model type. */
export function options(
  modelType: MappingOptions["modelType"],
  overrides: Partial<MappingOptions> = {},
): MappingOptions {
  return {
    modelType,
    temperatureCompensation: true,
    learningRate: 0.1,
    confidenceThreshold: 0.95,
    cacheSize: 100,
    ...overrides,
  };
}

/** Scanner name and calibration time used by the tests. */
export const META = {
  scannerName: "scanner-test-1",
  calibratedAt: new Date("2025-03-01T08:00:00.000Z"),
};
