/**
 * Peak fitting of focus curves. Near focus a sharpness score falls off
 * roughly like a Gaussian of defocus, so a parabola through the logarithm
 * of three scores (a Gaussian fit) locates the peak between samples far
 * better than taking the best sample, and stays exact for a Gaussian.
 *
 * @module
 */

import type { FocusSample } from "../types.ts";

/** A peak fitted through three samples. */
export interface PeakFit {
  /** Fitted peak position, um. */
  zUm: number;
  /** Fitted score at the peak. */
  peakScore: number;
  /** `gaussian` (parabola on log score) or `parabola` (on the raw score). */
  method: "gaussian" | "parabola";
  /**
   * Second derivative of the fitted curve (of the log score for a Gaussian
   * fit), per um^2; negative for a peak.
   */
  curvaturePerUm2: number;
  /** Whether the best of the three samples is the middle one. */
  bracketed: boolean;
  /** The three samples the fit went through, by increasing z. */
  support: readonly [FocusSample, FocusSample, FocusSample];
}

/**
 * Sorts samples by z and merges repeats of one position (within
 * `mergeUm`) into their mean score, so that a revisited z weighs once.
 *
 * @param samples scored frames in any order
 * @param mergeUm positions closer than this are one position, um
 * @returns distinct positions by increasing z
 */
export function distinctByZ(
  samples: readonly FocusSample[],
  mergeUm = 1e-3,
): FocusSample[] {
  const sorted = [...samples].sort((a, b) => a.zUm - b.zUm);
  const merged: { zUm: number; total: number; count: number }[] = [];
  for (const { zUm, score } of sorted) {
    const last = merged.at(-1);
    if (last && zUm - last.zUm < mergeUm) {
      last.total += score;
      last.count += 1;
    } else {
      merged.push({ zUm, total: score, count: 1 });
    }
  }
  return merged.map((m) => ({ zUm: m.zUm, score: m.total / m.count }));
}

/**
 * Fits a parabola through three points and returns its vertex.
 *
 * @returns the vertex and second derivative, or `undefined` when the
 *   points are collinear, coincide or open upwards
 */
function vertexOf(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
): { x: number; y: number; curvature: number } | undefined {
  const slope01 = (y1 - y0) / (x1 - x0);
  const slope12 = (y2 - y1) / (x2 - x1);
  const a = (slope12 - slope01) / (x2 - x0);
  if (!(a < 0) || !Number.isFinite(a)) return undefined;
  const x = (x0 + x1) / 2 - slope01 / (2 * a);
  const y = y0 + slope01 * (x - x0) + a * (x - x0) * (x - x1);
  return { x, y, curvature: 2 * a };
}

/**
 * Fits a peak through three samples: a Gaussian (parabola on the log
 * score) when every score is positive, a parabola on the raw scores
 * otherwise.
 *
 * @param support three samples at distinct positions, by increasing z
 * @returns the fit, or `undefined` when the scores do not bend downwards
 */
export function fitThree(
  support: readonly [FocusSample, FocusSample, FocusSample],
): PeakFit | undefined {
  const [a, b, c] = support;
  const bracketed = b.score >= a.score && b.score >= c.score;
  if (a.score > 0 && b.score > 0 && c.score > 0) {
    const v = vertexOf(
      a.zUm,
      Math.log(a.score),
      b.zUm,
      Math.log(b.score),
      c.zUm,
      Math.log(c.score),
    );
    if (!v) return undefined;
    return {
      zUm: v.x,
      peakScore: Math.exp(v.y),
      method: "gaussian",
      curvaturePerUm2: v.curvature,
      bracketed,
      support,
    };
  }
  const v = vertexOf(a.zUm, a.score, b.zUm, b.score, c.zUm, c.score);
  if (!v) return undefined;
  return {
    zUm: v.x,
    peakScore: v.y,
    method: "parabola",
    curvaturePerUm2: v.curvature,
    bracketed,
    support,
  };
}

/**
 * Fits the peak of a focus curve from its samples: the best sample and
 * its two neighbours in z when it has both, else the three samples at that
 * end of the curve (the fit then extrapolates, and `bracketed` is false).
 *
 * @param samples scored frames in any order; repeats of a z are averaged
 * @returns the fit, or `undefined` with fewer than three distinct
 *   positions or when the scores there do not bend downwards
 */
export function fitPeak(samples: readonly FocusSample[]): PeakFit | undefined {
  const points = distinctByZ(samples);
  if (points.length < 3) return undefined;
  let best = 0;
  for (let i = 1; i < points.length; i++) {
    if (points[i].score > points[best].score) best = i;
  }
  const middle = Math.min(Math.max(best, 1), points.length - 2);
  return fitThree([points[middle - 1], points[middle], points[middle + 1]]);
}
