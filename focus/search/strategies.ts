/**
 * The three focus-search strategies, named after the configuration's
 * `system.optimization_level`. They share one engine
 * ({@linkcode AdaptiveSearch}) and differ in how they open and how finely
 * they insist on bracketing the peak, which is what each one trades:
 *
 * - `standard`: sweeps the whole uncertainty window U (at least +-2 depths
 *   of field) in steps of one depth of field, then adds a frame or two
 *   half a depth of field from the best one and fits. Most frames (about
 *   2U/DOF + 3), but it sees every local maximum in the window, so a side
 *   lobe or a poor prediction cannot capture it. For calibration and for
 *   fields with no prediction.
 * - `fast`: a coarse pass at 2.5 depths of field over the window, then
 *   refining frames half a depth of field apart around the best one. Fewer
 *   frames than `standard` on wide windows and a finer final fit; a side
 *   lobe narrower than the coarse step can still mislead it.
 * - `ultra_fast`: the handoff's fine search. Three frames at the
 *   prediction and half a depth of field either side, a Gaussian fit, and
 *   a fourth frame only when the fit puts the peak outside them. Fewest
 *   frames (3 when the prediction is within the depth of field) but it
 *   trusts the prediction: far from focus it walks uphill frame by frame
 *   and can stop on a side lobe, which validation must catch.
 *
 * Every strategy never samples outside `zMinUm..zMaxUm`, extends towards a
 * peak found at the edge of its frames instead of reporting the edge,
 * widens a search that sees no focus signal and answers `not_found` for a
 * blank field, and always answers within `maxFrames`.
 *
 * @module
 */

import type {
  FocusSearch,
  SearchRequest,
  SearchStrategyName,
} from "../types.ts";
import { AdaptiveSearch, type SearchPlan } from "./adaptive_search.ts";
import { validateRequest } from "./_geometry.ts";

/** Tuning shared by every strategy. */
export interface SearchOptions {
  /**
   * Smallest relative spread of scores, (max - min) / max, that counts as
   * focus signal rather than noise; 0.05 by default.
   */
  minContrast?: number;
  /**
   * Grid the focus drive can reach, um: requested positions are rounded to
   * multiples of it (0.01 for the piezo, 1 for a recorded stack with 1 um
   * slices); 0 (any position) by default.
   */
  zStepUm?: number;
}

/** Default smallest score spread that counts as focus signal. */
export const DEFAULT_MIN_CONTRAST = 0.05;

/** Every strategy name, for validation and menus. */
export const SEARCH_STRATEGY_NAMES: readonly SearchStrategyName[] = Object
  .freeze(["standard", "fast", "ultra_fast"]);

/**
 * The plan of a strategy for a request.
 *
 * @param strategy which strategy
 * @param request the search's bounds and hints
 * @param options tuning shared by the strategies
 * @returns the opening pattern and refinement rules, in um
 * @throws {RangeError} when the request is unusable (see
 *   {@linkcode createSearch})
 */
export function planFor(
  strategy: SearchStrategyName,
  request: SearchRequest,
  options: SearchOptions = {},
): SearchPlan {
  validateRequest(request);
  const dof = request.depthOfFieldUm;
  const uncertainty = Math.max(request.uncertaintyUm, 0);
  const common = {
    fineStepUm: 0.5 * dof,
    maxHopUm: 4 * dof,
    extrapolationUm: 0.25 * dof,
    minContrast: options.minContrast ?? DEFAULT_MIN_CONTRAST,
    zStepUm: options.zStepUm ?? 0,
  };
  switch (strategy) {
    case "standard": {
      const halfSteps = Math.max(2, Math.ceil(uncertainty / dof));
      const offsets = [];
      for (let k = -halfSteps; k <= halfSteps; k++) offsets.push(k * dof);
      return {
        ...common,
        openingOffsetsUm: offsets,
        fitSpacingUm: 0.6 * dof,
        reachUm: Math.max(2 * uncertainty, 8 * dof),
      };
    }
    case "fast": {
      const coarseUm = 2.5 * dof;
      const halfSteps = Math.max(1, Math.round(uncertainty / coarseUm));
      const offsets = [0];
      for (let k = 1; k <= halfSteps; k++) {
        offsets.push(-k * coarseUm, k * coarseUm);
      }
      return {
        ...common,
        openingOffsetsUm: offsets,
        fitSpacingUm: 0.6 * dof,
        reachUm: Math.max(2 * uncertainty, 8 * dof),
      };
    }
    case "ultra_fast":
      return {
        ...common,
        openingOffsetsUm: [0, -0.5 * dof, 0.5 * dof],
        fitSpacingUm: 0.6 * dof,
        reachUm: Math.max(2 * uncertainty, 6 * dof),
      };
  }
}

/**
 * Starts a focus search.
 *
 * @param strategy `standard`, `fast` or `ultra_fast` (see the module doc
 *   for what each trades)
 * @param request start, bounds, depth of field, uncertainty and budget
 * @param options tuning shared by the strategies
 * @returns a search to drive with {@linkcode FocusSearch.next}
 * @throws {RangeError} when the strategy is unknown or the request's
 *   bounds, depth of field, uncertainty or budget are unusable
 */
export function createSearch(
  strategy: SearchStrategyName,
  request: SearchRequest,
  options: SearchOptions = {},
): FocusSearch {
  if (!SEARCH_STRATEGY_NAMES.includes(strategy)) {
    throw new RangeError(
      `Cannot start a "${strategy}" focus search: use one of ${
        SEARCH_STRATEGY_NAMES.join(", ")
      }`,
    );
  }
  return new AdaptiveSearch(request, planFor(strategy, request, options));
}
