/**
 * The error of a refused or failed restore.
 *
 * @module
 */

/**
 * A backup that cannot be restored, or a restore that failed and was
 * undone. The message says what happened to the current files; `problems`
 * lists each reason.
 */
export class BackupError extends Error {
  /** Every reason, each a sentence. */
  readonly problems: string[];

  /**
   * @param summary what could not be done and what state the files are in
   * @param problems the reasons
   * @param options the underlying error as `cause`
   */
  constructor(summary: string, problems: string[], options?: ErrorOptions) {
    super(
      problems.length === 0
        ? summary
        : `${summary}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      options,
    );
    this.name = "BackupError";
    this.problems = problems;
  }
}
