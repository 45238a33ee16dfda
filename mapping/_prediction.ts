/**
 * One prediction with its uncertainty, confidence and range flags.
 *
 * Uncertainty (one standard deviation of a new measurement's error) is
 * sqrt(s^2 (1 + h) + (a dz)^2 + (b dT)^2): s the fit's residual standard
 * deviation, h the leverage of the point, dz and dT how far the point lies
 * outside the calibrated z and temperature ranges, a and b the assumed
 * model-form errors per unit of extrapolation. Confidence is the
 * probability, under that normal error, of landing within
 * CONFIDENCE_TOLERANCE_UM of the true focus.
 *
 * @module
 */

import type { MappingPrediction } from "./types.ts";
import {
  modelLeverage,
  modelOffsetUm,
  type ParfocalModel,
} from "./parfocal_model.ts";
import { probabilityWithin } from "./_gaussian.ts";

/** Error band that confidence counts as a hit: half lens B's ~0.5 um DOF. */
export const CONFIDENCE_TOLERANCE_UM = 0.25;
/** Sensor jitter tolerated around the calibrated temperature range, C. */
const TEMPERATURE_RANGE_MARGIN_C = 0.2;
/** Assumed model-form error per um of z extrapolation. */
const Z_EXTRAPOLATION_UM_PER_UM = 0.05;
/** Assumed thermal-slope error when thermal terms are fitted, um per C. */
const FITTED_THERMAL_UM_PER_C = 0.1;
/** Assumed thermal slope when none is fitted, um per C (DESIGN.md). */
const UNFITTED_THERMAL_UM_PER_C = 0.5;

/** The calibration a prediction is judged against. */
export interface PredictionBasis {
  /** The fitted model. */
  model: ParfocalModel;
  /** Calibrated lens-A z range, um. */
  zRangeUm: [number, number];
  /** Calibrated temperature range, C. */
  temperatureRangeC: [number, number];
}

/**
 * Predicts lens-B focus at exactly the given point.
 *
 * @param basis the model and the ranges it was calibrated over
 * @param correctionUm the adaptive correction to add, um
 * @param zAUm lens-A focus, um
 * @param temperatureC temperature, C
 */
export function predictionAt(
  basis: PredictionBasis,
  correctionUm: number,
  zAUm: number,
  temperatureC: number,
): MappingPrediction {
  const { model, zRangeUm, temperatureRangeC } = basis;
  const zOutUm = Math.max(0, zRangeUm[0] - zAUm, zAUm - zRangeUm[1]);
  const tOutC = Math.max(
    0,
    temperatureRangeC[0] - TEMPERATURE_RANGE_MARGIN_C - temperatureC,
    temperatureC - temperatureRangeC[1] - TEMPERATURE_RANGE_MARGIN_C,
  );

  const thermalSlope = model.thermalCoefficients.length > 0
    ? FITTED_THERMAL_UM_PER_C
    : UNFITTED_THERMAL_UM_PER_C;
  const uncertaintyUm = Math.sqrt(
    model.residualSdUm ** 2 * (1 + modelLeverage(model, zAUm, temperatureC)) +
      (Z_EXTRAPOLATION_UM_PER_UM * zOutUm) ** 2 +
      (thermalSlope * tOutC) ** 2,
  );

  const notes: string[] = [];
  if (zOutUm > 0) {
    notes.push(
      `lens-A z ${zAUm.toFixed(2)} um is outside the calibrated ${
        rangeText(zRangeUm, 2)
      } um`,
    );
  }
  if (tOutC > 0) {
    notes.push(
      `temperature ${temperatureC.toFixed(1)} C is outside the calibrated ${
        rangeText(temperatureRangeC, 1)
      } C`,
    );
  }
  const prediction: MappingPrediction = {
    zBUm: zAUm + modelOffsetUm(model, zAUm, temperatureC) + correctionUm,
    confidence: probabilityWithin(CONFIDENCE_TOLERANCE_UM, uncertaintyUm),
    uncertaintyUm,
    withinCalibratedRange: notes.length === 0,
  };
  if (notes.length > 0) prediction.rangeNote = notes.join("; ");
  return prediction;
}

function rangeText(range: [number, number], digits: number): string {
  return `${range[0].toFixed(digits)}..${range[1].toFixed(digits)}`;
}
