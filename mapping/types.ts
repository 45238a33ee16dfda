/**
 * Contracts of the parfocal mapping: lens-A focus and temperature in,
 * lens-B focus out, with how far the prediction can be trusted.
 *
 * @module
 */

/** One measured pair of focus positions. */
export interface CalibrationPoint {
  /** Lens-A best focus, micrometres. */
  zAUm: number;
  /** Lens-B best focus at the same field, micrometres. */
  zBUm: number;
  /** Temperature when the pair was measured, degrees C. */
  temperatureC: number;
}

/** A lens-B focus predicted from a lens-A focus. */
export interface MappingPrediction {
  /** Predicted lens-B focus, micrometres. */
  zBUm: number;
  /** 0..1: how far the model trusts this prediction. */
  confidence: number;
  /** Expected size of the error, micrometres (one standard deviation). */
  uncertaintyUm: number;
  /** False when z or temperature lie outside what calibration covered. */
  withinCalibratedRange: boolean;
  /** Why the prediction is out of range, for logs and answers. */
  rangeNote?: string;
}

/** The calibration summary served under `/stats` `mapping.calibration`. */
export interface CalibrationSummary {
  model_type: string;
  rms_error_um: number;
  max_error_um: number;
  num_points: number;
  z_range_um: [number, number];
  temperature_range_c: [number, number];
  calibrated_at: string;
  age_hours: number;
}

/** A validated handoff compared with the prediction. */
export interface ValidationPoint {
  z_source_um: number;
  temperature_c: number;
  predicted_um: number;
  measured_um: number;
  error_um: number;
  at: string;
}

/** What `/stats` serves under `mapping`. */
export interface MappingReport {
  calibration: CalibrationSummary;
  recent_performance: {
    validation_points: ValidationPoint[];
    mean_abs_error_um: number;
    adaptive_updates: number;
    rejected_updates: number;
  };
}
