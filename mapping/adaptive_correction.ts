/**
 * The online correction of the ADAPTIVE model: a small offset
 * b0 + b1 * s added to the calibrated polynomial, where s is lens-A z
 * scaled to -1..1 over the calibrated range. Each validated handoff moves
 * it by a normalised least-mean-squares step.
 *
 * The acceptance rule, with k the two-sided normal band of
 * `confidence_threshold` (0.95 gives k = 1.96) and sigma the prediction's
 * uncertainty at that point:
 *
 * 1. An error within k * sigma of the current prediction agrees with the
 *    model and is learned.
 * 2. A larger error disagrees. It is learned only when the truth has
 *    moved: at least MIN_CORROBORATING of the last RECENT_WINDOW handoffs
 *    (refused ones included) differed from the calibrated polynomial by
 *    an amount within k * sigma of this one. A lone outlier never is.
 * 3. No update may take the correction beyond MAX_CORRECTION_UM; past
 *    that the scanner needs a new calibration, not a nudge.
 *
 * The step uses min(learning_rate, MAX_LEARNING_RATE), so a learning rate
 * of 1 cannot make the mapping jump to each noisy measurement.
 *
 * @module
 */

/** Largest step size used, whatever the configured learning rate. */
export const MAX_LEARNING_RATE = 0.5;
/** Largest correction |b0| + |b1| the adaptive model may learn, um. */
export const MAX_CORRECTION_UM = 1;
/** How many recent handoffs are kept to tell drift from an outlier. */
export const RECENT_WINDOW = 8;
/** How many of them must agree before a disagreeing error is learned. */
export const MIN_CORROBORATING = 3;

/** One validated handoff as the correction sees it. */
export interface CorrectionSample {
  /** Lens-A focus of the handoff, um. */
  zAUm: number;
  /** Measured lens-B focus minus the calibrated polynomial's, um. */
  baseResidualUm: number;
  /** k * sigma at this point: the band an agreeing error falls in, um. */
  toleranceUm: number;
}

/** Whether a validation moved the correction, and why not. */
export interface CorrectionVerdict {
  /** True when the correction was updated. */
  accepted: boolean;
  /** Why the update was refused. */
  reason?: string;
}

/** Online offset correction with a drift-versus-outlier gate. */
export class AdaptiveCorrection {
  #constantUm = 0;
  #slopeUm = 0;
  #recentResidualsUm: number[] = [];
  readonly #zCenterUm: number;
  readonly #zHalfSpanUm: number;

  /**
   * @param zRangeUm the calibrated lens-A z range, um
   */
  constructor(zRangeUm: [number, number]) {
    this.#zCenterUm = (zRangeUm[0] + zRangeUm[1]) / 2;
    this.#zHalfSpanUm = Math.max((zRangeUm[1] - zRangeUm[0]) / 2, 1e-9);
  }

  /**
   * The correction to add at a lens-A focus.
   *
   * @param zAUm lens-A focus, um
   * @returns the offset, um
   */
  offsetUm(zAUm: number): number {
    return this.#constantUm + this.#slopeUm * this.#scaled(zAUm);
  }

  /** The learned [b0, b1], um; [0, 0] right after calibration. */
  get coefficientsUm(): [number, number] {
    return [this.#constantUm, this.#slopeUm];
  }

  /**
   * Learns from one validated handoff if the acceptance rule allows it.
   *
   * @param sample the handoff's residual and tolerance
   * @param learningRate the configured learning rate (0..1]
   * @returns whether the correction moved, with the reason when it did not
   */
  consider(sample: CorrectionSample, learningRate: number): CorrectionVerdict {
    const { zAUm, baseResidualUm, toleranceUm } = sample;
    if (![zAUm, baseResidualUm, toleranceUm].every(Number.isFinite)) {
      return {
        accepted: false,
        reason: "the validation holds a value that is not finite",
      };
    }

    const innovationUm = baseResidualUm - this.offsetUm(zAUm);
    const corroborating =
      this.#recentResidualsUm.filter((residualUm) =>
        Math.abs(residualUm - baseResidualUm) <= toleranceUm
      ).length;
    this.#remember(baseResidualUm);
    if (
      Math.abs(innovationUm) > toleranceUm &&
      corroborating < MIN_CORROBORATING
    ) {
      return {
        accepted: false,
        reason: `error ${innovationUm.toFixed(3)} um is outside the ${
          toleranceUm.toFixed(3)
        } um band of the prediction and only ${corroborating} of the last ${RECENT_WINDOW} handoffs agree with it (${MIN_CORROBORATING} needed): treated as an outlier`,
      };
    }

    const s = this.#scaled(zAUm);
    const step = Math.min(learningRate, MAX_LEARNING_RATE) * innovationUm /
      (1 + s * s);
    const constantUm = this.#constantUm + step;
    const slopeUm = this.#slopeUm + step * s;
    const sizeUm = Math.abs(constantUm) + Math.abs(slopeUm);
    if (sizeUm > MAX_CORRECTION_UM) {
      return {
        accepted: false,
        reason: `the correction would reach ${
          sizeUm.toFixed(2)
        } um, beyond the ${MAX_CORRECTION_UM} um the adaptive model may learn: recalibrate the parfocal mapping`,
      };
    }
    this.#constantUm = constantUm;
    this.#slopeUm = slopeUm;
    return { accepted: true };
  }

  /** Forgets everything learned since calibration. */
  reset(): void {
    this.#constantUm = 0;
    this.#slopeUm = 0;
    this.#recentResidualsUm = [];
  }

  #remember(residualUm: number): void {
    this.#recentResidualsUm.push(residualUm);
    if (this.#recentResidualsUm.length > RECENT_WINDOW) {
      this.#recentResidualsUm.shift();
    }
  }

  #scaled(zAUm: number): number {
    const s = (zAUm - this.#zCenterUm) / this.#zHalfSpanUm;
    // Beyond the calibrated range the slope is not extrapolated further.
    return Math.max(-1, Math.min(1, s));
  }
}
