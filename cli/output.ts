/**
 * How commands talk to people and scripts: `--json` prints exactly one JSON
 * object on stdout; everything meant for a person goes to stderr.
 *
 * @module
 */

const encoder = new TextEncoder();

/** Writes a line for a person, on stderr. */
export function say(line: string): void {
  Deno.stderr.writeSync(encoder.encode(`${line}\n`));
}

/** Writes the one JSON object of a `--json` run, on stdout. */
export function printJson(value: unknown): void {
  Deno.stdout.writeSync(encoder.encode(`${JSON.stringify(value, null, 2)}\n`));
}

/** Writes a line of a human-readable report, on stdout. */
export function print(line: string): void {
  Deno.stdout.writeSync(encoder.encode(`${line}\n`));
}

/** An error a command reports as one message and exit status 2. */
export class UsageError extends Error {
  /** @param message what was wrong and what to do */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Reports a command that could not do its work: the message for a person
 * on stderr and, for a `--json` run, `{ "error": message }` on stdout.
 *
 * @returns exit status 1
 */
export function fail(message: string, json: boolean): number {
  say(message);
  if (json) printJson({ error: message });
  return 1;
}
