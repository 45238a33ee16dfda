/**
 * Cross-origin access for configured origins only.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";

/** Options of {@linkcode corsForOrigins}. */
export interface CorsOptions {
  /** Exact origins (`https://lab.example:8443`) allowed; none by default. */
  origins?: readonly string[];
  /** Seconds a browser may cache a preflight answer; default 600. */
  maxAgeS?: number;
}

/** Request headers a browser client of this API sends. */
export const CORS_ALLOWED_HEADERS = [
  "Content-Type",
  "X-API-Key",
  "Authorization",
  "Last-Event-ID",
];

/**
 * Middleware that adds CORS headers for the configured origins and for no
 * other. A request from another origin passes through untouched (no CORS
 * header at all), so the browser enforces the same-origin policy on it.
 *
 * @param options the allowed origins
 * @returns Hono middleware; a pass-through when no origin is configured
 * @throws {RangeError} naming an origin that is not scheme://host[:port]
 */
export function corsForOrigins(options: CorsOptions = {}): MiddlewareHandler {
  const origins = (options.origins ?? []).map(normalizeOrigin);
  const allowed = new Set(origins);
  const withHeaders = cors({
    origin: origins,
    allowMethods: ["GET", "POST", "OPTIONS"],
    allowHeaders: CORS_ALLOWED_HEADERS,
    maxAge: options.maxAgeS ?? 600,
  });

  return async function corsForConfiguredOrigins(c, next) {
    const origin = c.req.header("origin");
    if (origin === undefined || !allowed.has(origin)) return await next();
    return await withHeaders(c, next);
  };
}

function normalizeOrigin(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || url.origin === "null" || url.origin !== text.replace(/\/$/, "")) {
    throw new RangeError(
      `Cannot use "${text}" in security.cors_origins: write an origin as scheme://host[:port] with no path, e.g. https://lab-pc.local:8443`,
    );
  }
  return url.origin;
}
