/**
 * Test helpers: synthetic focus curves and a driver that runs a search
 * against one, checking the search's promises on every step.
 *
 * @module
 */

import type {
  FocusSample,
  FocusSearch,
  SearchRequest,
  SearchStep,
} from "../../../focus/types.ts";

/** A focus curve: score at an objective position. */
export type ScoreCurve = (zUm: number) => number;

/** Shape of a synthetic peak. */
export interface PeakShape {
  /** Position of the peak, um. */
  peakUm: number;
  /** Distance at which the blur doubles, um (about a depth of field). */
  widthUm: number;
  /** Score far from focus: texture and noise that never blur away. */
  floor?: number;
  /** Score above the floor at the peak. */
  amplitude?: number;
  /** Width multiplier above the peak; below it is 1 (defocus asymmetry). */
  upperWidthFactor?: number;
  /**
   * Score of coarse structure (whole cells) at the peak, which blurs away
   * over `tailWidthUm`: it gives the curve the long shoulders of real
   * stacks. 0 by default.
   */
  tailAmplitude?: number;
  /** Width of the coarse-structure term, um; 4 * `widthUm` by default. */
  tailWidthUm?: number;
}

/**
 * A gradient-like curve: the score falls as the blur spot's area squared,
 * a Lorentzian squared in defocus, over a constant floor.
 */
export function lorentzianSquared(shape: PeakShape): ScoreCurve {
  const { peakUm, widthUm, floor = 100, amplitude = 1000 } = shape;
  const upper = shape.upperWidthFactor ?? 1;
  const tailAmplitude = shape.tailAmplitude ?? 0;
  const tailWidthUm = shape.tailWidthUm ?? 4 * widthUm;
  return (zUm) => {
    const side = zUm > peakUm ? upper : 1;
    const r = (zUm - peakUm) / (widthUm * side);
    const t = (zUm - peakUm) / (tailWidthUm * side);
    return floor + amplitude / (1 + 3 * r * r) ** 2 +
      tailAmplitude / (1 + t * t);
  };
}

/** A Gaussian peak over a floor. */
export function gaussianPeak(shape: PeakShape): ScoreCurve {
  const { peakUm, widthUm, floor = 100, amplitude = 1000 } = shape;
  return (zUm) =>
    floor + amplitude * Math.exp(-0.5 * ((zUm - peakUm) / widthUm) ** 2);
}

/** Adds curves point by point. */
export function sum(...curves: ScoreCurve[]): ScoreCurve {
  return (zUm) => curves.reduce((total, c) => total + c(zUm), 0);
}

/** A deterministic uniform generator in [0, 1) (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Multiplies a curve by (1 + noise), noise uniform in +-`relative`. */
export function withNoise(
  curve: ScoreCurve,
  relative: number,
  seed: number,
): ScoreCurve {
  const random = seeded(seed);
  return (zUm) => curve(zUm) * (1 + relative * (2 * random() - 1));
}

/** What a driven search did. */
export interface SearchRun {
  /** The final step: `found` or `not_found`. */
  outcome: Exclude<SearchStep, { kind: "sample" }>;
  /** Every sample taken, in order. */
  samples: FocusSample[];
}

/**
 * Runs a search to its end against a curve, throwing if it ever samples
 * outside the bounds or asks for more than `maxFrames` frames.
 *
 * @param search the search under test
 * @param request the request the search was made with
 * @param curve the focus curve to read scores from
 * @param positionOf where the motor really goes for a requested z
 *   (a stack replays whole slices); the request by default
 */
export function runSearch(
  search: FocusSearch,
  request: SearchRequest,
  curve: ScoreCurve,
  positionOf: (zUm: number) => number = (zUm) => zUm,
): SearchRun {
  const samples: FocusSample[] = [];
  for (;;) {
    const step = search.next(samples);
    if (step.kind !== "sample") return { outcome: step, samples };
    if (step.zUm < request.zMinUm || step.zUm > request.zMaxUm) {
      throw new Error(`search sampled ${step.zUm} um, outside the bounds`);
    }
    if (samples.length >= request.maxFrames) {
      throw new Error(`search asked for frame ${samples.length + 1}`);
    }
    const zUm = positionOf(step.zUm);
    samples.push({ zUm, score: curve(zUm) });
  }
}
