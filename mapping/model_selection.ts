/**
 * Which model shape to fit for a configured `parfocal.model_type`, and the
 * checks that refuse calibration data that cannot support it.
 *
 * - LINEAR: degree 1 in z.
 * - POLYNOMIAL and ADAPTIVE (whose base is the polynomial): degree 2 or 3,
 *   whichever predicts held-out points better (leave-one-out RMS). Degree 3
 *   is only tried with enough points to keep two degrees of freedom.
 * - With temperature compensation the two thermal terms are added when the
 *   points span at least MIN_TEMPERATURE_SPAN_C; over a narrower span they
 *   cannot be told from noise, so they are left out and a note says so.
 *   When z and temperature moved together (a sweep in z order while the
 *   room warmed) the fit still runs, with a note, and the leverage of
 *   points off the sweep's path lowers their confidence.
 *
 * @module
 */

import type { CalibrationPoint } from "./types.ts";
import {
  coefficientCount,
  fitParfocalModel,
  leaveOneOutRmsUm,
  type ParfocalModel,
} from "./parfocal_model.ts";

/** Names of the configured model types. */
export type ModelType = "LINEAR" | "POLYNOMIAL" | "ADAPTIVE";

/** Smallest lens-A z span a calibration must cover, um. */
export const MIN_Z_SPAN_UM = 1;
/** Smallest temperature span over which thermal terms are fitted, C. */
export const MIN_TEMPERATURE_SPAN_C = 0.5;
/** Above this |correlation| of z and temperature the fit warns. */
export const MAX_Z_TEMPERATURE_CORRELATION = 0.8;

/** The chosen model and how it was chosen. */
export interface ModelSelection {
  /** The fitted model. */
  model: ParfocalModel;
  /** Held-out (leave-one-out) RMS error of each degree tried, um. */
  leaveOneOutRmsUmByDegree: Record<number, number>;
  /** Plain-language notes on choices made, for the report and logs. */
  notes: string[];
}

/**
 * Checks the points and fits the model a configuration asks for.
 *
 * @param points calibration pairs
 * @param modelType the configured model type
 * @param temperatureCompensation whether thermal terms are wanted
 * @returns the fitted model with its selection record
 * @throws {RangeError} naming the problem and the fix: too few points, a
 *   value that is not finite, too narrow a z spread, or z and temperature
 *   changing in step so that their effects cannot be separated
 */
export function selectModel(
  points: CalibrationPoint[],
  modelType: ModelType,
  temperatureCompensation: boolean,
): ModelSelection {
  const label = `the ${modelType} parfocal model`;
  checkValues(points, label);
  const notes: string[] = [];

  const temperatures = points.map((point) => point.temperatureC);
  const spanC = Math.max(...temperatures) - Math.min(...temperatures);
  const thermal = temperatureCompensation && spanC >= MIN_TEMPERATURE_SPAN_C;
  if (temperatureCompensation && !thermal) {
    notes.push(
      `temperature spanned ${
        spanC.toFixed(2)
      } C, under the ${MIN_TEMPERATURE_SPAN_C} C needed to fit thermal terms: none fitted, so predictions away from the calibration temperature are flagged out of range`,
    );
  }

  const correlation = Math.abs(
    correlationOf(points.map((point) => point.zAUm), temperatures),
  );
  if (thermal && correlation > MAX_Z_TEMPERATURE_CORRELATION) {
    notes.push(
      `lens-A z and temperature changed together (correlation ${
        correlation.toFixed(2)
      }): the thermal terms are poorly determined and predictions away from the calibration's path have low confidence; collect the points in shuffled z order`,
    );
  }

  const lowest = modelType === "LINEAR" ? 1 : 2;
  checkSpread(points, label, lowest, thermal);
  const degrees = modelType === "LINEAR"
    ? [1]
    : [2, 3].filter((degree) =>
      degree === 2 ||
      (points.length >= coefficientCount(degree, thermal) + 2 &&
        distinctCount(points) > degree)
    );

  const leaveOneOutRmsUmByDegree: Record<number, number> = {};
  for (const degree of degrees) {
    leaveOneOutRmsUmByDegree[degree] = separated(
      () => leaveOneOutRmsUm(points, degree, thermal),
      label,
      thermal,
    );
  }
  const degree = degrees.reduce((best, candidate) =>
    leaveOneOutRmsUmByDegree[candidate] < leaveOneOutRmsUmByDegree[best]
      ? candidate
      : best
  );
  if (degrees.length > 1) {
    notes.push(
      `polynomial degree ${degree} chosen: leave-one-out RMS ${
        degrees.map((d) =>
          `${leaveOneOutRmsUmByDegree[d].toFixed(4)} um at degree ${d}`
        ).join(", ")
      }`,
    );
  }

  const model = separated(
    () => fitParfocalModel(points, degree, thermal),
    label,
    thermal,
  );
  return { model, leaveOneOutRmsUmByDegree, notes };
}

function checkValues(points: CalibrationPoint[], label: string): void {
  if (points.length === 0) {
    throw new RangeError(
      `Cannot fit ${label}: no calibration points; collect pairs of lens-A and lens-B focus first`,
    );
  }
  points.forEach((point, i) => {
    if (
      ![point.zAUm, point.zBUm, point.temperatureC].every(Number.isFinite)
    ) {
      throw new RangeError(
        `Cannot fit ${label}: point ${i} holds a value that is not finite; drop or re-measure it`,
      );
    }
  });
}

function checkSpread(
  points: CalibrationPoint[],
  label: string,
  degree: number,
  thermal: boolean,
): void {
  const needed = coefficientCount(degree, thermal) + 2;
  if (points.length < needed) {
    throw new RangeError(
      `Cannot fit ${label}: ${points.length} calibration points, at least ${needed} needed${
        thermal ? " with temperature compensation" : ""
      }; raise parfocal.calibration_points`,
    );
  }

  const zValues = points.map((point) => point.zAUm);
  const spanUm = Math.max(...zValues) - Math.min(...zValues);
  if (spanUm < MIN_Z_SPAN_UM || distinctCount(points) <= degree) {
    throw new RangeError(
      `Cannot fit ${label}: the points cover ${
        spanUm.toFixed(2)
      } um of lens-A z at ${
        distinctCount(points)
      } distinct positions; spread at least ${
        degree + 1
      } positions over ${MIN_Z_SPAN_UM} um or more of the z range`,
    );
  }
}

function correlationOf(xs: number[], ys: number[]): number {
  const meanX = xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const meanY = ys.reduce((sum, y) => sum + y, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    sxy += (x - meanX) * (ys[i] - meanY);
    sxx += (x - meanX) ** 2;
    syy += (ys[i] - meanY) ** 2;
  });
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

function distinctCount(points: CalibrationPoint[]): number {
  // Positions closer than the piezo's 0.01 um step are the same position.
  return new Set(points.map((point) => Math.round(point.zAUm * 100))).size;
}

function separated<T>(fit: () => T, label: string, thermal: boolean): T {
  try {
    return fit();
  } catch (error) {
    const why = thermal
      ? "lens-A z and temperature changed together, so their effects cannot be separated; collect the points in shuffled z order or switch temperature compensation off"
      : "the points do not determine the coefficients; spread them over more distinct z positions";
    throw new RangeError(`Cannot fit ${label}: ${why}`, { cause: error });
  }
}
