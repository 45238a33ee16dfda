import assert from "node:assert/strict";
import { Hono } from "hono";
import { corsForOrigins } from "../../../http/security/cors.ts";
import { serveOnLoopback } from "./_loopback.ts";

const LAB = "https://lab-pc.local:8443";

function appWith(origins?: string[]): Hono {
  const app = new Hono();
  app.use("*", corsForOrigins({ origins }));
  app.get("/stats", (c) => c.json({ ok: true }));
  app.post("/handoff", (c) => c.json({ ok: true }));
  return app;
}

async function headersOf(url: string, init: RequestInit) {
  const response = await fetch(url, init);
  await response.body?.cancel();
  return { status: response.status, headers: response.headers };
}

Deno.test("corsForOrigins answers the configured origin only", async () => {
  await using server = serveOnLoopback(appWith([LAB]));

  const lab = await headersOf(`${server.url}/stats`, {
    headers: { Origin: LAB },
  });
  const other = await headersOf(`${server.url}/stats`, {
    headers: { Origin: "https://evil.example" },
  });

  assert.equal(lab.headers.get("access-control-allow-origin"), LAB);
  assert.equal(other.status, 200);
  assert.equal(other.headers.get("access-control-allow-origin"), null);
});

Deno.test("corsForOrigins answers a preflight from the configured origin with the key header", async () => {
  await using server = serveOnLoopback(appWith([LAB]));

  const preflight = await headersOf(`${server.url}/handoff`, {
    method: "OPTIONS",
    headers: {
      Origin: LAB,
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "x-api-key",
    },
  });
  const foreign = await headersOf(`${server.url}/handoff`, {
    method: "OPTIONS",
    headers: {
      Origin: "https://evil.example",
      "Access-Control-Request-Method": "POST",
    },
  });

  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get("access-control-allow-origin"), LAB);
  assert.match(
    preflight.headers.get("access-control-allow-headers") ?? "",
    /X-API-Key/,
  );
  assert.equal(foreign.headers.get("access-control-allow-origin"), null);
  assert.equal(foreign.headers.get("access-control-allow-methods"), null);
});

Deno.test("corsForOrigins adds no CORS header when no origin is configured", async () => {
  await using server = serveOnLoopback(appWith());

  const response = await headersOf(`${server.url}/stats`, {
    headers: { Origin: LAB },
  });

  const corsHeaders = [...response.headers.keys()].filter((name) =>
    name.startsWith("access-control-")
  );
  assert.deepEqual(corsHeaders, []);
});

Deno.test("corsForOrigins refuses an origin with a path at start-up", () => {
  assert.throws(
    () => corsForOrigins({ origins: ["https://lab-pc.local/dashboard"] }),
    /security\.cors_origins.*scheme:\/\/host/,
  );
});
