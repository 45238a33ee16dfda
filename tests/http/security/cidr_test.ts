import assert from "node:assert/strict";
import {
  cidrContains,
  parseCidr,
  parseCidrList,
  parseIpAddress,
} from "../../../http/security/cidr.ts";

function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    assert(error instanceof RangeError, `expected a RangeError, got ${error}`);
    return error;
  }
  assert.fail("expected an error");
}

function contains(block: string, address: string): boolean {
  const bytes = parseIpAddress(address);
  assert(bytes, `${address} should parse`);
  return cidrContains(parseCidr(block), bytes);
}

Deno.test("parseIpAddress maps IPv4 to its IPv4-mapped IPv6 form", () => {
  assert.deepEqual(
    [...parseIpAddress("10.1.2.3")!],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 2, 3],
  );
  assert.deepEqual(
    parseIpAddress("::ffff:10.1.2.3"),
    parseIpAddress("10.1.2.3"),
  );
  assert.deepEqual(
    parseIpAddress("0:0:0:0:0:ffff:0a01:0203"),
    parseIpAddress("10.1.2.3"),
  );
});

Deno.test("parseIpAddress reads compressed, bracketed and zoned IPv6", () => {
  const loopback = new Uint8Array(16);
  loopback[15] = 1;
  assert.deepEqual(parseIpAddress("::1"), loopback);
  assert.deepEqual(parseIpAddress("[::1]"), loopback);
  assert.deepEqual(parseIpAddress("0:0:0:0:0:0:0:1"), loopback);
  assert.deepEqual(parseIpAddress("::"), new Uint8Array(16));
  assert.deepEqual(parseIpAddress("fe80::1%eth0")?.[0], 0xfe);
  assert.deepEqual(
    [...parseIpAddress("2001:db8::8:800:200c:417a")!],
    [
      0x20,
      0x01,
      0x0d,
      0xb8,
      0,
      0,
      0,
      0,
      0,
      8,
      8,
      0,
      0x20,
      0x0c,
      0x41,
      0x7a,
    ],
  );
});

Deno.test("parseIpAddress rejects text that is not an address", () => {
  for (
    const text of [
      "",
      "10.1",
      "256.0.0.1",
      "01.2.3.4",
      "1.2.3.4.5",
      "1::2::3",
      ":::",
      "12345::",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7",
      "::ffff:1.2.3",
      "localhost",
      "g::1",
    ]
  ) {
    assert.deepEqual(parseIpAddress(text), undefined, text);
  }
});

Deno.test("parseCidr matches IPv4 blocks against IPv4 and mapped peers", () => {
  assert(contains("10.0.0.0/8", "10.255.1.2"));
  assert(contains("10.0.0.0/8", "::ffff:10.9.9.9"));
  assert(!contains("10.0.0.0/8", "11.0.0.1"));
  assert(contains("192.168.1.0/24", "192.168.1.77"));
  assert(!contains("192.168.1.0/24", "192.168.2.1"));
  assert(contains("192.168.1.7/24", "192.168.1.200"));
  assert(contains("0.0.0.0/0", "203.0.113.9"));
  assert(!contains("0.0.0.0/0", "::1"));
  assert(contains("172.16.0.0/12", "172.31.255.255"));
  assert(!contains("172.16.0.0/12", "172.32.0.0"));
});

Deno.test("parseCidr matches IPv6 blocks and single hosts", () => {
  assert(contains("::1/128", "::1"));
  assert(contains("::1", "::1"));
  assert(!contains("::1", "::2"));
  assert(contains("fd00::/8", "fdab:1234::5"));
  assert(!contains("fd00::/8", "fe80::1"));
  assert(contains("2001:db8::/33", "2001:db8:7fff::1"));
  assert(!contains("2001:db8::/33", "2001:db8:8000::1"));
  assert(contains("::ffff:0:0/96", "127.0.0.1"));
  assert(contains("10.0.0.7", "10.0.0.7"));
  assert(!contains("10.0.0.7", "10.0.0.8"));
});

Deno.test("parseCidr rejects malformed blocks with a message naming them", () => {
  for (
    const text of [
      "10.0.0.0/33",
      "::/129",
      "10.0.0.0/",
      "10.0.0.0/8/8",
      "10.0.0.0/-1",
      "10.0.0/8",
      "lab-pc/32",
    ]
  ) {
    const error = thrownBy(() => parseCidr(text));
    assert(error.message.includes(`"${text}"`), error.message);
  }
});

Deno.test("parseCidrList names the setting and every bad entry", () => {
  const error = thrownBy(() =>
    parseCidrList(["10.0.0.0/8", "10.0.0.300/8", "x"], "security.allowed_ips")
  );
  assert(error.message.startsWith("Cannot start with security.allowed_ips"));
  assert(error.message.includes('"10.0.0.300/8"'));
  assert(error.message.includes('"x"'));
  assert.deepEqual(parseCidrList(["::1", "10.0.0.0/8"], "k").length, 2);
});
