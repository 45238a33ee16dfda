/**
 * Positions and scores of a search: checking a request, placing the
 * opening frames inside the bounds, the drive's grid, and score contrast.
 *
 * @module
 */

import type { FocusSample, SearchRequest } from "../types.ts";
import type { SearchPlan } from "./adaptive_search.ts";

/**
 * Checks that a request can be searched.
 *
 * @param r the request
 * @throws {RangeError} naming the unusable field and what to give instead
 */
export function validateRequest(r: SearchRequest): void {
  const finite = [r.startZUm, r.zMinUm, r.zMaxUm, r.depthOfFieldUm]
    .every(Number.isFinite);
  if (!finite || !(r.zMinUm < r.zMaxUm)) {
    throw new RangeError(
      `Cannot search focus in ${r.zMinUm}..${r.zMaxUm} um from ${r.startZUm} um: give finite bounds with min below max`,
    );
  }
  if (!(r.depthOfFieldUm > 0)) {
    throw new RangeError(
      `Cannot search focus with a depth of field of ${r.depthOfFieldUm} um: give the lens's positive depth of field`,
    );
  }
  if (!(r.uncertaintyUm >= 0)) {
    throw new RangeError(
      `Cannot search focus with an uncertainty of ${r.uncertaintyUm} um: give zero or more`,
    );
  }
  if (!Number.isInteger(r.maxFrames) || r.maxFrames < 3) {
    throw new RangeError(
      `Cannot search focus in ${r.maxFrames} frames: a peak fit needs at least 3`,
    );
  }
}

/**
 * Puts the opening pattern inside the bounds: shifted as a whole when the
 * start is near an end, squeezed when the range is narrower than it.
 *
 * @param startUm where the search starts, inside the bounds
 * @param plan the strategy's plan (opening offsets, drive grid)
 * @param r the request's bounds
 * @param mergeUm positions closer than this are dropped as repeats
 * @returns the opening positions in sampling order
 */
export function placeOpening(
  startUm: number,
  plan: SearchPlan,
  r: SearchRequest,
  mergeUm: number,
): number[] {
  const offsetsUm = plan.openingOffsetsUm;
  const below = Math.max(0, -Math.min(...offsetsUm));
  const above = Math.max(0, Math.max(...offsetsUm));
  const span = r.zMaxUm - r.zMinUm;
  const scale = below + above > span ? span / (below + above) : 1;
  const centre = clamp(
    startUm,
    r.zMinUm + below * scale,
    r.zMaxUm - above * scale,
  );
  const placed: number[] = [];
  for (const offset of offsetsUm) {
    const z = snapToGrid(centre + offset * scale, plan.zStepUm, r);
    if (placed.every((p) => Math.abs(p - z) >= mergeUm)) placed.push(z);
  }
  return placed;
}

/**
 * Rounds a position to the drive's grid without leaving the bounds.
 *
 * @param zUm the wanted position
 * @param stepUm the grid, um; 0 leaves positions as they are
 * @param r the request's bounds
 * @returns the nearest reachable position inside the bounds
 */
export function snapToGrid(
  zUm: number,
  stepUm: number,
  r: SearchRequest,
): number {
  const z = clamp(zUm, r.zMinUm, r.zMaxUm);
  if (!(stepUm > 0)) return z;
  let snapped = Math.round(z / stepUm) * stepUm;
  if (snapped < r.zMinUm) snapped += stepUm;
  if (snapped > r.zMaxUm) snapped -= stepUm;
  return clamp(snapped, r.zMinUm, r.zMaxUm);
}

/**
 * Relative spread of the scores, (max - min) / max; 0 when no score is
 * positive.
 *
 * @param points scored frames
 */
export function contrastOf(points: readonly FocusSample[]): number {
  let max = -Infinity;
  let min = Infinity;
  for (const p of points) {
    max = Math.max(max, p.score);
    min = Math.min(min, p.score);
  }
  return max > 0 ? (max - min) / max : 0;
}

/**
 * Index of the best-scoring frame (the first of equals).
 *
 * @param points scored frames, at least one
 */
export function argMax(points: readonly FocusSample[]): number {
  let best = 0;
  for (let i = 1; i < points.length; i++) {
    if (points[i].score > points[best].score) best = i;
  }
  return best;
}

/**
 * Limits a value to `min..max`.
 *
 * @param value the value
 * @param min lower limit
 * @param max upper limit
 */
export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
