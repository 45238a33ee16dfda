/**
 * Secret redaction for log lines. Every form a secret could take in a line
 * is replaced: as written, JSON-escaped (inside a rendered property) and
 * URL-encoded (inside a logged URL).
 *
 * @module
 */

import type { Config } from "../config/schema.ts";

/** What a secret becomes in a log line. */
export const REDACTED = "[REDACTED]";

/**
 * The configured secrets: the API key and the telemetry API key, as
 * loaded (after `${VAR}` substitution), plus any extra ones.
 *
 * @param config a validated configuration
 * @param extra more secrets to hide
 * @returns the non-empty secrets, longest first
 */
export function configuredSecrets(
  config: Config,
  extra: readonly string[] = [],
): string[] {
  const secrets = [
    config.security.api_key,
    config.monitoring.telemetry.api_key,
    ...extra,
  ].filter((secret): secret is string => !!secret && secret.length > 0);
  return [...new Set(secrets)];
}

/**
 * Makes a function that removes every form of the secrets from a text.
 *
 * @param secrets the values to hide; empty ones are ignored
 * @returns a pure function from text to redacted text
 */
export function createRedactor(
  secrets: readonly string[],
): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  // Longest first, so a secret that contains another is replaced whole.
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  return (text) => {
    let result = text;
    for (const form of ordered) result = result.replaceAll(form, REDACTED);
    return result;
  };
}
