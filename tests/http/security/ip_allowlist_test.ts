import assert from "node:assert/strict";
import { Hono } from "hono";
import {
  clientAddress,
  ipAllowlist,
  type IpAllowlistOptions,
} from "../../../http/security/ip_allowlist.ts";
import { parseCidrList, parseIpAddress } from "../../../http/security/cidr.ts";
import { serveOnLoopback } from "./_loopback.ts";

function guardedApp(options: IpAllowlistOptions): Hono {
  const app = new Hono();
  app.use("*", ipAllowlist(options));
  app.get("/stats", (c) => c.json({ ok: true }));
  return app;
}

async function statusOf(url: string, headers?: HeadersInit): Promise<number> {
  const response = await fetch(`${url}/stats`, { headers });
  await response.body?.cancel();
  return response.status;
}

Deno.test("ipAllowlist denies 127.0.0.1 when only 10.0.0.0/8 is allowed", async () => {
  await using server = serveOnLoopback(guardedApp({ allowed: ["10.0.0.0/8"] }));

  const response = await fetch(`${server.url}/stats`);

  assert.equal(response.status, 403);
  assert.equal((await response.json()).error, "forbidden");
});

Deno.test("ipAllowlist admits loopback peers inside 127.0.0.0/8 and ::1", async () => {
  const allowed = ["10.0.0.0/8", "127.0.0.0/8", "::1/128"];
  await using v4 = serveOnLoopback(guardedApp({ allowed }));
  await using v6 = serveOnLoopback(guardedApp({ allowed }), "::1");

  assert.equal(await statusOf(v4.url), 200);
  assert.equal(await statusOf(v6.url), 200);
});

Deno.test("ipAllowlist denies ::1 when only IPv4 blocks are allowed", async () => {
  await using v6 = serveOnLoopback(
    guardedApp({ allowed: ["127.0.0.0/8"] }),
    "::1",
  );

  assert.equal(await statusOf(v6.url), 403);
});

Deno.test("ipAllowlist ignores a spoofed X-Forwarded-For from an untrusted peer", async () => {
  await using server = serveOnLoopback(guardedApp({ allowed: ["10.0.0.0/8"] }));

  const status = await statusOf(server.url, { "X-Forwarded-For": "10.1.2.3" });

  assert.equal(status, 403);
});

Deno.test("ipAllowlist believes X-Forwarded-For only from a trusted proxy", async () => {
  await using server = serveOnLoopback(
    guardedApp({ allowed: ["10.0.0.0/8"], trustedProxies: ["127.0.0.1"] }),
  );

  assert.equal(
    await statusOf(server.url, { "X-Forwarded-For": "10.1.2.3" }),
    200,
  );
  assert.equal(
    await statusOf(server.url, { "X-Forwarded-For": "192.0.2.1" }),
    403,
  );
  assert.equal(
    await statusOf(server.url, { "X-Forwarded-For": "10.1.2.3, 192.0.2.1" }),
    403,
  );
  assert.equal(await statusOf(server.url, { "X-Forwarded-For": "junk" }), 403);
});

Deno.test("ipAllowlist admits everyone when the list is empty", async () => {
  await using server = serveOnLoopback(guardedApp({ allowed: [] }));

  assert.equal(await statusOf(server.url), 200);
});

Deno.test("ipAllowlist fails at start-up naming a bad block", () => {
  assert.throws(
    () => ipAllowlist({ allowed: ["10.0.0.0/8", "192.168.1.0/33"] }),
    (error: Error) =>
      error instanceof RangeError &&
      error.message.includes("security.allowed_ips") &&
      error.message.includes('"192.168.1.0/33"'),
  );
  assert.throws(
    () => ipAllowlist({ allowed: [], trustedProxies: ["proxy.lan"] }),
    /security\.trusted_proxies.*"proxy\.lan"/,
  );
});

Deno.test("clientAddress takes the right-most untrusted hop behind proxies", () => {
  const trusted = parseCidrList(["10.0.0.0/8"], "test");
  const client = clientAddress(
    "10.0.0.1",
    "198.51.100.7, 203.0.113.5, 10.0.0.2",
    trusted,
  );

  assert.deepEqual(client, parseIpAddress("203.0.113.5"));
  assert.deepEqual(
    clientAddress("192.0.2.9", "10.0.0.5", trusted),
    parseIpAddress("192.0.2.9"),
  );
  assert.equal(clientAddress(undefined, undefined, trusted), undefined);
});
