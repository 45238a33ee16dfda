/**
 * Bounds on what a request may carry: body size and query values.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

/** Default largest request body: 64 KiB, far above any route's needs. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
/** Default longest query value, in characters. */
export const DEFAULT_MAX_QUERY_VALUE_CHARS = 64;
/** Default most query parameters in one request. */
export const DEFAULT_MAX_QUERY_PARAMS = 16;

/**
 * Middleware that answers 413 to a body larger than `maxBytes`, whether it
 * declares its length or streams it chunked.
 *
 * @param maxBytes the largest body accepted
 * @returns Hono middleware
 */
export function bodySizeLimit(
  maxBytes = DEFAULT_MAX_BODY_BYTES,
): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      c.json({
        error: "payload_too_large",
        message: `Request body is larger than ${maxBytes} bytes`,
      }, 413),
  });
}

/** Options of {@linkcode queryLimits}. */
export interface QueryLimitOptions {
  /** Longest value of one parameter, in characters; default 64. */
  maxValueChars?: number;
  /** Most parameters in one request; default 16. */
  maxParams?: number;
}

/**
 * Middleware that answers 400 to a query with too many parameters or a
 * value that is too long, before any route parses it.
 *
 * @param options the bounds
 * @returns Hono middleware
 */
export function queryLimits(
  options: QueryLimitOptions = {},
): MiddlewareHandler {
  const maxValueChars = options.maxValueChars ?? DEFAULT_MAX_QUERY_VALUE_CHARS;
  const maxParams = options.maxParams ?? DEFAULT_MAX_QUERY_PARAMS;

  return async function boundQuery(c, next) {
    const params = [...new URL(c.req.url).searchParams];
    if (params.length > maxParams) {
      return c.json({
        error: "bad_request",
        message:
          `Query has ${params.length} parameters; at most ${maxParams} are accepted`,
      }, 400);
    }
    const long = params.find(([, value]) => value.length > maxValueChars);
    if (long) {
      return c.json({
        error: "bad_request",
        message: `Query parameter ${long[0].slice(0, 32)} is ${
          long[1].length
        } characters long; at most ${maxValueChars} are accepted`,
      }, 400);
    }
    await next();
  };
}
