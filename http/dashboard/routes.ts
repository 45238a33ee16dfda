/**
 * The dashboard: one page with a small script, served by the service
 * itself with no CDN and no build step, and the chart library's files from
 * its npm package.
 *
 * The page holds no secret: the operator types the API key, the script
 * keeps it in the tab's sessionStorage and sends it as `X-API-Key`. A
 * strict Content-Security-Policy allows only this origin's scripts, styles
 * and connections.
 *
 * @module
 */

import { Hono } from "hono";
import { join } from "node:path";
import {
  dashboardStaticDir,
  loadUplotAssets,
  type StaticAsset,
} from "./assets.ts";

/** Options of {@linkcode dashboardRoutes}. */
export interface DashboardOptions {
  /** The handoff budget drawn on the trend chart, ms; default 300. */
  handoffTargetMs?: number;
  /** Folder of the page's files; default the module's `static/`. */
  staticDir?: string;
}

/** The Content-Security-Policy of every dashboard response. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const PAGE_FILES: Record<string, string> = {
  "index.html": "text/html; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "event_stream.js": "text/javascript; charset=utf-8",
  "trend_chart.js": "text/javascript; charset=utf-8",
  "app.css": "text/css; charset=utf-8",
};

async function loadAssets(
  options: DashboardOptions,
): Promise<Map<string, StaticAsset>> {
  const dir = options.staticDir ?? dashboardStaticDir();
  const assets = new Map<string, StaticAsset>();
  for (const [file, contentType] of Object.entries(PAGE_FILES)) {
    let body = await Deno.readFile(join(dir, file));
    if (file === "index.html") {
      const targetMs = String(options.handoffTargetMs ?? 300);
      body = new TextEncoder().encode(
        new TextDecoder().decode(body).replace(
          "{{handoff_target_ms}}",
          targetMs,
        ),
      );
    }
    assets.set(file, { body, contentType });
  }
  for (const [name, asset] of await loadUplotAssets()) {
    assets.set(`vendor/${name}`, asset);
  }
  return assets;
}

/**
 * The dashboard's routes: `GET /` redirects to `/dashboard/`, which serves
 * the page; `/dashboard/<file>` serves its script, style sheet and
 * `vendor/uplot.js` / `vendor/uplot.css`. Files are read on first request
 * and kept in memory.
 *
 * @param options the chart's target line and where the files are
 * @returns a Hono app to mount at the root (`app.route("/", ...)`)
 */
export function dashboardRoutes(options: DashboardOptions = {}): Hono {
  let assets: Promise<Map<string, StaticAsset>> | undefined;
  const app = new Hono();

  app.get("/", (c) => c.redirect("/dashboard/", 302));
  app.get("/dashboard", (c) => c.redirect("/dashboard/", 301));
  app.get("/dashboard/*", async (c) => {
    assets ??= loadAssets(options).catch((error) => {
      assets = undefined;
      throw error;
    });
    const name = c.req.path.slice("/dashboard/".length) || "index.html";
    const asset = (await assets).get(name);
    if (!asset) return c.notFound();

    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": asset.contentType,
      "Content-Security-Policy": DASHBOARD_CSP,
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
      "Cache-Control": name === "index.html" ? "no-cache" : "max-age=300",
    });
  });
  return app;
}
