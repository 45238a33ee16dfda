/**
 * `main.ts validate`: the pre-deployment checks, one line each with the
 * fix for a failure; exit status 1 when any fails.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  DEFAULT_MIN_FREE_BYTES,
  runValidation,
  type ValidationReport,
} from "../actors/validation_checks.ts";
import { resolveConfig } from "./config_option.ts";
import { print, printJson, UsageError } from "./output.ts";

/**
 * Formats a report for a person: `PASS name: detail`, and under each
 * failure the fix.
 *
 * @param report the checks' outcomes
 * @returns the lines to print
 */
export function formatValidation(report: ValidationReport): string[] {
  const lines = report.checks.flatMap((check) =>
    check.pass
      ? [`PASS  ${check.name}: ${check.detail}`]
      : [`FAIL  ${check.name}: ${check.detail}`, `      fix: ${check.fix}`]
  );
  const failures = report.checks.filter((check) => !check.pass).length;
  lines.push(
    failures === 0
      ? `All ${report.checks.length} checks passed`
      : `${failures} of ${report.checks.length} checks failed`,
  );
  return lines;
}

/**
 * Runs the checks on the configured scanner.
 *
 * @param args command-line arguments after `validate`
 * @returns 0 when every check passed, 1 otherwise
 * @throws {UsageError} on a bad `--min-free-gb`
 * @throws {ConfigError} when the configuration is unreadable or invalid
 */
export async function validateCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string" },
      json: { type: "boolean", default: false },
      "min-free-gb": { type: "string" },
    },
  });
  const minFreeGb = values["min-free-gb"] === undefined
    ? DEFAULT_MIN_FREE_BYTES / 1e9
    : Number(values["min-free-gb"]);
  if (!(minFreeGb >= 0)) {
    throw new UsageError(
      `--min-free-gb must be a number of gigabytes, got ${
        values["min-free-gb"]
      }`,
    );
  }

  const config = await resolveConfig(values.config);
  const report = await runValidation(config, { minFreeBytes: minFreeGb * 1e9 });
  if (values.json) printJson(report);
  else for (const line of formatValidation(report)) print(line);
  return report.passed ? 0 : 1;
}
