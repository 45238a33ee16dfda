/**
 * The service as the browser tests see it: the real controller on the
 * simulated scanner (simulated clock) behind the real app (security layers,
 * dashboard, `/events`), served on a loopback port with the API key on.
 *
 * @module
 */

import { join } from "node:path";
import { defaultConfig } from "../../config/load.ts";
import { SimulatedClock } from "../../domain/clock.ts";
import { ScannerService } from "../../actors/scanner_service.ts";
import { createApp } from "../../http/app.ts";

/** The API key the test server requires. */
export const TEST_API_KEY = "browser-test-key-5f2c9a";

/** A running test server. */
export interface DashboardServer extends AsyncDisposable {
  /** Base URL on loopback. */
  url: string;
  /** The controller behind it. */
  service: ScannerService;
}

/**
 * Starts the controller, calibrated on the simulated clock, behind the app.
 *
 * @returns the server; dispose it to stop everything
 */
export async function startDashboardServer(): Promise<DashboardServer> {
  const dir = await Deno.makeTempDir({ prefix: "autofocus_browser_" });
  const base = defaultConfig(() => undefined);
  const config = {
    ...base,
    paths: {
      data_dir: dir,
      log_dir: join(dir, "logs"),
      calibration_file: join(dir, "calibration.json"),
    },
    security: {
      ...base.security,
      enable_api_auth: true,
      api_key: TEST_API_KEY,
      allowed_ips: ["127.0.0.0/8", "::1/128"],
    },
  };
  const service = await ScannerService.start(config, {
    clock: new SimulatedClock(),
  });
  await service.whenStarted();

  const shutdown = new AbortController();
  const app = createApp(service, { signal: shutdown.signal });

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    app.fetch,
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    service,
    async [Symbol.asyncDispose]() {
      shutdown.abort();
      await server.shutdown();
      await service.stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
