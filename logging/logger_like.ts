/**
 * The logger shape that services take as a dependency. A logtape `Logger`
 * from {@linkcode getLogger} fits it, and so does a test's recorder.
 *
 * @module
 */

/** Structured properties of one log line. */
export type LogProperties = Record<string, unknown>;

/** A namespaced, structured logger; messages may use `{name}` holes. */
export interface LoggerLike {
  /** Detail for whoever debugs. */
  debug(message: string, properties?: LogProperties): void;
  /** Something an operator may want to know. */
  info(message: string, properties?: LogProperties): void;
  /** Something that needs attention soon. */
  warn(message: string, properties?: LogProperties): void;
  /** Something that failed. */
  error(message: string, properties?: LogProperties): void;
}

/** A logger that drops everything, the default where none is given. */
export const SILENT_LOGGER: LoggerLike = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
