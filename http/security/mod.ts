/**
 * The security layers of the HTTP service, built from the configuration's
 * `security` section, in the order they must run.
 *
 * Order matters: the allowlist first (nothing else runs for a stranger),
 * then CORS (so a browser's preflight, which carries no key, is answered
 * before the key check), then the size bounds, then the key check on the
 * routes that need it, and the rate limit on handoffs last.
 *
 * @example
 * ```ts
 * const layers = securityLayers(config.security);
 * app.use("*", ...layers.global);
 * app.post("/handoff", layers.requireApiKey, layers.handoffRateLimit, h);
 * ```
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import type { Clock } from "../../domain/clock.ts";
import { apiKeyAuth } from "./api_key.ts";
import { corsForOrigins } from "./cors.ts";
import { ipAllowlist } from "./ip_allowlist.ts";
import { bodySizeLimit, queryLimits } from "./limits.ts";
import { rateLimit } from "./rate_limit.ts";

export { apiKeyAuth, presentedApiKey, UNAUTHORIZED_BODY } from "./api_key.ts";
export { corsForOrigins } from "./cors.ts";
export { clientAddress, FORBIDDEN_BODY, ipAllowlist } from "./ip_allowlist.ts";
export { bodySizeLimit, queryLimits } from "./limits.ts";
export { rateLimit, TokenBucket } from "./rate_limit.ts";

/** Default handoff requests per second (sustained and burst). */
export const DEFAULT_HANDOFF_RATE_PER_S = 5;

/**
 * The `security` section of the configuration; the optional keys are the
 * ones this layer adds to the guide's sample.
 */
export interface SecuritySettings {
  /** Require the API key on protected routes. */
  enable_api_auth: boolean;
  /** The key, usually `${API_KEY}` substituted from the environment. */
  api_key?: string;
  /** CIDR blocks allowed to connect; empty admits everyone. */
  allowed_ips: readonly string[];
  /** Browser origins given CORS access; none by default. */
  cors_origins?: readonly string[];
  /** Proxies whose X-Forwarded-For is believed; none by default. */
  trusted_proxies?: readonly string[];
  /** Handoff requests per second; default 5. */
  handoff_rate_per_s?: number;
}

/** Options of {@linkcode securityLayers} beyond the configuration. */
export interface SecurityLayerOptions {
  /** Time source for the rate limiter; default the wall clock. */
  clock?: Pick<Clock, "now">;
  /** Largest request body in bytes; default 64 KiB. */
  maxBodyBytes?: number;
  /** Longest query value in characters; default 64. */
  maxQueryValueChars?: number;
}

/** Middleware built by {@linkcode securityLayers}. */
export interface SecurityLayers {
  /** For every route, in this order: allowlist, CORS, body and query. */
  global: MiddlewareHandler[];
  /** For routes that change anything or reveal more than liveness. */
  requireApiKey: MiddlewareHandler;
  /** For the handoff route, after the key check. */
  handoffRateLimit: MiddlewareHandler;
}

const passThrough: MiddlewareHandler = async (_c, next) => {
  await next();
};

/**
 * Builds every security middleware from the configuration.
 *
 * @param security the configuration's `security` section
 * @param options clock and size bounds
 * @returns the layers to mount
 * @throws {RangeError} at start-up when an address block or origin is
 *   malformed, or auth is enabled without a key
 */
export function securityLayers(
  security: SecuritySettings,
  options: SecurityLayerOptions = {},
): SecurityLayers {
  const ratePerS = security.handoff_rate_per_s ?? DEFAULT_HANDOFF_RATE_PER_S;
  return {
    global: [
      ipAllowlist({
        allowed: security.allowed_ips,
        trustedProxies: security.trusted_proxies,
      }),
      corsForOrigins({ origins: security.cors_origins }),
      bodySizeLimit(options.maxBodyBytes),
      queryLimits({ maxValueChars: options.maxQueryValueChars }),
    ],
    requireApiKey: security.enable_api_auth
      ? apiKeyAuth({ apiKey: security.api_key ?? "" })
      : passThrough,
    handoffRateLimit: rateLimit({ ratePerS, clock: options.clock }),
  };
}
