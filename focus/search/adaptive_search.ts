/**
 * The search engine behind every strategy: an opening pattern of frames,
 * then rules that extend towards a rising edge, refine a coarse bracket,
 * widen a flat one, and fit the peak once it is bracketed finely enough.
 *
 * `next` is a pure function of the request, the plan and the samples, so
 * a search can be replayed and never drifts from what was measured.
 *
 * @module
 */

import type {
  FocusSample,
  FocusSearch,
  SearchRequest,
  SearchStep,
} from "../types.ts";
import { distinctByZ, fitPeak, type PeakFit } from "./peak_fit.ts";
import {
  argMax,
  clamp,
  contrastOf,
  placeOpening,
  snapToGrid,
  validateRequest,
} from "./_geometry.ts";

/** How a strategy spends frames, in micrometres and ratios. */
export interface SearchPlan {
  /** Opening frames as offsets from the start, in sampling order, um. */
  openingOffsetsUm: readonly number[];
  /** Widest neighbour spacing around the best frame the final fit accepts, um. */
  fitSpacingUm: number;
  /** Distance of a refining frame from the best one, um. */
  fineStepUm: number;
  /** Longest single hop when extending or widening, um. */
  maxHopUm: number;
  /** How far beyond the outermost frame a fitted peak may lie and count, um. */
  extrapolationUm: number;
  /** How far from the start a search without focus signal widens, um. */
  reachUm: number;
  /** Smallest (max - min) / max of the scores that counts as focus signal. */
  minContrast: number;
  /** Grid of reachable positions, um; 0 for any position. */
  zStepUm: number;
}

/** Positions closer than this fraction of the fine step are one position. */
const MERGE_FRACTION = 0.1;

/**
 * A search that follows a {@linkcode SearchPlan} within a request's bounds
 * and frame budget.
 */
export class AdaptiveSearch implements FocusSearch {
  readonly #request: SearchRequest;
  readonly #plan: SearchPlan;
  readonly #opening: readonly number[];
  readonly #startUm: number;
  readonly #mergeUm: number;

  /**
   * @param request bounds, start and budget; a start outside the bounds is
   *   moved to the nearest bound
   * @param plan how to spend the frames
   * @throws {RangeError} when the bounds, depth of field, uncertainty or
   *   budget are not usable
   */
  constructor(request: SearchRequest, plan: SearchPlan) {
    validateRequest(request);
    this.#request = request;
    this.#plan = plan;
    this.#startUm = clamp(request.startZUm, request.zMinUm, request.zMaxUm);
    this.#mergeUm = MERGE_FRACTION * plan.fineStepUm;
    this.#opening = placeOpening(
      this.#startUm,
      plan,
      request,
      this.#mergeUm,
    ).slice(0, request.maxFrames);
  }

  /**
   * Decides the next step from every sample so far.
   *
   * @param samples every frame taken for this search, in order
   * @returns where to sample next, or the outcome
   * @throws {RangeError} when a sample has a non-finite z or score
   */
  next(samples: readonly FocusSample[]): SearchStep {
    for (const s of samples) {
      if (!Number.isFinite(s.zUm) || !Number.isFinite(s.score)) {
        throw new RangeError(
          `Cannot continue the focus search: sample at z ${s.zUm} has score ${s.score}; pass finite positions and scores`,
        );
      }
    }
    if (samples.length < this.#opening.length) {
      return { kind: "sample", zUm: this.#opening[samples.length] };
    }
    const points = distinctByZ(samples, this.#mergeUm);
    const atBudget = samples.length >= this.#request.maxFrames;
    const step = this.#decide(points, atBudget);
    if (step.kind !== "sample") return step;
    const zUm = snapToGrid(step.zUm, this.#plan.zStepUm, this.#request);
    const repeat = points.some((p) => Math.abs(p.zUm - zUm) < this.#mergeUm);
    if (repeat) return this.#conclude(points, "no new position left to try");
    return { kind: "sample", zUm };
  }

  #decide(points: FocusSample[], atBudget: boolean): SearchStep {
    const { zMinUm, zMaxUm, maxFrames } = this.#request;
    const plan = this.#plan;
    if (points.length < 3) {
      if (atBudget) return this.#conclude(points, `${maxFrames} frames spent`);
      return this.#widen(points);
    }
    if (contrastOf(points) < plan.minContrast) {
      if (atBudget) return this.#flat(points, `${maxFrames} frames spent`);
      return this.#widen(points);
    }
    if (atBudget) {
      return this.#conclude(
        points,
        `the budget of ${maxFrames} frames ran out`,
      );
    }

    const best = argMax(points);
    const fit = fitPeak(points);
    const low = points[0].zUm;
    const high = points[points.length - 1].zUm;
    const atLowEdge = best === 0;
    const atHighEdge = best === points.length - 1;

    if (atLowEdge || atHighEdge) {
      if (fit && this.#accepts(fit)) return found(fit);
      const edgeUm = atLowEdge ? low : high;
      const limitUm = atLowEdge ? zMinUm : zMaxUm;
      const inward = atLowEdge ? 1 : -1;
      const next1 = points[best + inward].zUm;
      const inwardGapUm = Math.abs(next1 - edgeUm);
      if (Math.abs(edgeUm - limitUm) < this.#mergeUm) {
        // The best frame is at the end of the range: make the three frames
        // next to the end finely spaced before blaming the range.
        const next2 = points[best + 2 * inward].zUm;
        const outerGapUm = Math.abs(next2 - next1);
        if (inwardGapUm > plan.fitSpacingUm) {
          return sample(
            edgeUm + inward * Math.min(plan.fineStepUm, inwardGapUm / 2),
          );
        }
        if (outerGapUm > plan.fitSpacingUm) {
          return sample(
            next1 + inward * Math.min(plan.fineStepUm, outerGapUm / 2),
          );
        }
        return notFound(
          `focus lies beyond the ${
            atLowEdge ? "lower" : "upper"
          } end of the range (${limitUm} um): the score still rises there`,
        );
      }
      const direction = atLowEdge ? -1 : 1;
      // On a slope without a peak in sight, double the reach each frame; with
      // a peak predicted beyond the edge, step just past it so the next frame
      // and the edge bracket it; with a peak predicted inside, close the
      // bracket one fine step out.
      let hopUm = Math.max(plan.fineStepUm, 2 * inwardGapUm);
      if (fit) {
        const beyondUm = (fit.zUm - edgeUm) * direction;
        hopUm = beyondUm > 0 ? beyondUm + plan.fineStepUm / 2 : plan.fineStepUm;
      }
      hopUm = clamp(hopUm, plan.fineStepUm / 2, plan.maxHopUm);
      return sample(clamp(edgeUm + direction * hopUm, zMinUm, zMaxUm));
    }

    if (fit && this.#accepts(fit)) return found(fit);
    // Refine a coarse bracket one fine step from the best frame, first on
    // the side the fit leans to, so two frames usually finish it.
    const bestZ = points[best].zUm;
    const leftGap = bestZ - points[best - 1].zUm;
    const rightGap = points[best + 1].zUm - bestZ;
    const leftWide = leftGap > plan.fitSpacingUm;
    const rightWide = rightGap > plan.fitSpacingUm;
    let towardsRight = rightGap > leftGap;
    if (fit && leftWide && rightWide) towardsRight = fit.zUm > bestZ;
    else if (leftWide !== rightWide) towardsRight = rightWide;
    const gapUm = towardsRight ? rightGap : leftGap;
    const offsetUm = Math.min(plan.fineStepUm, gapUm / 2);
    return sample(bestZ + (towardsRight ? offsetUm : -offsetUm));
  }

  /** Whether a fit is finely supported and lies next to its frames. */
  #accepts(fit: PeakFit): boolean {
    const { fitSpacingUm, extrapolationUm } = this.#plan;
    const [a, b, c] = fit.support;
    const fine = b.zUm - a.zUm <= fitSpacingUm && c.zUm - b.zUm <= fitSpacingUm;
    const low = Math.max(a.zUm - extrapolationUm, this.#request.zMinUm);
    const high = Math.min(c.zUm + extrapolationUm, this.#request.zMaxUm);
    return fine && fit.zUm >= low && fit.zUm <= high;
  }

  /** Widens a search that has seen no focus signal yet, nearer side first. */
  #widen(points: FocusSample[]): SearchStep {
    const { zMinUm, zMaxUm } = this.#request;
    const plan = this.#plan;
    const start = this.#startUm;
    const lowUm = points[0].zUm;
    const highUm = points[points.length - 1].zUm;
    const reachLow = Math.max(zMinUm, start - plan.reachUm);
    const reachHigh = Math.min(zMaxUm, start + plan.reachUm);
    const canLow = lowUm - reachLow > this.#mergeUm;
    const canHigh = reachHigh - highUm > this.#mergeUm;
    if (!canLow && !canHigh) {
      return this.#flat(
        points,
        `searched ${lowUm.toFixed(2)}..${highUm.toFixed(2)} um`,
      );
    }
    const lowExtent = start - lowUm;
    const highExtent = highUm - start;
    const goLow = canLow && (!canHigh || lowExtent <= highExtent);
    const extent = goLow ? lowExtent : highExtent;
    const hopUm = clamp(extent, plan.fineStepUm, plan.maxHopUm);
    return goLow
      ? sample(Math.max(reachLow, lowUm - hopUm))
      : sample(Math.min(reachHigh, highUm + hopUm));
  }

  #flat(points: FocusSample[], context: string): SearchStep {
    const percent = (100 * contrastOf(points)).toFixed(1);
    const limit = (100 * this.#plan.minContrast).toFixed(1);
    return notFound(
      `no focus signal: scores vary by ${percent}% (below ${limit}%); ${context}. Check that the field holds cells and is lit`,
    );
  }

  /** The answer when frames or positions run out. */
  #conclude(points: FocusSample[], why: string): SearchStep {
    const fit = fitPeak(points);
    if (fit && fit.bracketed && this.#accepts(fit)) return found(fit);
    if (fit && fit.bracketed) return found(fit, `${fit.method}_coarse`);
    return notFound(`${why} before the peak was bracketed`);
  }
}

function sample(zUm: number): SearchStep {
  return { kind: "sample", zUm };
}

function found(fit: PeakFit, method: string = fit.method): SearchStep {
  return { kind: "found", zUm: fit.zUm, peakScore: fit.peakScore, method };
}

function notFound(reason: string): SearchStep {
  return { kind: "not_found", reason };
}
