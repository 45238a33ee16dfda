/**
 * How the supervisor runs an autofocus request: from the latest focus
 * confirmed with that lens (a handoff's result, or the last autofocus),
 * not from the first one ever found, so slow drift never accumulates.
 *
 * @module
 */

import { depthOfFieldUm, type LensId } from "../domain/lens.ts";
import type { AutofocusInput, AutofocusResult } from "./autofocus_machine.ts";
import type { SupervisorContext } from "./supervisor_types.ts";
import { errorMessage } from "./_errors.ts";

/** How far from the latest confirmed focus a search looks, in depths of field. */
const SEARCH_HALF_WIDTH_IN_DEPTHS = 4;

/** Frame budget of an autofocus request. */
const AUTOFOCUS_MAX_FRAMES = 20;

/**
 * The autofocus machine's input for `lens`, starting from the latest
 * confirmed focus, or from where the motor is when none was confirmed.
 */
export function autofocusFromLatest(
  context: SupervisorContext,
  lens: LensId,
): AutofocusInput {
  const profile = context.lenses[lens];
  const depthUm = depthOfFieldUm(profile);
  const startUm = context.lastConfirmedUm[lens] ??
    context.scanner.focus.positionUm();
  return {
    focusRef: context.session!.focusRef,
    camera: context.scanner.camera,
    clock: context.clock,
    lens: profile,
    strategy: "fast",
    metric: context.handoff.metric[lens],
    request: {
      startZUm: Math.min(profile.zMaxUm, Math.max(profile.zMinUm, startUm)),
      zMinUm: profile.zMinUm,
      zMaxUm: profile.zMaxUm,
      depthOfFieldUm: depthUm,
      uncertaintyUm: SEARCH_HALF_WIDTH_IN_DEPTHS * depthUm,
      maxFrames: AUTOFOCUS_MAX_FRAMES,
    },
  };
}

/** An autofocus that could not start: the lens could not be put in place. */
export function failedSearch(error: unknown): AutofocusResult {
  return {
    outcome: "failed",
    zUm: null,
    peakScore: null,
    method: null,
    samples: [],
    frames: 0,
    elapsedMs: 0,
    reason: errorMessage(error),
  };
}
