/**
 * Serves a Hono app on a loopback port for tests that exercise it from
 * outside, over a real socket.
 *
 * @module
 */

import type { Hono } from "hono";

/** A running loopback server. */
export interface LoopbackServer extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
}

/**
 * Starts `app` on an ephemeral port of a loopback address.
 *
 * @param app the application
 * @param hostname `127.0.0.1` (default) or `::1`
 * @returns the server; dispose it to shut down
 */
export function serveOnLoopback(
  app: Hono,
  hostname = "127.0.0.1",
): LoopbackServer {
  const server = Deno.serve(
    { hostname, port: 0, onListen: () => {} },
    app.fetch,
  );
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    url: `http://${host}:${server.addr.port}`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
