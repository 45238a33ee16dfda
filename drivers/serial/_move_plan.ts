/**
 * Timing of a focus move: when to poll and when to give up, from the
 * distance and the speed and settle time of the lens in place.
 *
 * @module
 */

import type { LensId, LensProfile } from "../../domain/lens.ts";

/** A planned move. */
export interface MovePlan {
  /** Start position, um. */
  fromUm: number;
  /** Target rounded to the motor's precision, um. */
  toUm: number;
  /** Travel time, ms. */
  travelMs: number;
  /** Settle time after travel, ms. */
  settleMs: number;
  /** Travel plus settle, ms. */
  expectedMs: number;
  /** Delay before the first `MOV?`, ms. */
  firstPollMs: number;
  /** Delay between later polls, ms. */
  pollIntervalMs: number;
  /** Time after which the move has failed, ms. */
  deadlineMs: number;
}

/** What {@linkcode planMove} needs. */
export interface MoveRequest {
  /** Both lens profiles. */
  lenses: Readonly<Record<LensId, LensProfile>>;
  /** The lens in place, `null` when unknown. */
  lens: LensId | null;
  /** Last settled position, um. */
  fromUm: number;
  /** Requested position, um. */
  toUm: number;
  /** Motor step, um. */
  precisionUm: number;
  /** Added to three times the expected time for the deadline, ms. */
  marginMs: number;
}

/**
 * Plans a move.
 *
 * @returns the timing of the move
 * @throws RangeError when the target is outside the range allowed
 */
export function planMove(request: MoveRequest): MovePlan {
  const { lenses, lens } = request;
  const both = [lenses.A, lenses.B];
  const profiles = lens === null ? both : [lenses[lens]];
  const label = lens === null
    ? "with no lens known in place, the turret"
    : `lens ${lens}`;
  const zMinUm = Math.min(...profiles.map((p) => p.zMinUm));
  const zMaxUm = Math.max(...profiles.map((p) => p.zMaxUm));
  const { toUm } = request;
  if (!Number.isFinite(toUm) || toUm < zMinUm || toUm > zMaxUm) {
    throw new RangeError(
      `Cannot move focus to ${toUm} um: ${label} allows ${zMinUm}..${zMaxUm} um`,
    );
  }
  const speedUmPerS = Math.min(...profiles.map((p) => p.focusSpeedUmPerS));
  const settleMs = Math.max(...profiles.map((p) => p.settleMs));

  const steps = Math.round(toUm / request.precisionUm);
  const roundedUm = Number((steps * request.precisionUm).toFixed(6));
  const travelMs = Math.abs(roundedUm - request.fromUm) / speedUmPerS * 1000;
  const expectedMs = travelMs + settleMs;
  return {
    fromUm: request.fromUm,
    toUm: roundedUm,
    travelMs,
    settleMs,
    expectedMs,
    firstPollMs: expectedMs,
    pollIntervalMs: Math.max(1, settleMs / 4),
    deadlineMs: 3 * expectedMs + request.marginMs,
  };
}
