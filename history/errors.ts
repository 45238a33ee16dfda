/**
 * The error of a history database file that cannot be used: damaged,
 * written by a newer build, or not openable by this process.
 *
 * @module
 */

/** Why a history file cannot be used. */
export type HistoryFileProblem = "damaged" | "newer_schema" | "unopenable";

/** SQLite's words for a file that is not, or no longer, a database. */
const DAMAGE =
  /file is not a database|database disk image is malformed|malformed database schema|database corrupt/i;

/**
 * A history database file the service cannot use. Commands report it as
 * one message and exit status 2 (`exitCode`); the message names the file
 * and what to do.
 */
export class HistoryFileError extends Error {
  /** The exit status a command ends with on this error. */
  readonly exitCode = 2;
  /** The database file. */
  readonly path: string;
  /** What is wrong with it. */
  readonly problem: HistoryFileProblem;

  /**
   * @param path the database file
   * @param problem what is wrong with it
   * @param message the whole message: what, why, what to do
   * @param options the SQLite or system error as `cause`
   */
  constructor(
    path: string,
    problem: HistoryFileProblem,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "HistoryFileError";
    this.path = path;
    this.problem = problem;
  }
}

/**
 * Whether an error from SQLite says the file is damaged or not a database.
 *
 * @param error what SQLite threw
 */
export function isDamageError(error: unknown): boolean {
  return error instanceof Error && DAMAGE.test(error.message);
}

/**
 * The advice for a damaged history file: recover, restore, or start anew.
 *
 * @param path the database file
 * @returns a sentence naming the three ways out
 */
export function damagedHistoryAdvice(path: string): string {
  return `with the service stopped, run 'main.ts recover --config FILE' (restores the newest good backup and proves it with a handoff) or 'main.ts restore [BACKUP] --config FILE'; or, to start a new history and keep the damaged one for inspection, move ${path} and any ${path}-wal and ${path}-shm aside (e.g. append .damaged to their names)`;
}

/**
 * Turns an error met while opening or reading a history file into a
 * {@linkcode HistoryFileError} when it is about the file; other errors are
 * returned as they are.
 *
 * @param path the database file
 * @param error what was thrown
 * @returns the error to throw
 */
export function historyFileError(path: string, error: unknown): unknown {
  if (error instanceof HistoryFileError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  if (isDamageError(error)) {
    return new HistoryFileError(
      path,
      "damaged",
      `Cannot use the history database ${path}: the file is damaged (${reason}); ${
        damagedHistoryAdvice(path)
      }`,
      { cause: error },
    );
  }
  if (
    error instanceof Deno.errors.NotCapable ||
    error instanceof Deno.errors.PermissionDenied ||
    (error instanceof Error && /unable to open database file/.test(reason))
  ) {
    return new HistoryFileError(
      path,
      "unopenable",
      `Cannot open the history database ${path}: ${reason}; check that its folder exists and that this user may read and write it, and run with the flags 'main.ts flags --command serve' prints`,
      { cause: error },
    );
  }
  return error;
}
