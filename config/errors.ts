/**
 * The error that stops start-up on bad configuration.
 *
 * @module
 */

/** One thing wrong with the configuration. */
export interface ConfigIssue {
  /** Dotted key, e.g. `hardware.focus_motor.speed_um_per_s`. */
  key: string;
  /** 1-based line in the file, when the key is present in it. */
  line?: number;
  /** What the file holds there, rendered for a person. */
  found: string;
  /** What is allowed instead. */
  allowed: string;
}

/** Configuration that cannot be used; the message lists every issue. */
export class ConfigError extends Error {
  /** Where the configuration came from (file path or "embedded default"). */
  readonly source: string;
  /** Every issue found. */
  readonly issues: ConfigIssue[];

  /**
   * @param source the file path or a name for the embedded default
   * @param issues what is wrong, at least one
   */
  constructor(source: string, issues: ConfigIssue[], options?: ErrorOptions) {
    super(formatIssues(source, issues), options);
    this.name = "ConfigError";
    this.source = source;
    this.issues = issues;
  }
}

function formatIssues(source: string, issues: ConfigIssue[]): string {
  const lines = issues.map((issue) => {
    const where = issue.line === undefined ? "" : ` (line ${issue.line})`;
    return `  ${issue.key}${where}: found ${issue.found}; ${issue.allowed}`;
  });
  return `Cannot use configuration ${source}; fix these and start again:\n${
    lines.join("\n")
  }`;
}
