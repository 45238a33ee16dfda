/**
 * The HTTP contract: thin routes that validate input, ask the controller
 * and render its answer. No route touches a device.
 *
 * @module
 */

import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { lensProfiles } from "../config/lenses.ts";
import type { ScannerService } from "../actors/scanner_service.ts";
import type { HandoffResult } from "../machines/handoff_types.ts";
import { parseZSource } from "./handoff_query.ts";
import { actorStates } from "./state_view.ts";
import { dashboardRoutes } from "./dashboard/routes.ts";
import { type AlertFeed, eventsRoutes } from "./events_routes.ts";
import { keyOutsideOpenRoutes } from "./route_access.ts";
import { labHealthFields, opsRoutes } from "./ops_routes.ts";
import { securityLayers } from "./security/mod.ts";

/** Seconds since the epoch, as the contract's `system_time` and `timestamp`. */
function epochSeconds(): number {
  return Date.now() / 1000;
}

/** Status code for a failed handoff: a device fault is a bad gateway. */
function statusOfFailure(result: HandoffResult): 422 | 502 {
  const device = result.error?.device;
  return device === "autofocus" || device === "mapping" ? 422 : 502;
}

/** Options of {@linkcode createApp}. */
export interface AppOptions {
  /** Ends the open event streams when aborted, so a server can shut down. */
  signal?: AbortSignal;
  /** Active alerts, for the dashboard's `status` and `alert` events. */
  alerts?: AlertFeed;
}

/**
 * Builds the HTTP app over a running controller, behind the layers of
 * `config.security`: the allowlist, CORS and size bounds on every route,
 * the API key on every route but liveness and the dashboard's files (see
 * `route_access.ts`), and the rate limit on handoffs.
 *
 * @param service the running controller
 * @param options shutdown signal and alerts
 * @throws {RangeError} when the security settings are unusable (a bad
 *   address block or origin, or auth enabled without a key)
 */
export function createApp(
  service: ScannerService,
  options: AppOptions = {},
): Hono {
  const app = new Hono();
  const lensA = lensProfiles(service.config).A;
  const layers = securityLayers(service.config.security, {
    clock: service.clock,
  });
  app.use("*", ...layers.global, keyOutsideOpenRoutes(layers.requireApiKey));
  app.route(
    "/",
    dashboardRoutes({
      handoffTargetMs: service.config.performance.max_handoff_time_ms,
    }),
  );

  app.get("/health", (c) => {
    const lost = service.disconnectedDevices;
    const body = {
      // Up but with a device's port gone: handoffs fail until it is back.
      status: !service.isUp
        ? service.phase
        : lost.length > 0
        ? "degraded"
        : "healthy",
      disconnected_devices: lost,
      system_time: epochSeconds(),
      phase: service.phase,
      notice: service.notice,
      performance: pickHealthPerformance(service),
      ...labHealthFields(service),
    };
    return c.json(body, service.isUp ? 200 : 503);
  });

  app.post("/handoff", layers.handoffRateLimit, async (c) => {
    const parsed = parseZSource(c.req.query("z_source"), lensA);
    if (!parsed.ok) return c.json({ error: parsed.message }, 400);

    const outcome = await service.requestHandoff(parsed.zSourceUm);
    if (outcome.kind === "rejected") {
      return c.json(
        { success: false, error: outcome.message, reason: outcome.reason },
        outcome.reason === "busy" ? 409 : 503,
      );
    }
    const result = outcome.result;
    return c.json(result, result.success ? 200 : statusOfFailure(result));
  });

  app.post("/autofocus", layers.handoffRateLimit, async (c) => {
    const lens = c.req.query("lens") ?? "B";
    if (lens !== "A" && lens !== "B") {
      return c.json({
        error: `lens must be A or B, got "${lens.slice(0, 10)}"`,
      }, 400);
    }

    const outcome = await service.requestAutofocus(lens);
    if (outcome.kind === "rejected") {
      return c.json(
        { error: outcome.message, reason: outcome.reason },
        outcome.reason === "busy" ? 409 : 503,
      );
    }
    const result = outcome.result;
    const status = result.outcome === "found"
      ? 200
      : result.outcome === "failed"
      ? 502
      : 422;
    return c.json({ lens, ...result }, status);
  });

  app.get("/stats", (c) =>
    c.json({
      performance: service.performance(),
      mapping: service.mappingReport(),
      recent_handoffs: service.recentHandoffs().slice(-20),
      timestamp: epochSeconds(),
    }));

  app.post("/calibrate", (c) => {
    const routine = c.req.query("routine") === "true";
    const outcome = service.startCalibration(routine);
    if (!outcome.accepted) return c.json({ error: outcome.message }, 409);
    return c.json({ started: true, routine, follow: "/calibrate/events" }, 202);
  });

  app.get("/calibrate", (c) => c.json(service.calibrationStatus()));

  app.post("/calibrate/rollback", (c) => {
    if (!service.rollbackMapping()) {
      return c.json({ error: "No calibration in force to roll back to" }, 409);
    }
    return c.json({ rolled_back: true, mapping: service.mappingReport() });
  });

  app.get("/calibrate/events", (c) =>
    streamSSE(c, async (stream) => {
      const stops = [
        service.on("calibration.progress", (event) => {
          stream.writeSSE({
            event: "progress",
            data: JSON.stringify(event.progress),
          });
        }),
      ];
      const finished = service.nextCalibrationReport().then((report) =>
        stream.writeSSE({
          event: "finished",
          data: JSON.stringify({ ...report, mapping: undefined }),
        })
      );
      const aborted = new Promise<void>((resolve) =>
        stream.onAbort(() => resolve())
      );
      await Promise.race([finished, aborted]);
      for (const stop of stops) stop();
    }));

  app.get("/state", (c) => c.json(actorStates(service.supervisor)));

  app.route("/", eventsRoutes(service, options));
  app.route("/", opsRoutes(service));

  return app;
}

function pickHealthPerformance(service: ScannerService) {
  const performance = service.performance();
  return {
    avg_handoff_time_ms: performance.avg_handoff_time_ms,
    success_rate: performance.success_rate,
    cache_hit_rate: performance.cache_hit_rate,
  };
}
