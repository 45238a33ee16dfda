import assert from "node:assert/strict";
import { Hono } from "hono";
import {
  securityLayers,
  type SecuritySettings,
} from "../../../http/security/mod.ts";
import { serveOnLoopback } from "./_loopback.ts";

function appFor(security: SecuritySettings): Hono {
  const layers = securityLayers(security, { clock: { now: () => 0 } });
  const app = new Hono();
  app.use("*", ...layers.global);
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.post(
    "/handoff",
    layers.requireApiKey,
    layers.handoffRateLimit,
    (c) => c.json({ success: true }),
  );
  return app;
}

async function statusOf(url: string, init?: RequestInit): Promise<number> {
  const response = await fetch(url, init);
  await response.body?.cancel();
  return response.status;
}

Deno.test("securityLayers with the sample's allowlist turns loopback away", async () => {
  await using server = serveOnLoopback(appFor({
    enable_api_auth: true,
    api_key: "k-123456",
    allowed_ips: ["192.168.1.0/24", "10.0.0.0/8"],
  }));

  assert.equal(await statusOf(`${server.url}/health`), 403);
});

Deno.test("securityLayers checks the key before the rate limit", async () => {
  await using server = serveOnLoopback(appFor({
    enable_api_auth: true,
    api_key: "k-123456",
    allowed_ips: ["127.0.0.0/8"],
    handoff_rate_per_s: 1,
  }));
  const handoff = `${server.url}/handoff`;
  const withKey = { method: "POST", headers: { "X-API-Key": "k-123456" } };

  assert.equal(await statusOf(handoff, { method: "POST" }), 401);
  assert.equal(await statusOf(handoff, { method: "POST" }), 401);
  assert.equal(await statusOf(handoff, withKey), 200);
  assert.equal(await statusOf(handoff, withKey), 429);
  assert.equal(await statusOf(`${server.url}/health`), 200);
});

Deno.test("securityLayers lets requests through without a key when auth is off", async () => {
  await using server = serveOnLoopback(appFor({
    enable_api_auth: false,
    allowed_ips: [],
  }));

  assert.equal(
    await statusOf(`${server.url}/handoff`, { method: "POST" }),
    200,
  );
});

Deno.test("securityLayers refuses auth without a key at start-up", () => {
  assert.throws(
    () => securityLayers({ enable_api_auth: true, allowed_ips: [] }),
    /security\.api_key is empty/,
  );
});
