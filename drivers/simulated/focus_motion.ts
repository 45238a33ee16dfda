/**
 * Where the simulated objective physically is at any moment: a smooth
 * travel to the target, then a decaying ring around it while it settles.
 * A frame exposed before the ring has died sees the wrong z, as on a real
 * piezo stage.
 *
 * @module
 */

/** One commanded move of the objective. */
export interface FocusMotion {
  /** Clock time the move started, ms. */
  startMs: number;
  /** Physical z at the start, um. */
  fromUm: number;
  /** Physical z the move ends at (target plus positioning error), um. */
  toUm: number;
  /** Travel time, ms. */
  travelMs: number;
  /** Settle time after travel, ms. */
  settleMs: number;
}

/** Overshoot at the end of travel, as a fraction of the move length. */
const OVERSHOOT_FRACTION = 0.06;

/** Ringing periods within one settle time. */
const RING_PERIODS_PER_SETTLE = 1.5;

/**
 * Physical z during and after a move.
 *
 * @param motion the move
 * @param atMs clock time, ms
 * @returns z in um
 */
export function positionDuringMotion(
  motion: FocusMotion,
  atMs: number,
): number {
  const elapsedMs = atMs - motion.startMs;
  if (elapsedMs <= 0) return motion.fromUm;

  const distanceUm = motion.toUm - motion.fromUm;
  if (elapsedMs < motion.travelMs) {
    // Smoothstep travel: zero velocity at both ends, peak speed in the middle.
    const s = elapsedMs / motion.travelMs;
    return motion.fromUm + distanceUm * s * s * (3 - 2 * s);
  }

  const ringMs = elapsedMs - motion.travelMs;
  if (ringMs >= motion.settleMs) return motion.toUm;
  // Five time constants in one settle time leave under 1% of the overshoot.
  const decay = Math.exp(-5 * ringMs / motion.settleMs);
  const phase = 2 * Math.PI * RING_PERIODS_PER_SETTLE * ringMs /
    motion.settleMs;
  return motion.toUm +
    OVERSHOOT_FRACTION * distanceUm * decay * Math.cos(phase);
}

/**
 * Records the moves of one objective and answers where it was at any time
 * since the oldest move kept.
 */
export class FocusTrack {
  #motions: FocusMotion[] = [];
  #restUm: number;

  /** @param restUm physical z before any move, um */
  constructor(restUm = 0) {
    this.#restUm = restUm;
  }

  /**
   * Starts a move from wherever the objective is at `startMs`.
   *
   * @param startMs clock time, ms
   * @param toUm physical end position, um
   * @param travelMs travel time, ms
   * @param settleMs settle time, ms
   * @returns the recorded move
   */
  start(
    startMs: number,
    toUm: number,
    travelMs: number,
    settleMs: number,
  ): FocusMotion {
    const motion = {
      startMs,
      fromUm: this.positionAt(startMs),
      toUm,
      travelMs,
      settleMs,
    };
    this.#motions.push(motion);
    // A handful of moves covers any exposure; older ones are not needed.
    if (this.#motions.length > 8) this.#motions.shift();
    return motion;
  }

  /**
   * Physical z at a time, following the move in progress then.
   *
   * @param atMs clock time, ms
   * @returns z in um
   */
  positionAt(atMs: number): number {
    for (let i = this.#motions.length - 1; i >= 0; i--) {
      const motion = this.#motions[i];
      if (motion.startMs <= atMs) return positionDuringMotion(motion, atMs);
    }
    return this.#motions[0]?.fromUm ?? this.#restUm;
  }
}
