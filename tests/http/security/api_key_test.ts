import assert from "node:assert/strict";
import { Hono } from "hono";
import { apiKeyAuth, keyComparer } from "../../../http/security/api_key.ts";
import { serveOnLoopback } from "./_loopback.ts";

const KEY = "s3cret-key-for-tests-0123456789";

function protectedApp(): Hono {
  const app = new Hono();
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.post("/handoff", apiKeyAuth({ apiKey: KEY }), (c) => c.json({ ok: 1 }));
  return app;
}

async function answer(response: Response) {
  return {
    status: response.status,
    body: await response.text(),
    challenge: response.headers.get("www-authenticate"),
  };
}

Deno.test("apiKeyAuth gives identical 401 answers for a missing and a wrong key", async () => {
  await using server = serveOnLoopback(protectedApp());

  const missing = await answer(
    await fetch(`${server.url}/handoff`, { method: "POST" }),
  );
  const wrong = await answer(
    await fetch(`${server.url}/handoff`, {
      method: "POST",
      headers: { "X-API-Key": "not-the-key" },
    }),
  );
  const wrongBearer = await answer(
    await fetch(`${server.url}/handoff`, {
      method: "POST",
      headers: { Authorization: `Bearer ${KEY}x` },
    }),
  );
  const prefix = await answer(
    await fetch(`${server.url}/handoff`, {
      method: "POST",
      headers: { "X-API-Key": KEY.slice(0, -1) },
    }),
  );

  assert.equal(missing.status, 401);
  assert.deepEqual(wrong, missing);
  assert.deepEqual(wrongBearer, missing);
  assert.deepEqual(prefix, missing);
  assert(!missing.body.includes(KEY.slice(0, 6)));
});

Deno.test("apiKeyAuth admits the key in X-API-Key or as a bearer token", async () => {
  await using server = serveOnLoopback(protectedApp());

  const byHeader = await fetch(`${server.url}/handoff`, {
    method: "POST",
    headers: { "X-API-Key": KEY },
  });
  const byBearer = await fetch(`${server.url}/handoff`, {
    method: "POST",
    headers: { Authorization: `bearer ${KEY}` },
  });
  const open = await fetch(`${server.url}/health`);

  assert.equal(byHeader.status, 200);
  assert.deepEqual(await byHeader.json(), { ok: 1 });
  assert.equal(byBearer.status, 200);
  await byBearer.body?.cancel();
  assert.equal(open.status, 200);
  await open.body?.cancel();
});

Deno.test("apiKeyAuth refuses to start without a key", () => {
  assert.throws(() => apiKeyAuth({ apiKey: "" }), /security\.api_key is empty/);
});

Deno.test("keyComparer tells equal keys from different ones of any length", () => {
  const matches = keyComparer(KEY);
  assert.equal(matches(KEY), true);
  assert.equal(matches(""), false);
  assert.equal(matches(KEY + KEY), false);
  assert.equal(matches(KEY.toUpperCase()), false);
});
