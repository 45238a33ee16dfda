/**
 * Telemetry settings from the configuration.
 *
 * @module
 */

import type { Config } from "../config/schema.ts";
import type { Clock } from "../domain/clock.ts";
import type { LoggerLike } from "../logging/logger_like.ts";
import type { TelemetryOptions } from "./uploader.ts";

/** The spool file's name inside `paths.data_dir`. */
export const TELEMETRY_BUFFER_FILE = "telemetry_buffer.jsonl";

/**
 * Builds uploader options from `monitoring.telemetry`, or null when
 * telemetry is off (either `system.enable_telemetry` or
 * `monitoring.telemetry.enable` is false) or has no endpoint.
 *
 * @param config a validated configuration; the API key is already
 *   substituted from the environment
 * @param deps the clock and logger the uploader uses
 * @returns the options, or null when nothing should be uploaded
 */
export function telemetryOptionsFromConfig(
  config: Config,
  deps: { clock: Clock; logger?: LoggerLike },
): TelemetryOptions | null {
  const telemetry = config.monitoring.telemetry;
  if (!config.system.enable_telemetry || !telemetry.enable) return null;
  if (!telemetry.endpoint) return null;
  return {
    endpoint: telemetry.endpoint,
    apiKey: telemetry.api_key,
    bufferPath: `${config.paths.data_dir}/${TELEMETRY_BUFFER_FILE}`,
    clock: deps.clock,
    logger: deps.logger,
    scannerName: config.system.name,
    uploadIntervalMs: telemetry.upload_interval_s * 1000,
  };
}
