/**
 * Logging for the whole service: logtape with a console sink on stdout and
 * a size-rotated file in the log directory, at the configured
 * `system.log_level`, under the category root `autofocus`. Every line goes
 * through the redactor first, so no configured secret reaches either sink.
 *
 * Limits: logtape keeps one configuration per process, so configuring again
 * replaces the previous one (and closes its file).
 *
 * @module
 */

import {
  configure,
  getLogger as getLogtapeLogger,
  type Logger,
  type LogLevel,
  type LogRecord,
  reset,
  type Sink,
} from "@logtape/logtape";
import type { Config } from "../config/schema.ts";
import { formatRecord } from "./format.ts";
import { configuredSecrets, createRedactor } from "./redact.ts";
import { createRotatingFileSink } from "./rotating_file_sink.ts";

/** The category every logger of the product sits under. */
export const ROOT_CATEGORY = "autofocus";

/** Options of {@linkcode configureLogging}. */
export interface LoggingOptions {
  /** Log directory; default `config.paths.log_dir`. */
  logDir?: string;
  /** Current log file name; default "autofocus.log". */
  fileName?: string;
  /** Size at which the file rotates; default 10 MiB. */
  maxFileBytes?: number;
  /** Rotated files kept; default 5. */
  keepFiles?: number;
  /** Write no file, only the console; default false. */
  noFile?: boolean;
  /**
   * Where console lines go (one call per line, no newline); default stdout.
   * `false` turns the console off.
   */
  console?: ((line: string) => void) | false;
  /** Secrets to hide besides the configured API keys. */
  secrets?: readonly string[];
}

/** The running logging configuration. */
export interface LoggingHandle {
  /** Flushes and closes the sinks and resets logtape. */
  close(): Promise<void>;
}

const LEVELS: Record<Config["system"]["log_level"], LogLevel> = {
  DEBUG: "debug",
  INFO: "info",
  WARNING: "warning",
  ERROR: "error",
};

function stdoutLine(line: string): void {
  const bytes = new TextEncoder().encode(`${line}\n`);
  let offset = 0;
  while (offset < bytes.length) {
    offset += Deno.stdout.writeSync(bytes.subarray(offset));
  }
}

/**
 * Sets up logging from the configuration.
 *
 * @param config the validated configuration (level, log dir, secrets)
 * @param options sinks, rotation and extra secrets
 * @returns a handle whose `close()` flushes and closes the log file
 * @throws when the log directory cannot be created or the file opened
 */
export async function configureLogging(
  config: Config,
  options: LoggingOptions = {},
): Promise<LoggingHandle> {
  const redact = createRedactor(
    configuredSecrets(config, options.secrets ?? []),
  );
  const format = (record: LogRecord) => redact(formatRecord(record));

  const sinks: Record<string, Sink> = {};
  const writeConsole = options.console ?? stdoutLine;
  if (writeConsole !== false) {
    sinks.console = (record) => writeConsole(format(record));
  }
  if (!options.noFile) {
    sinks.file = createRotatingFileSink({
      dir: options.logDir ?? config.paths.log_dir,
      fileName: options.fileName,
      maxBytes: options.maxFileBytes,
      keepFiles: options.keepFiles,
      format,
    });
  }
  const sinkIds = Object.keys(sinks);

  await configure({
    reset: true,
    sinks,
    loggers: [
      {
        category: [ROOT_CATEGORY],
        sinks: sinkIds,
        lowestLevel: LEVELS[config.system.log_level],
      },
      { category: ["logtape", "meta"], sinks: sinkIds, lowestLevel: "warning" },
    ],
  });
  return { close: () => reset() };
}

/**
 * A logger under the product's root category.
 *
 * @param category the path below `autofocus`, e.g. `["driver", "piezo"]`
 * @returns a logtape logger for `autofocus.driver.piezo`
 */
export function getLogger(category: readonly string[]): Logger {
  return getLogtapeLogger([ROOT_CATEGORY, ...category]);
}
