/**
 * The calibration file's JSON shape (format_version 1), its validation,
 * and the error that says why a file was refused.
 *
 * @module
 */

import { z } from "zod";
import {
  modelOffsetUm,
  type ParfocalModel,
  residualStats,
} from "./parfocal_model.ts";

/** The format this software writes and the newest it reads. */
export const CALIBRATION_FORMAT_VERSION = 1;

/** Why a calibration file was refused. */
export type CalibrationFileErrorKind =
  | "corrupt"
  | "foreign"
  | "newer_format"
  | "missing";

/** A calibration file that cannot be used; callers branch on `kind`. */
export class CalibrationFileError extends Error {
  /** Which of the refusals this is. */
  readonly kind: CalibrationFileErrorKind;
  /** The file path, or a description of where the data came from. */
  readonly source: string;

  /**
   * @param kind why the file was refused
   * @param source the path or origin of the data
   * @param detail what exactly was found
   * @param options the underlying error, if any
   */
  constructor(
    kind: CalibrationFileErrorKind,
    source: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(messageFor(kind, source, detail), options);
    this.name = "CalibrationFileError";
    this.kind = kind;
    this.source = source;
  }
}

const pointSchema = z.strictObject({
  z_a_um: z.number(),
  z_b_um: z.number(),
  temperature_c: z.number(),
});

const modelSchema = z.strictObject({
  polynomial_degree: z.number().int().min(1).max(3),
  z_center_um: z.number(),
  reference_temperature_c: z.number(),
  offset_coefficients: z.array(z.number()),
  thermal_coefficients: z.array(z.number()),
  inverse_normal_matrix: z.array(z.array(z.number())),
  residual_sd_um: z.number().nonnegative(),
}).refine((model) => {
  const count = model.offset_coefficients.length +
    model.thermal_coefficients.length;
  return model.offset_coefficients.length === model.polynomial_degree + 1 &&
    [0, 2].includes(model.thermal_coefficients.length) &&
    model.inverse_normal_matrix.length === count &&
    model.inverse_normal_matrix.every((row) => row.length === count);
}, { message: "coefficient and matrix sizes do not match the degree" });

/** Schema of a calibration file. */
export const calibrationFileSchema = z.strictObject({
  format_version: z.literal(CALIBRATION_FORMAT_VERSION),
  scanner_name: z.string().min(1),
  model_type: z.enum(["LINEAR", "POLYNOMIAL", "ADAPTIVE"]),
  options: z.strictObject({
    temperature_compensation: z.boolean(),
    learning_rate: z.number().gt(0).max(1),
    confidence_threshold: z.number().gt(0).max(1),
    cache_size: z.number().int().nonnegative(),
  }),
  model: modelSchema,
  fit_notes: z.array(z.string()),
  calibration_points: z.array(pointSchema).min(1),
  rms_error_um: z.number().nonnegative(),
  max_error_um: z.number().nonnegative(),
  calibrated_at: z.iso.datetime(),
});

/** A validated calibration file. */
export type CalibrationFile = z.infer<typeof calibrationFileSchema>;

/** Stored and recomputed errors may differ by rounding only, um. */
const CONSISTENCY_TOLERANCE_UM = 1e-9;

/**
 * Validates parsed JSON as a calibration file for this scanner.
 *
 * @param data parsed JSON
 * @param expected the scanner it must belong to, and the source for messages
 * @returns the validated file
 * @throws {CalibrationFileError} kind "newer_format", "corrupt" (schema, or
 *   coefficients that do not reproduce the stored errors) or "foreign"
 */
export function parseCalibrationFile(
  data: unknown,
  expected: { scannerName: string; source: string },
): CalibrationFile {
  const { source } = expected;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new CalibrationFileError("corrupt", source, "not a JSON object");
  }
  const version = (data as Record<string, unknown>).format_version;
  if (
    typeof version === "number" && Number.isInteger(version) &&
    version > CALIBRATION_FORMAT_VERSION
  ) {
    throw new CalibrationFileError("newer_format", source, String(version));
  }

  const parsed = calibrationFileSchema.safeParse(data);
  if (!parsed.success) {
    const detail = parsed.error.issues.slice(0, 3).map((issue) =>
      `${issue.path.join(".") || "(top)"}: ${issue.message}`
    ).join("; ");
    throw new CalibrationFileError("corrupt", source, detail);
  }
  const file = parsed.data;
  if (file.scanner_name !== expected.scannerName) {
    throw new CalibrationFileError(
      "foreign",
      source,
      `written for scanner "${file.scanner_name}", this is "${expected.scannerName}"`,
    );
  }

  const model = modelFromFile(file);
  const stats = residualStats(
    file.calibration_points.map((point) => ({
      zAUm: point.z_a_um,
      zBUm: point.z_b_um,
      temperatureC: point.temperature_c,
    })),
    (zAUm, temperatureC) => zAUm + modelOffsetUm(model, zAUm, temperatureC),
  );
  if (
    Math.abs(stats.rmsErrorUm - file.rms_error_um) > CONSISTENCY_TOLERANCE_UM ||
    Math.abs(stats.maxErrorUm - file.max_error_um) > CONSISTENCY_TOLERANCE_UM
  ) {
    throw new CalibrationFileError(
      "corrupt",
      source,
      `its coefficients give ${
        stats.rmsErrorUm.toFixed(4)
      } um RMS on its own points, the file states ${
        file.rms_error_um.toFixed(4)
      } um`,
    );
  }
  return file;
}

/**
 * The model stored in a validated file.
 *
 * @param file a validated calibration file
 */
export function modelFromFile(file: CalibrationFile): ParfocalModel {
  return {
    degree: file.model.polynomial_degree,
    zCenterUm: file.model.z_center_um,
    referenceTemperatureC: file.model.reference_temperature_c,
    offsetCoefficients: file.model.offset_coefficients,
    thermalCoefficients: file.model.thermal_coefficients,
    inverseNormal: file.model.inverse_normal_matrix,
    residualSdUm: file.model.residual_sd_um,
  };
}

function messageFor(
  kind: CalibrationFileErrorKind,
  source: string,
  detail: string,
): string {
  switch (kind) {
    case "missing":
      return `No calibration file at ${source} (${detail}): run a calibration (main.ts calibrate) to create one`;
    case "corrupt":
      return `Calibration file ${source} is corrupt (${detail}) and was not loaded: restore its .bak backup or run a new calibration`;
    case "foreign":
      return `Calibration file ${source} is from another scanner (${detail}) and was not loaded: put this scanner's own calibration there or run a new calibration`;
    case "newer_format":
      return `Calibration file ${source} has format_version ${detail}, newer than the ${CALIBRATION_FORMAT_VERSION} this software reads, and was not loaded: update the software or run a new calibration with this version`;
  }
}
