import assert from "node:assert/strict";
import {
  DASHBOARD_CSP,
  dashboardRoutes,
} from "../../../http/dashboard/routes.ts";

Deno.test("dashboardRoutes sends / and /dashboard to the page", async () => {
  const app = dashboardRoutes();

  const root = await app.request("/");
  const bare = await app.request("/dashboard");

  assert.equal(root.status, 302);
  assert.equal(root.headers.get("location"), "/dashboard/");
  assert.equal(bare.status, 301);
  assert.equal(bare.headers.get("location"), "/dashboard/");
});

Deno.test("dashboardRoutes serves the page with the target line and a strict policy", async () => {
  const app = dashboardRoutes({ handoffTargetMs: 250 });

  const page = await app.request("/dashboard/");
  const html = await page.text();

  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
  assert.equal(page.headers.get("content-security-policy"), DASHBOARD_CSP);
  assert.equal(page.headers.get("x-content-type-options"), "nosniff");
  assert.match(html, /data-handoff-target-ms="250"/);
  assert.doesNotMatch(html, /\{\{|https?:\/\//);
});

Deno.test("dashboardRoutes serves its scripts and uPlot from the npm package", async () => {
  const app = dashboardRoutes();

  const script = await app.request("/dashboard/app.js");
  const chart = await app.request("/dashboard/vendor/uplot.js");
  const style = await app.request("/dashboard/vendor/uplot.css");

  assert.match(script.headers.get("content-type") ?? "", /^text\/javascript/);
  assert.match(await script.text(), /followEvents/);
  assert.match(chart.headers.get("content-type") ?? "", /^text\/javascript/);
  assert.match(await chart.text(), /uPlot/);
  assert.match(style.headers.get("content-type") ?? "", /^text\/css/);
  assert.match(await style.text(), /\.uplot/);
});

Deno.test("dashboardRoutes answers 404 to other paths, traversal included", async () => {
  const app = dashboardRoutes();

  for (
    const path of [
      "/dashboard/missing.js",
      "/dashboard/../assets.ts",
      "/dashboard/%2e%2e/assets.ts",
      "/dashboard/vendor/../../routes.ts",
    ]
  ) {
    const response = await app.request(path);
    assert.equal(response.status, 404, path);
    await response.body?.cancel();
  }
});
