/**
 * Which routes are open and which need the API key. Everything needs the
 * key except liveness and the dashboard's page and files (they hold no
 * data; the page asks for the key before it calls anything that does), so
 * a route added later is protected unless it is listed here.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";

/** Paths served without the key, for GET and HEAD only. */
export const OPEN_PATHS: readonly string[] = ["/health", "/", "/dashboard"];

/** Path prefixes served without the key, for GET and HEAD only. */
export const OPEN_PREFIXES: readonly string[] = ["/dashboard/"];

/**
 * Whether a request may go without the API key.
 *
 * @param method the HTTP method
 * @param path the request path
 * @returns true for a GET or HEAD of an open path
 */
export function isOpenRoute(method: string, path: string): boolean {
  if (method !== "GET" && method !== "HEAD") return false;
  return OPEN_PATHS.includes(path) ||
    OPEN_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/**
 * Middleware that applies `requireApiKey` to every request but the open
 * ones.
 *
 * @param requireApiKey the key check (`securityLayers(...).requireApiKey`)
 * @returns Hono middleware to mount on `*` after the global layers
 */
export function keyOutsideOpenRoutes(
  requireApiKey: MiddlewareHandler,
): MiddlewareHandler {
  return async function requireKeyUnlessOpen(c, next) {
    if (isOpenRoute(c.req.method, c.req.path)) return await next();
    return await requireApiKey(c, next);
  };
}
