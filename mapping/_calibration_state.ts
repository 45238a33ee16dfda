/**
 * What a calibration fixes (model, points, errors, scanner, time) and its
 * conversion to and from the calibration file.
 *
 * @module
 */

import type { CalibrationPoint } from "./types.ts";
import type { ParfocalModel, ResidualStats } from "./parfocal_model.ts";
import type { ModelType } from "./model_selection.ts";
import {
  CALIBRATION_FORMAT_VERSION,
  type CalibrationFile,
  modelFromFile,
  parseCalibrationFile,
} from "./calibration_schema.ts";

/** Runtime options of the mapping (from `parfocal` and `performance`). */
export interface MappingOptions {
  /** Which model to fit; default "ADAPTIVE". */
  modelType: ModelType;
  /** Fit thermal terms; default true. */
  temperatureCompensation: boolean;
  /** Step size of adaptive updates, (0, 1]; default 0.1. */
  learningRate: number;
  /** Share of errors the agreement band holds, (0, 1]; default 0.95. */
  confidenceThreshold: number;
  /** Predictions kept in the LRU cache, 0 disables it; default 100. */
  cacheSize: number;
}

/** A calibration as the mapping holds it. */
export interface CalibrationState {
  /** Options in force; model type and compensation as fitted. */
  options: MappingOptions;
  /** The scanner the calibration belongs to. */
  scannerName: string;
  /** When the points were fitted. */
  calibratedAt: Date;
  /** The fitted model. */
  model: ParfocalModel;
  /** The points it was fitted on. */
  points: CalibrationPoint[];
  /** Notes on fitting choices. */
  notes: string[];
  /** Errors of the fit on its own points. */
  stats: ResidualStats;
}

/**
 * The calibration file for a calibration.
 *
 * @param state the calibration
 */
export function calibrationFileOf(state: CalibrationState): CalibrationFile {
  const { options, model } = state;
  return {
    format_version: CALIBRATION_FORMAT_VERSION,
    scanner_name: state.scannerName,
    model_type: options.modelType,
    options: {
      temperature_compensation: options.temperatureCompensation,
      learning_rate: options.learningRate,
      confidence_threshold: options.confidenceThreshold,
      cache_size: options.cacheSize,
    },
    model: {
      polynomial_degree: model.degree,
      z_center_um: model.zCenterUm,
      reference_temperature_c: model.referenceTemperatureC,
      offset_coefficients: [...model.offsetCoefficients],
      thermal_coefficients: [...model.thermalCoefficients],
      inverse_normal_matrix: model.inverseNormal.map((row) => [...row]),
      residual_sd_um: model.residualSdUm,
    },
    fit_notes: [...state.notes],
    calibration_points: state.points.map((point) => ({
      z_a_um: point.zAUm,
      z_b_um: point.zBUm,
      temperature_c: point.temperatureC,
    })),
    rms_error_um: state.stats.rmsErrorUm,
    max_error_um: state.stats.maxErrorUm,
    calibrated_at: state.calibratedAt.toISOString(),
  };
}

/**
 * The calibration in a file's parsed JSON. Model type and temperature
 * compensation come from the file, since they shaped the fit; learning
 * rate, confidence threshold and cache size from the current options.
 *
 * @param data parsed JSON
 * @param options current runtime options
 * @param expected this scanner's name and where the data came from
 * @throws {CalibrationFileError} as `parseCalibrationFile`
 */
export function calibrationStateOf(
  data: unknown,
  options: MappingOptions,
  expected: { scannerName: string; source: string },
): CalibrationState {
  const file = parseCalibrationFile(data, expected);
  const notes = [...file.fit_notes];
  if (file.model_type !== options.modelType) {
    notes.push(
      `configured model_type is ${options.modelType} but the calibration holds a ${file.model_type} model: recalibrate to switch`,
    );
  }
  return {
    options: {
      ...options,
      modelType: file.model_type,
      temperatureCompensation: file.options.temperature_compensation,
    },
    scannerName: file.scanner_name,
    calibratedAt: new Date(file.calibrated_at),
    model: modelFromFile(file),
    points: file.calibration_points.map((point) => ({
      zAUm: point.z_a_um,
      zBUm: point.z_b_um,
      temperatureC: point.temperature_c,
    })),
    notes,
    stats: { rmsErrorUm: file.rms_error_um, maxErrorUm: file.max_error_um },
  };
}
