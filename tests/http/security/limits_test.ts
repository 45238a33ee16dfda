import assert from "node:assert/strict";
import { Hono } from "hono";
import { bodySizeLimit, queryLimits } from "../../../http/security/limits.ts";
import { rateLimit, TokenBucket } from "../../../http/security/rate_limit.ts";
import { serveOnLoopback } from "./_loopback.ts";

function limitedApp(clock: { now(): number }): Hono {
  const app = new Hono();
  app.use("*", bodySizeLimit(1024), queryLimits({ maxValueChars: 32 }));
  app.post(
    "/calibrate",
    async (c) => c.json({ bytes: (await c.req.text()).length }),
  );
  app.post(
    "/handoff",
    rateLimit({ ratePerS: 2, burst: 2, clock }),
    (c) => c.json({ z: c.req.query("z_source") }),
  );
  return app;
}

async function post(url: string, init: RequestInit = {}) {
  const response = await fetch(url, { method: "POST", ...init });
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body: await response.json(),
  };
}

Deno.test("bodySizeLimit answers 413 to an oversize body, declared or chunked", async () => {
  await using server = serveOnLoopback(limitedApp({ now: () => 0 }));

  const small = await post(`${server.url}/calibrate`, {
    body: "x".repeat(1024),
  });
  const large = await post(`${server.url}/calibrate`, {
    body: "x".repeat(1025),
  });
  const chunks = ReadableStream.from(["x".repeat(800), "x".repeat(800)])
    .pipeThrough(new TextEncoderStream());
  const streamed = await post(`${server.url}/calibrate`, { body: chunks });

  assert.equal(small.status, 200);
  assert.equal(small.body.bytes, 1024);
  assert.equal(large.status, 413);
  assert.equal(large.body.error, "payload_too_large");
  assert.equal(streamed.status, 413);
});

Deno.test("queryLimits answers 400 to a query value that is too long", async () => {
  await using server = serveOnLoopback(limitedApp({ now: () => 0 }));

  const long = await post(`${server.url}/handoff?z_source=${"1".repeat(33)}`);

  assert.equal(long.status, 400);
  assert.match(long.body.message, /z_source is 33 characters long; at most 32/);
});

Deno.test("rateLimit answers 429 with Retry-After once the bucket is empty", async () => {
  const clock = {
    nowMs: 0,
    now() {
      return this.nowMs;
    },
  };
  await using server = serveOnLoopback(limitedApp(clock));
  const url = `${server.url}/handoff?z_source=1.5`;

  const first = await post(url);
  const second = await post(url);
  const third = await post(url);
  clock.nowMs += 500;
  const afterRefill = await post(url);
  const again = await post(url);

  assert.equal(first.status, 200);
  assert.equal(second.status, 200);
  assert.equal(third.status, 429);
  assert.equal(third.retryAfter, "1");
  assert.equal(third.body.error, "rate_limited");
  assert.equal(afterRefill.status, 200);
  assert.equal(again.status, 429);
});

Deno.test("TokenBucket reports how long until the next token", () => {
  const clock = {
    nowMs: 1000,
    now() {
      return this.nowMs;
    },
  };
  const bucket = new TokenBucket({ ratePerS: 0.25, burst: 1, clock });

  assert.equal(bucket.take(), 0);
  assert.equal(bucket.take(), 4000);
  clock.nowMs += 3000;
  assert.equal(bucket.take(), 1000);
  clock.nowMs += 1000;
  assert.equal(bucket.take(), 0);
});

Deno.test("TokenBucket refuses a rate that is not positive", () => {
  assert.throws(
    () => new TokenBucket({ ratePerS: 0 }),
    /handoff_rate_per_s/,
  );
});
