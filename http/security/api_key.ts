/**
 * API key check for every route that changes anything or reveals more than
 * liveness.
 *
 * The presented key and the configured key are each reduced to an HMAC-SHA256
 * digest under a random per-process key and the two digests compared with
 * `timingSafeEqual`: equal lengths always, so neither the key's length nor
 * the position of the first wrong character shows in the response time.
 *
 * @module
 */

import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";

/** Options of {@linkcode apiKeyAuth}. */
export interface ApiKeyAuthOptions {
  /** The key clients must present; required, never empty. */
  apiKey: string;
}

/** Response body for a request without a valid key, missing or wrong alike. */
export const UNAUTHORIZED_BODY = {
  error: "unauthorized",
  message:
    "This route needs a valid API key: send it in the X-API-Key header or as Authorization: Bearer <key>",
} as const;

const BEARER = /^Bearer[ \t]+(.+)$/i;

/**
 * Reads the key a request presents: `X-API-Key` first, then a bearer token.
 *
 * @param c the request context
 * @returns the presented key, or `undefined` when there is none
 */
export function presentedApiKey(c: Context): string | undefined {
  const header = c.req.header("x-api-key");
  if (header !== undefined && header !== "") return header;
  const match = BEARER.exec(c.req.header("authorization") ?? "");
  return match ? match[1].trim() : undefined;
}

/**
 * Builds a constant-time comparer bound to one secret.
 *
 * @param secret the expected key
 * @returns a function telling whether a candidate equals `secret`
 */
export function keyComparer(secret: string): (candidate: string) => boolean {
  const hmacKey = randomBytes(32);
  const digest = (text: string) =>
    createHmac("sha256", hmacKey).update(text, "utf8").digest();
  const expected = digest(secret);
  return (candidate) => timingSafeEqual(digest(candidate), expected);
}

/**
 * Middleware that lets a request through only with the configured API key.
 *
 * A missing key and a wrong key get the same 401 answer, so a caller
 * learns nothing about which it was.
 *
 * @param options the key to require
 * @returns Hono middleware
 * @throws {RangeError} when `apiKey` is empty: auth is on but has no key
 */
export function apiKeyAuth(options: ApiKeyAuthOptions): MiddlewareHandler {
  if (!options.apiKey) {
    throw new RangeError(
      'Cannot enable API authentication: security.api_key is empty; set it (e.g. api_key: "${API_KEY}" with API_KEY in the environment) or set security.enable_api_auth to false',
    );
  }
  const matches = keyComparer(options.apiKey);

  return async function requireApiKey(c, next) {
    const presented = presentedApiKey(c);
    const valid = matches(presented ?? "") && presented !== undefined;
    if (!valid) {
      c.header("WWW-Authenticate", 'Bearer realm="autofocus"');
      return c.json(UNAUTHORIZED_BODY, 401);
    }
    await next();
  };
}
