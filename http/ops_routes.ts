/**
 * The lab's routes: Prometheus metrics, diagnostics, alerts and the
 * maintenance log, read from the lab operations of the running controller
 * (history, monitor, scheduler). No route touches a device.
 *
 * - `GET /metrics`: the Prometheus text format;
 * - `GET /diagnostics`: devices with likely fixes, trend, history, alerts;
 * - `GET /alerts`: active alerts and the newest ones;
 * - `GET /maintenance`: the newest maintenance runs and the scheduler's state.
 *
 * Without lab operations (a controller started without them) each answers
 * 503 and says so.
 *
 * @module
 */

import { Hono } from "hono";
import type { Context } from "hono";
import type { ScannerService } from "../actors/scanner_service.ts";
import type { LabHealth } from "../actors/lab_operations.ts";
import { stateName } from "../actors/device_state_watch.ts";

/** Newest alerts and maintenance runs the routes list. */
export const RECENT_LIMIT = 50;

function noLab(c: Context) {
  return c.json(
    {
      error:
        "The lab operations are not running in this process: start the service with 'main.ts serve'",
    },
    503,
  );
}

/**
 * What `/health` adds when the lab operations run: the health score with
 * its deductions and the active alerts.
 *
 * @param service the running controller
 * @returns `{ health }`, or an empty object without lab operations
 */
export function labHealthFields(
  service: ScannerService,
): { health?: LabHealth } {
  return service.lab ? { health: service.lab.health() } : {};
}

/**
 * The lab's routes over a running controller.
 *
 * @param service the running controller
 * @returns a Hono app to mount at the root
 */
export function opsRoutes(service: ScannerService): Hono {
  const app = new Hono();

  app.get("/metrics", async (c) => {
    const lab = service.lab;
    if (!lab) return noLab(c);
    const text = await lab.metrics.render();
    return c.body(text, 200, { "content-type": lab.metrics.contentType });
  });

  app.get("/diagnostics", (c) => {
    const lab = service.lab;
    if (!lab) return noLab(c);
    return c.json(lab.diagnostics());
  });

  app.get("/alerts", (c) => {
    const lab = service.lab;
    if (!lab) return noLab(c);
    return c.json({
      active: lab.history.activeAlerts(),
      recent: lab.history.recentAlerts(RECENT_LIMIT),
    });
  });

  app.get("/maintenance", (c) => {
    const lab = service.lab;
    if (!lab) return noLab(c);
    const scheduler = lab.scheduler?.getSnapshot();
    return c.json({
      scheduler: scheduler
        ? {
          state: stateName(scheduler.value),
          current_job: scheduler.context.current?.name ?? null,
        }
        : null,
      runs: lab.history.recentMaintenanceRuns(RECENT_LIMIT),
    });
  });

  return app;
}
