/**
 * The calibrated parfocal mapping: predicts lens-B focus from lens-A focus
 * and temperature, says how far each prediction can be trusted, learns
 * from validated handoffs (ADAPTIVE), and reports its accuracy.
 *
 * How uncertainty and confidence are computed: see _prediction.ts; how
 * the adaptive model decides to learn: see adaptive_correction.ts.
 *
 * Limits: the adaptive correction is not written to the calibration file,
 * so a restart begins again from the calibration.
 *
 * @module
 */

import type { Config } from "../config/schema.ts";
import type {
  CalibrationPoint,
  MappingPrediction,
  MappingReport,
  ValidationPoint,
} from "./types.ts";
import {
  modelOffsetUm,
  type ResidualStats,
  residualStats,
} from "./parfocal_model.ts";
import { predictionAt, type PredictionBasis } from "./_prediction.ts";
import { type ModelType, selectModel } from "./model_selection.ts";
import { AdaptiveCorrection } from "./adaptive_correction.ts";
import { LruCache } from "./_lru_cache.ts";
import { bandSigmas } from "./_gaussian.ts";
import type { CalibrationFile } from "./calibration_schema.ts";
import {
  calibrationFileOf,
  type CalibrationState,
  calibrationStateOf,
  type MappingOptions,
} from "./_calibration_state.ts";

export type { MappingOptions };
export { CONFIDENCE_TOLERANCE_UM } from "./_prediction.ts";

/**
 * The mapping options a configuration names.
 *
 * @param config a validated configuration
 */
export function mappingOptionsFromConfig(config: Config): MappingOptions {
  return {
    modelType: config.parfocal.model_type,
    temperatureCompensation: config.parfocal.temperature_compensation,
    learningRate: config.parfocal.learning_rate,
    confidenceThreshold: config.parfocal.confidence_threshold,
    cacheSize: config.performance.cache_size,
  };
}

/** Validation points kept for the report, newest last. */
export const MAX_VALIDATION_POINTS = 200;

/** A calibrated lens-A to lens-B focus mapping. */
export class ParfocalMapping {
  readonly #state: CalibrationState;
  readonly #cache: LruCache<MappingPrediction>;
  readonly #correction: AdaptiveCorrection;
  readonly #basis: PredictionBasis;
  readonly #bandSigmas: number;
  #validations: ValidationPoint[] = [];
  #adaptiveUpdates = 0;
  #rejectedUpdates = 0;

  private constructor(state: CalibrationState) {
    this.#state = state;
    this.#cache = new LruCache(state.options.cacheSize);
    this.#basis = {
      model: state.model,
      zRangeUm: spanOf(state.points.map((point) => point.zAUm)),
      temperatureRangeC: spanOf(
        state.points.map((point) => point.temperatureC),
      ),
    };
    this.#correction = new AdaptiveCorrection(this.#basis.zRangeUm);
    this.#bandSigmas = bandSigmas(state.options.confidenceThreshold);
  }

  /**
   * Fits the mapping the options ask for.
   *
   * @param points measured pairs of lens-A and lens-B focus
   * @param options model type and runtime options
   * @param meta the scanner and the time of calibration
   * @returns the calibrated mapping
   * @throws {RangeError} on too few points, too narrow a z spread, values
   *   that are not finite, inseparable z and temperature, or bad options
   */
  static fit(
    points: CalibrationPoint[],
    options: MappingOptions,
    meta: { scannerName: string; calibratedAt: Date },
  ): ParfocalMapping {
    checkOptions(options);
    if (!meta.scannerName || Number.isNaN(meta.calibratedAt.getTime())) {
      throw new RangeError(
        "Cannot fit the parfocal mapping: give a scanner name and a valid calibration time",
      );
    }

    const selection = selectModel(
      points,
      options.modelType,
      options.temperatureCompensation,
    );
    const copied = points.map((point) => ({ ...point }));
    return new ParfocalMapping({
      options: { ...options },
      scannerName: meta.scannerName,
      calibratedAt: new Date(meta.calibratedAt),
      model: selection.model,
      points: copied,
      notes: selection.notes,
      stats: residualStats(
        copied,
        (zAUm, temperatureC) =>
          zAUm + modelOffsetUm(selection.model, zAUm, temperatureC),
      ),
    });
  }

  /**
   * Restores a mapping from a calibration file's parsed JSON. The model
   * type and temperature compensation come from the file (they shaped the
   * fit); learning rate, confidence threshold and cache size from options.
   *
   * @param file parsed JSON
   * @param options current runtime options
   * @param expected this scanner's name, and the file path for messages
   * @throws {CalibrationFileError} when the file is corrupt, from another
   *   scanner or of a newer format
   */
  static fromCalibrationFile(
    file: unknown,
    options: MappingOptions,
    expected: { scannerName: string; source?: string },
  ): ParfocalMapping {
    checkOptions(options);
    return new ParfocalMapping(calibrationStateOf(file, options, {
      scannerName: expected.scannerName,
      source: expected.source ?? "(calibration data)",
    }));
  }

  /** The model type actually fitted. */
  get modelType(): ModelType {
    return this.#state.options.modelType;
  }

  /** The options in force (model type as fitted). */
  get options(): MappingOptions {
    return { ...this.#state.options };
  }

  /** The scanner this calibration belongs to. */
  get scannerName(): string {
    return this.#state.scannerName;
  }

  /** Notes on fitting choices (degree chosen, thermal terms dropped). */
  get fitNotes(): string[] {
    return [...this.#state.notes];
  }

  /** Degree of the fitted polynomial in lens-A z. */
  get polynomialDegree(): number {
    return this.#state.model.degree;
  }

  /** The learned adaptive correction [b0, b1], um; [0, 0] at calibration. */
  get adaptiveCorrectionUm(): [number, number] {
    return this.#correction.coefficientsUm;
  }

  /**
   * Predicts lens-B focus. Inputs are quantised to 0.01 um and 0.1 C and
   * the prediction is made at the quantised point, so a cached answer is
   * exactly what a fresh one would be.
   *
   * @param zAUm lens-A best focus, um
   * @param temperatureC current temperature, degrees C
   * @returns the prediction with confidence and range flags
   * @throws {RangeError} when an input is not finite
   */
  predict(zAUm: number, temperatureC: number): MappingPrediction {
    if (!Number.isFinite(zAUm) || !Number.isFinite(temperatureC)) {
      throw new RangeError(
        `Cannot predict lens-B focus from z ${zAUm} um at ${temperatureC} C: both must be finite numbers`,
      );
    }
    const zSteps = Math.round(zAUm * 100);
    const temperatureSteps = Math.round(temperatureC * 10);
    return this.#cache.getOrCompute(
      `${zSteps}:${temperatureSteps}`,
      () =>
        Object.freeze(this.#predictExact(zSteps / 100, temperatureSteps / 10)),
    );
  }

  /** Prediction cache hits, misses and hit rate since construction. */
  cacheStats(): { hits: number; misses: number; hitRate: number } {
    return this.#cache.stats();
  }

  /**
   * Records a validated handoff for the report and, for the ADAPTIVE
   * model, learns from it under the rule in adaptive_correction.ts.
   *
   * @param v the handoff: lens-A focus, temperature, the prediction it
   *   used and the lens-B focus it found
   * @returns whether the correction was updated, and why not
   */
  recordValidation(v: {
    zAUm: number;
    temperatureC: number;
    predictedZBUm: number;
    measuredZBUm: number;
    at: Date;
  }): { accepted: boolean; reason?: string } {
    const values = [v.zAUm, v.temperatureC, v.predictedZBUm, v.measuredZBUm];
    if (!values.every(Number.isFinite) || Number.isNaN(v.at.getTime())) {
      return {
        accepted: false,
        reason: "the validation holds a value that is not finite; not recorded",
      };
    }
    this.#validations.push({
      z_source_um: v.zAUm,
      temperature_c: v.temperatureC,
      predicted_um: v.predictedZBUm,
      measured_um: v.measuredZBUm,
      error_um: v.measuredZBUm - v.predictedZBUm,
      at: v.at.toISOString(),
    });
    if (this.#validations.length > MAX_VALIDATION_POINTS) {
      this.#validations.shift();
    }
    if (this.modelType !== "ADAPTIVE") {
      return {
        accepted: false,
        reason:
          `the ${this.modelType} model does not learn from validations; only ADAPTIVE does`,
      };
    }

    const { model, options } = this.#state;
    const verdict = this.#correction.consider({
      zAUm: v.zAUm,
      baseResidualUm: v.measuredZBUm - v.zAUm -
        modelOffsetUm(model, v.zAUm, v.temperatureC),
      toleranceUm: this.#bandSigmas *
        this.#predictExact(v.zAUm, v.temperatureC).uncertaintyUm,
    }, options.learningRate);
    if (!verdict.accepted) {
      this.#rejectedUpdates++;
      return verdict;
    }
    this.#adaptiveUpdates++;
    this.#cache.clear();
    return verdict;
  }

  /** Drops the adaptive correction: predictions return to calibration. */
  rollback(): void {
    this.#correction.reset();
    this.#cache.clear();
  }

  /**
   * The accuracy report `/stats` serves under `mapping`.
   *
   * @param now the time the calibration's age is measured at
   */
  report(now: Date): MappingReport {
    const { options, stats, points, calibratedAt } = this.#state;
    const errors = this.#validations.map((point) => Math.abs(point.error_um));
    return {
      calibration: {
        model_type: options.modelType,
        rms_error_um: stats.rmsErrorUm,
        max_error_um: stats.maxErrorUm,
        num_points: points.length,
        z_range_um: [...this.#basis.zRangeUm],
        temperature_range_c: [...this.#basis.temperatureRangeC],
        calibrated_at: calibratedAt.toISOString(),
        age_hours: (now.getTime() - calibratedAt.getTime()) / 3_600_000,
      },
      recent_performance: {
        validation_points: this.#validations.map((point) => ({ ...point })),
        mean_abs_error_um: errors.length > 0
          ? errors.reduce((sum, error) => sum + error, 0) / errors.length
          : 0,
        adaptive_updates: this.#adaptiveUpdates,
        rejected_updates: this.#rejectedUpdates,
      },
    };
  }

  /**
   * RMS and maximum error of the current mapping on measured points (e.g.
   * points held out of the fit), predicting at their exact z and T.
   *
   * @param points measured pairs
   */
  evaluate(points: CalibrationPoint[]): ResidualStats {
    return residualStats(
      points,
      (zAUm, temperatureC) => this.#predictExact(zAUm, temperatureC).zBUm,
    );
  }

  /** The calibration as a format_version 1 file (without the correction). */
  toCalibrationFile(): CalibrationFile {
    return calibrationFileOf(this.#state);
  }

  #predictExact(zAUm: number, temperatureC: number): MappingPrediction {
    return predictionAt(
      this.#basis,
      this.#correction.offsetUm(zAUm),
      zAUm,
      temperatureC,
    );
  }
}

function checkOptions(options: MappingOptions): void {
  const { learningRate, confidenceThreshold, cacheSize } = options;
  if (
    !(learningRate > 0 && learningRate <= 1) ||
    !(confidenceThreshold > 0 && confidenceThreshold <= 1) ||
    !(Number.isInteger(cacheSize) && cacheSize >= 0)
  ) {
    throw new RangeError(
      `Cannot build the parfocal mapping with learning rate ${learningRate}, confidence threshold ${confidenceThreshold}, cache size ${cacheSize}: rates must lie in (0, 1] and the cache size be a whole number >= 0`,
    );
  }
}

function spanOf(values: number[]): [number, number] {
  return [Math.min(...values), Math.max(...values)];
}
