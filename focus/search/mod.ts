/**
 * Focus searches: strategies that decide where to sample next, and the
 * peak fit they finish with.
 *
 * @module
 */

export {
  createSearch,
  DEFAULT_MIN_CONTRAST,
  planFor,
  SEARCH_STRATEGY_NAMES,
  type SearchOptions,
} from "./strategies.ts";
export { distinctByZ, fitPeak, fitThree, type PeakFit } from "./peak_fit.ts";
export { AdaptiveSearch, type SearchPlan } from "./adaptive_search.ts";
