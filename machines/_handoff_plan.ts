import { depthOfFieldUm, type LensProfile } from "../domain/lens.ts";
import type { FocusSample, SearchRequest } from "../focus/types.ts";
import type { MappingPrediction } from "../mapping/types.ts";
import type { AutofocusResult } from "./autofocus_machine.ts";
import type { HandoffResult } from "./handoff_types.ts";

/** Phase times of one handoff, ms. */
export interface HandoffTimings {
  lensSwitchMs: number;
  focusMoveMs: number;
  focusSearchMs: number;
  validationMs: number;
}

/** How much wider than its own estimate a prediction's error may be. */
const UNCERTAINTY_SAFETY_FACTOR = 3;

/** Search half-width, um, when the mapping is asked outside its range. */
const OUT_OF_RANGE_HALF_WIDTH_UM = 3;

/**
 * The fine search around a prediction: as narrow as the mapping's own
 * uncertainty allows, never narrower than half the depth of field, and
 * widened (with a larger frame budget) when the prediction lies outside
 * what calibration covered.
 */
export function searchRequestFor(
  lens: LensProfile,
  startZUm: number,
  prediction: MappingPrediction,
  maxFrames: number,
): SearchRequest {
  const depthUm = depthOfFieldUm(lens);
  const trusted = prediction.withinCalibratedRange;
  const uncertaintyUm = Math.max(
    depthUm / 2,
    prediction.uncertaintyUm * UNCERTAINTY_SAFETY_FACTOR,
    trusted ? 0 : OUT_OF_RANGE_HALF_WIDTH_UM,
  );
  return {
    startZUm,
    zMinUm: lens.zMinUm,
    zMaxUm: lens.zMaxUm,
    depthOfFieldUm: depthUm,
    uncertaintyUm,
    maxFrames: trusted ? maxFrames : maxFrames * 2,
  };
}

/** What the handoff machine knows when it ends. */
export interface HandoffOutcomeContext {
  zSourceUm: number;
  startedMs: number;
  clock: { now(): number };
  predicted: {
    prediction: MappingPrediction;
    temperatureC: number;
    cacheHit: boolean;
    zTargetUm: number;
  } | null;
  timings: HandoffTimings;
  search: AutofocusResult | null;
  validationScore: number | null;
  failure: HandoffResult["error"] | null;
}

/** Renders the handoff's context as the HTTP contract's result. */
export function handoffResult(context: HandoffOutcomeContext): HandoffResult {
  const predicted = context.predicted;
  const foundZUm = context.search?.zUm ?? null;
  const zTargetUm = foundZUm ?? predicted?.zTargetUm ?? Number.NaN;
  const samples: FocusSample[] = context.search?.samples ?? [];
  const success = context.failure === null && foundZUm !== null &&
    context.validationScore !== null;
  return {
    success,
    z_source: context.zSourceUm,
    z_target: round3(zTargetUm),
    z_predicted: round3(predicted?.prediction.zBUm ?? Number.NaN),
    elapsed_ms: round3(context.clock.now() - context.startedMs),
    mapping_error_um: foundZUm === null || predicted === null
      ? Number.NaN
      : round3(Math.abs(foundZUm - predicted.prediction.zBUm)),
    lens_switch_ms: round3(context.timings.lensSwitchMs),
    focus_move_ms: round3(context.timings.focusMoveMs),
    focus_search_ms: round3(context.timings.focusSearchMs),
    validation_ms: round3(context.timings.validationMs),
    frames: samples.length + (context.validationScore === null ? 0 : 1),
    cache_hit: predicted?.cacheHit ?? false,
    temperature_c: predicted?.temperatureC ?? Number.NaN,
    confidence: predicted?.prediction.confidence ?? 0,
    samples,
    ...(context.failure ? { error: context.failure } : {}),
  };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
