/**
 * The service as the browser tests see it: the real controller on the
 * simulated scanner (simulated clock), the real routes, the security
 * layers and the dashboard, served on a loopback port.
 *
 * Until `createApp` serves `/events`, a stand-in here streams the JSON the
 * dashboard expects (see `http/dashboard/README.md`); routes registered by
 * `createApp` take precedence, so the real stream replaces it once added.
 *
 * @module
 */

import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { join } from "node:path";
import { defaultConfig } from "../../config/load.ts";
import { SimulatedClock } from "../../domain/clock.ts";
import { ScannerService } from "../../actors/scanner_service.ts";
import { createApp } from "../../http/app.ts";
import { dashboardRoutes } from "../../http/dashboard/routes.ts";
import { securityLayers } from "../../http/security/mod.ts";

/** The API key the test server requires. */
export const TEST_API_KEY = "browser-test-key-5f2c9a";

/** A running test server. */
export interface DashboardServer extends AsyncDisposable {
  /** Base URL on loopback. */
  url: string;
  /** The controller behind it. */
  service: ScannerService;
}

function statusOf(service: ScannerService) {
  return {
    phase: service.phase,
    notice: service.notice,
    system_time: Date.now() / 1000,
    performance: service.performance(),
    mapping: service.mappingReport()?.calibration ?? null,
    devices: [],
    alerts: [],
  };
}

function standInEvents(service: ScannerService) {
  return (c: Context) =>
    streamSSE(c, async (stream) => {
      const send = (event: string, data: unknown) =>
        stream.writeSSE({ event, data: JSON.stringify(data) });
      await send("status", statusOf(service));
      const stops = [
        service.on("handoff.completed", async (event) => {
          await send("handoff", event.result);
          await send("status", statusOf(service));
        }),
        service.on("status.changed", () => send("status", statusOf(service))),
      ];
      await new Promise<void>((resolve) => stream.onAbort(resolve));
      for (const stop of stops) stop();
    });
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
  };
  const service = await ScannerService.start(config, {
    clock: new SimulatedClock(),
  });
  await service.whenStarted();

  const layers = securityLayers({
    enable_api_auth: true,
    api_key: TEST_API_KEY,
    allowed_ips: ["127.0.0.0/8", "::1"],
  });
  const app = new Hono();
  app.use("*", ...layers.global);
  for (
    const path of ["/stats", "/handoff", "/calibrate", "/state", "/events"]
  ) {
    app.use(path, layers.requireApiKey);
  }
  app.use("/handoff", layers.handoffRateLimit);
  app.route(
    "/",
    dashboardRoutes({
      handoffTargetMs: config.performance.max_handoff_time_ms,
    }),
  );
  app.route("/", createApp(service));
  app.get("/events", standInEvents(service));

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    app.fetch,
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    service,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      await service.stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
