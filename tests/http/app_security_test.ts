import assert from "node:assert/strict";
import type { ScannerService } from "../../actors/scanner_service.ts";
import type { Config } from "../../config/schema.ts";
import { createApp } from "../../http/app.ts";
import { startService, testConfig } from "../actors/_service_fixture.ts";
import { type LoopbackServer, serveOnLoopback } from "./security/_loopback.ts";

const API_KEY = "lab-key-3c9e71d2a84f";
const LAB_ORIGIN = "https://lab-pc.example:8443";

/** The real service and app behind a loopback socket. */
interface SecuredServer extends AsyncDisposable {
  url: string;
  service: ScannerService;
}

async function startSecured(
  dir: string,
  security: Partial<Config["security"]>,
  hostname = "127.0.0.1",
): Promise<SecuredServer> {
  const config = testConfig(dir, 8);
  config.security = {
    ...config.security,
    enable_api_auth: true,
    api_key: API_KEY,
    ...security,
  };
  const service = await startService(config);
  const shutdown = new AbortController();
  const server: LoopbackServer = serveOnLoopback(
    createApp(service, { signal: shutdown.signal }),
    hostname,
  );
  return {
    url: server.url,
    service,
    async [Symbol.asyncDispose]() {
      shutdown.abort();
      await server[Symbol.asyncDispose]();
      await service.stop();
    },
  };
}

async function call(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(url, init);
  return {
    status: response.status,
    headers: response.headers,
    text: await response.text(),
  };
}

/** Every route that changes anything or reveals more than liveness. */
const PROTECTED: [string, string][] = [
  ["POST", "/handoff?z_source=1"],
  ["POST", "/calibrate"],
  ["GET", "/calibrate"],
  ["POST", "/calibrate/rollback"],
  ["GET", "/calibrate/events"],
  ["GET", "/stats"],
  ["GET", "/state"],
  ["GET", "/events"],
  ["GET", "/metrics"],
  ["GET", "/diagnostics"],
  ["GET", "/no-such-route"],
];

Deno.test("the served app enforces the API key, allowlist, CORS, bounds and rate limit over loopback", async (t) => {
  const dir = await Deno.makeTempDir();
  await using server = await startSecured(dir, {
    allowed_ips: ["127.0.0.0/8", "::1/128"],
    cors_origins: [LAB_ORIGIN],
    handoff_rate_per_s: 1,
  });
  const withKey = { "X-API-Key": API_KEY };

  await t.step("liveness and the dashboard's page need no key", async () => {
    assert.equal((await call(`${server.url}/health`)).status, 200);
    const page = await call(`${server.url}/dashboard/`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<html/i);
    assert.doesNotMatch(page.text, new RegExp(API_KEY));
    assert.equal(
      (await call(`${server.url}/dashboard/vendor/uplot.js`)).status,
      200,
    );
  });

  await t.step(
    "every other route answers 401 alike to a missing and a wrong key",
    async () => {
      for (const [method, path] of PROTECTED) {
        const missing = await call(`${server.url}${path}`, { method });
        const wrong = await call(`${server.url}${path}`, {
          method,
          headers: { "X-API-Key": `${API_KEY.slice(0, -1)}0` },
        });
        const wrongBearer = await call(`${server.url}${path}`, {
          method,
          headers: { Authorization: "Bearer x" },
        });

        assert.equal(missing.status, 401, `${method} ${path}`);
        assert.equal(wrong.status, 401, `${method} ${path}`);
        assert.equal(wrong.text, missing.text);
        assert.equal(wrongBearer.text, missing.text);
      }
    },
  );

  await t.step(
    "the key opens the data routes, as a header or a bearer token",
    async () => {
      const stats = await call(`${server.url}/stats`, { headers: withKey });
      const state = await call(`${server.url}/state`, {
        headers: { Authorization: `Bearer ${API_KEY}` },
      });

      assert.equal(stats.status, 200);
      assert.equal(state.status, 200);
      assert.equal(JSON.parse(state.text).supervisor.value, "ready");
      for (const body of [stats.text, state.text]) {
        assert.doesNotMatch(body, new RegExp(API_KEY));
      }
    },
  );

  await t.step(
    "handoffs beyond the rate answer 429 with Retry-After",
    async () => {
      const first = await call(`${server.url}/handoff?z_source=2`, {
        method: "POST",
        headers: withKey,
      });
      const second = await call(`${server.url}/handoff?z_source=2`, {
        method: "POST",
        headers: withKey,
      });

      assert.equal(first.status, 200);
      assert.equal(second.status, 429);
      assert.equal(second.headers.get("retry-after"), "1");
      assert.match(JSON.parse(second.text).message, /at most 1 per second/);
    },
  );

  await t.step(
    "CORS answers the configured origin's preflight and no other",
    async () => {
      const preflight = (origin: string) =>
        call(`${server.url}/handoff`, {
          method: "OPTIONS",
          headers: {
            Origin: origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-api-key",
          },
        });
      const lab = await preflight(LAB_ORIGIN);
      const other = await preflight("https://elsewhere.example");

      assert.equal(lab.status, 204);
      assert.equal(lab.headers.get("access-control-allow-origin"), LAB_ORIGIN);
      assert.match(
        lab.headers.get("access-control-allow-headers") ?? "",
        /X-API-Key/i,
      );
      assert.equal(other.headers.get("access-control-allow-origin"), null);
      assert.equal(other.status, 401);
    },
  );

  await t.step(
    "oversized bodies and query values are refused before any route",
    async () => {
      const body = await call(`${server.url}/calibrate`, {
        method: "POST",
        headers: withKey,
        body: "x".repeat(100 * 1024),
      });
      const query = await call(
        `${server.url}/handoff?z_source=${"1".repeat(100)}`,
        { method: "POST", headers: withKey },
      );

      assert.equal(body.status, 413);
      assert.equal(query.status, 400);
    },
  );

  await Deno.remove(dir, { recursive: true });
});

Deno.test("the allowlist checks the socket's own address and believes X-Forwarded-For only from a trusted proxy", async (t) => {
  const dir = await Deno.makeTempDir();

  await t.step(
    "loopback is refused when only the lab's subnets are listed",
    async () => {
      await using server = await startSecured(dir, {
        allowed_ips: ["192.168.1.0/24", "10.0.0.0/8"],
      });
      const plain = await call(`${server.url}/health`);
      const forged = await call(`${server.url}/health`, {
        headers: { "X-Forwarded-For": "10.1.2.3" },
      });

      assert.equal(plain.status, 403);
      assert.equal(forged.status, 403);
      assert.doesNotMatch(plain.text, /127\.0\.0\.1/);
    },
  );

  await t.step(
    "behind a trusted proxy the forwarded client decides",
    async () => {
      await using server = await startSecured(dir, {
        allowed_ips: ["10.0.0.0/8"],
        trusted_proxies: ["127.0.0.1/32"],
      });
      const lab = await call(`${server.url}/health`, {
        headers: { "X-Forwarded-For": "10.1.2.3" },
      });
      const stranger = await call(`${server.url}/health`, {
        headers: { "X-Forwarded-For": "10.1.2.3, 203.0.113.9" },
      });

      assert.equal(lab.status, 200);
      assert.equal(stranger.status, 403);
    },
  );

  await t.step("an IPv6 client is checked against IPv6 blocks", async () => {
    await using v4Only = await startSecured(
      dir,
      { allowed_ips: ["127.0.0.0/8"] },
      "::1",
    );
    assert.equal((await call(`${v4Only.url}/health`)).status, 403);
  });

  await t.step("::1 is admitted by an IPv6 block", async () => {
    await using v6 = await startSecured(
      dir,
      { allowed_ips: ["::1/128"] },
      "::1",
    );
    assert.equal((await call(`${v6.url}/health`)).status, 200);
  });

  await Deno.remove(dir, { recursive: true });
});

Deno.test("createApp refuses to start with auth on and no key", async () => {
  const dir = await Deno.makeTempDir();
  const config = testConfig(dir, 8);
  config.security.enable_api_auth = true;
  config.security.api_key = "";
  const service = await startService(config);

  assert.throws(() => createApp(service), /security\.api_key is empty/);
  await service.stop();
  await Deno.remove(dir, { recursive: true });
});
