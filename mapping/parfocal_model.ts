/**
 * The fitted parfocal offset: lens-B focus minus lens-A focus as a
 * polynomial in lens-A z plus, with temperature compensation, thermal terms
 * that are kept apart from the z dependence:
 *
 *   zB - zA = sum_k c_k u^k + t1 (T - Tref) + t2 u (T - Tref),  u = zA - zc
 *
 * Pure functions over plain data, so a model survives a JSON round trip
 * unchanged.
 *
 * @module
 */

import type { CalibrationPoint } from "./types.ts";
import { quadraticForm, solveLeastSquares } from "./least_squares.ts";

/** A fitted parfocal offset model. */
export interface ParfocalModel {
  /** Degree of the polynomial in lens-A z (1 for a linear model). */
  degree: number;
  /** Lens-A z the polynomial is centred on, micrometres. */
  zCenterUm: number;
  /** Temperature the thermal terms count from, degrees C. */
  referenceTemperatureC: number;
  /** Polynomial coefficients in um per um^k, constant term first. */
  offsetCoefficients: number[];
  /** [um per C, um per (um C)] with temperature compensation, else []. */
  thermalCoefficients: number[];
  /** (A^T A)^-1 of the fit, columns ordered as `modelFeatures`. */
  inverseNormal: number[][];
  /** Residual standard deviation over the fit's degrees of freedom, um. */
  residualSdUm: number;
}

/** How far fitted offsets lie from measured ones. */
export interface ResidualStats {
  /** Root mean square of measured minus predicted lens-B focus, um. */
  rmsErrorUm: number;
  /** Largest absolute difference, um. */
  maxErrorUm: number;
}

/**
 * Number of coefficients a model shape has.
 *
 * @param degree polynomial degree in z
 * @param thermal whether the two thermal terms are fitted
 */
export function coefficientCount(degree: number, thermal: boolean): number {
  return degree + 1 + (thermal ? 2 : 0);
}

/**
 * The design-matrix row of one (z, T) pair: powers of u, then the thermal
 * terms when the model has them.
 *
 * @param model the shape and centring of the model
 * @param zAUm lens-A focus, um
 * @param temperatureC temperature, degrees C
 */
export function modelFeatures(
  model: Pick<
    ParfocalModel,
    "degree" | "zCenterUm" | "referenceTemperatureC" | "thermalCoefficients"
  >,
  zAUm: number,
  temperatureC: number,
): number[] {
  return featureRow(
    model.degree,
    model.thermalCoefficients.length > 0,
    zAUm - model.zCenterUm,
    temperatureC - model.referenceTemperatureC,
  );
}

/**
 * The offset zB - zA the model predicts.
 *
 * @param model a fitted model
 * @param zAUm lens-A focus, um
 * @param temperatureC temperature, degrees C
 * @returns the offset, um
 */
export function modelOffsetUm(
  model: ParfocalModel,
  zAUm: number,
  temperatureC: number,
): number {
  const coefficients = [
    ...model.offsetCoefficients,
    ...model.thermalCoefficients,
  ];
  return modelFeatures(model, zAUm, temperatureC).reduce(
    (sum, value, i) => sum + value * coefficients[i],
    0,
  );
}

/**
 * Leverage x^T (A^T A)^-1 x of a prediction point: about 1/n inside a
 * well-covered range, growing fast when extrapolating.
 *
 * @param model a fitted model
 * @param zAUm lens-A focus, um
 * @param temperatureC temperature, degrees C
 */
export function modelLeverage(
  model: ParfocalModel,
  zAUm: number,
  temperatureC: number,
): number {
  return quadraticForm(
    model.inverseNormal,
    modelFeatures(model, zAUm, temperatureC),
  );
}

/**
 * Fits a model of the given shape by least squares. z is centred on the
 * middle of the points' range and T on their mean temperature.
 *
 * @param points calibration pairs, at least one more than the coefficients
 * @param degree polynomial degree in z
 * @param thermal whether to fit the thermal terms
 * @returns the fitted model
 * @throws {RangeError} when the points cannot determine the coefficients
 *   (too few, or z and temperature varying together)
 */
export function fitParfocalModel(
  points: CalibrationPoint[],
  degree: number,
  thermal: boolean,
): ParfocalModel {
  const zValues = points.map((point) => point.zAUm);
  const zCenterUm = (Math.min(...zValues) + Math.max(...zValues)) / 2;
  const referenceTemperatureC = points.reduce(
    (sum, point) => sum + point.temperatureC,
    0,
  ) / points.length;

  const fit = solveLeastSquares(
    points.map((point) =>
      featureRow(
        degree,
        thermal,
        point.zAUm - zCenterUm,
        point.temperatureC - referenceTemperatureC,
      )
    ),
    points.map((point) => point.zBUm - point.zAUm),
  );
  const freedom = points.length - fit.coefficients.length;
  const squares = fit.residuals.reduce((sum, r) => sum + r * r, 0);
  return {
    degree,
    zCenterUm,
    referenceTemperatureC,
    offsetCoefficients: fit.coefficients.slice(0, degree + 1),
    thermalCoefficients: fit.coefficients.slice(degree + 1),
    inverseNormal: fit.inverseNormal,
    residualSdUm: freedom > 0 ? Math.sqrt(squares / freedom) : 0,
  };
}

/**
 * Leave-one-out RMS error of a model shape on the points: each point
 * predicted by a fit without it (closed form e_i / (1 - h_ii)).
 *
 * @param points calibration pairs
 * @param degree polynomial degree in z
 * @param thermal whether the thermal terms are fitted
 * @returns the held-out RMS error, um; Infinity when a point is needed to
 *   determine the fit at all
 * @throws {RangeError} as `fitParfocalModel`
 */
export function leaveOneOutRmsUm(
  points: CalibrationPoint[],
  degree: number,
  thermal: boolean,
): number {
  const model = fitParfocalModel(points, degree, thermal);
  let squares = 0;
  for (const point of points) {
    const residual = point.zBUm - point.zAUm -
      modelOffsetUm(model, point.zAUm, point.temperatureC);
    const remaining = 1 - modelLeverage(model, point.zAUm, point.temperatureC);
    if (remaining < 1e-9) return Infinity;
    squares += (residual / remaining) ** 2;
  }
  return Math.sqrt(squares / points.length);
}

/**
 * Residual statistics of a prediction function over measured points.
 *
 * @param points measured pairs
 * @param predictZBUm lens-B focus predicted from lens-A focus and temperature
 * @returns RMS and maximum absolute error, um (0 for no points)
 */
export function residualStats(
  points: CalibrationPoint[],
  predictZBUm: (zAUm: number, temperatureC: number) => number,
): ResidualStats {
  let squares = 0;
  let maxErrorUm = 0;
  for (const point of points) {
    const error = point.zBUm - predictZBUm(point.zAUm, point.temperatureC);
    squares += error * error;
    maxErrorUm = Math.max(maxErrorUm, Math.abs(error));
  }
  return {
    rmsErrorUm: points.length > 0 ? Math.sqrt(squares / points.length) : 0,
    maxErrorUm,
  };
}

function featureRow(
  degree: number,
  thermal: boolean,
  uUm: number,
  deltaTemperatureC: number,
): number[] {
  const row = [1];
  for (let k = 1; k <= degree; k++) row.push(row[k - 1] * uUm);
  if (thermal) row.push(deltaTemperatureC, uUm * deltaTemperatureC);
  return row;
}
