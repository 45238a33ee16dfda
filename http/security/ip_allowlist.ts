/**
 * Admits requests only from configured address blocks.
 *
 * The address checked is the connection's own peer address as Deno reports
 * it. `X-Forwarded-For` is read only when that peer is a configured trusted
 * proxy; the client is then the right-most forwarded address that is not
 * itself a trusted proxy, since everything left of it could be forged by the
 * client.
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import { getConnInfo } from "hono/deno";
import {
  type CidrBlock,
  inAnyBlock,
  type IpBytes,
  parseCidrList,
  parseIpAddress,
} from "./cidr.ts";

/** Options of {@linkcode ipAllowlist}. */
export interface IpAllowlistOptions {
  /** CIDR blocks allowed in; empty admits every address. */
  allowed: readonly string[];
  /** Blocks of reverse proxies whose X-Forwarded-For is believed; none. */
  trustedProxies?: readonly string[];
  /** Reads the peer address; default Hono's Deno `getConnInfo`. */
  peerAddress?: (c: Context) => string | undefined;
}

/** Response body for a request from an address outside the allowlist. */
export const FORBIDDEN_BODY = {
  error: "forbidden",
  message: "Requests from this address are not allowed",
} as const;

function denoPeerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/**
 * Finds the client address of a request.
 *
 * @param peer the connection's peer address
 * @param forwardedFor the `X-Forwarded-For` header, if any
 * @param trusted parsed trusted-proxy blocks
 * @returns the client's 16-byte address, or `undefined` when it cannot be
 *   told (no peer, or a trusted proxy sent an unparsable header)
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | undefined,
  trusted: readonly CidrBlock[],
): IpBytes | undefined {
  const peerBytes = peer === undefined ? undefined : parseIpAddress(peer);
  if (!peerBytes || !inAnyBlock(trusted, peerBytes)) return peerBytes;
  if (!forwardedFor) return peerBytes;

  const hops = forwardedFor.split(",").map((hop) => hop.trim());
  for (let index = hops.length - 1; index >= 0; index--) {
    const hop = parseIpAddress(hops[index]);
    if (!hop) return undefined;
    if (!inAnyBlock(trusted, hop)) return hop;
  }
  return parseIpAddress(hops[0]);
}

/**
 * Middleware that answers 403 to clients outside the allowed blocks.
 *
 * @param options allowed blocks and trusted proxies
 * @returns Hono middleware
 * @throws {RangeError} at start-up, naming every entry that is not a block
 */
export function ipAllowlist(options: IpAllowlistOptions): MiddlewareHandler {
  const allowed = parseCidrList(options.allowed, "security.allowed_ips");
  const trusted = parseCidrList(
    options.trustedProxies ?? [],
    "security.trusted_proxies",
  );
  const peerAddress = options.peerAddress ?? denoPeerAddress;

  return async function allowOnlyListedAddresses(c, next) {
    if (allowed.length === 0) return await next();
    const client = clientAddress(
      peerAddress(c),
      c.req.header("x-forwarded-for"),
      trusted,
    );
    if (!client || !inAnyBlock(allowed, client)) {
      return c.json(FORBIDDEN_BODY, 403);
    }
    await next();
  };
}
