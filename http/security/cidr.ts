/**
 * IP addresses and CIDR blocks for the allowlist, IPv4 and IPv6 alike.
 *
 * Every address is held as 16 bytes: an IPv4 address becomes its
 * IPv4-mapped IPv6 form (`::ffff:a.b.c.d`), so `10.0.0.0/8` matches a peer
 * that a dual-stack socket reports as `::ffff:10.1.2.3`, and one comparison
 * routine serves both families.
 *
 * Limits: no hostnames, no IPv4 shorthand such as `10.1` or octal/hex
 * octets; zone ids (`fe80::1%eth0`) are accepted and ignored.
 *
 * @module
 */

/** An address as 16 bytes in network order (IPv4 in its mapped form). */
export type IpBytes = Uint8Array;

/** A parsed CIDR block. */
export interface CidrBlock {
  /** The entry as written in the configuration. */
  readonly source: string;
  /** The network address, 16 bytes, host bits cleared. */
  readonly network: IpBytes;
  /** Prefix length over the 128-bit form (an IPv4 /8 becomes /104). */
  readonly prefixBits: number;
}

const IPV4_MAPPED_PREFIX_BITS = 96;
const IPV4_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const octets: number[] = [];
  for (const part of parts) {
    if (!IPV4_OCTET.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    octets.push(value);
  }
  return octets;
}

function mapIpv4(octets: number[]): IpBytes {
  const bytes = new Uint8Array(16);
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  bytes.set(octets, 12);
  return bytes;
}

/** Parses the colon-separated groups on one side of `::` into 16-bit words. */
function parseGroups(text: string, allowTrailingIpv4: boolean) {
  if (text === "") return [];
  const words: number[] = [];
  const parts = text.split(":");
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index];
    if (allowTrailingIpv4 && index === parts.length - 1 && part.includes(".")) {
      const octets = parseIpv4(part);
      if (!octets) return undefined;
      words.push((octets[0] << 8) | octets[1], (octets[2] << 8) | octets[3]);
    } else {
      if (!IPV6_GROUP.test(part)) return undefined;
      words.push(parseInt(part, 16));
    }
  }
  return words;
}

function parseIpv6(text: string): IpBytes | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;

  let words: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0], false);
    const tail = parseGroups(halves[1], true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    const zeros = new Array(8 - head.length - tail.length).fill(0);
    words = [...head, ...zeros, ...tail];
  } else {
    const all = parseGroups(text, true);
    if (!all || all.length !== 8) return undefined;
    words = all;
  }

  const bytes = new Uint8Array(16);
  words.forEach((word, index) => {
    bytes[index * 2] = word >> 8;
    bytes[index * 2 + 1] = word & 0xff;
  });
  return bytes;
}

/**
 * Parses an IPv4 or IPv6 address as a socket reports it.
 *
 * @param text e.g. `127.0.0.1`, `::1`, `[::1]`, `::ffff:10.0.0.1`,
 *   `fe80::1%eth0`
 * @returns the 16-byte form, or `undefined` when `text` is not an address
 */
export function parseIpAddress(text: string): IpBytes | undefined {
  let address = text.trim();
  if (address.startsWith("[") && address.endsWith("]")) {
    address = address.slice(1, -1);
  }
  const zone = address.indexOf("%");
  if (zone >= 0) address = address.slice(0, zone);
  if (address.includes(":")) return parseIpv6(address);
  const octets = parseIpv4(address);
  return octets ? mapIpv4(octets) : undefined;
}

/**
 * Parses one CIDR block; a bare address is a block of one host.
 *
 * @param text e.g. `192.168.1.0/24`, `::1/128`, `fd00::/8`, `10.0.0.7`
 * @returns the block with host bits cleared
 * @throws {RangeError} naming the entry when it is not a valid block
 */
export function parseCidr(text: string): CidrBlock {
  const [addressText, prefixText, extra] = text.trim().split("/");
  const network = parseIpAddress(addressText);
  const isIpv4 = !addressText.includes(":");
  const maxBits = isIpv4 ? 32 : 128;
  const prefix = prefixText === undefined ? maxBits : Number(prefixText);
  const prefixValid = prefixText === undefined ||
    (/^[0-9]{1,3}$/.test(prefixText) && prefix <= maxBits);

  if (!network || extra !== undefined || !prefixValid) {
    throw new RangeError(
      `Cannot use "${text}" as an address block: write an IPv4 or IPv6 address with an optional /prefix (0..${maxBits}), e.g. 192.168.1.0/24 or fd00::/8`,
    );
  }

  const prefixBits = isIpv4 ? IPV4_MAPPED_PREFIX_BITS + prefix : prefix;
  return { source: text, network: maskTo(network, prefixBits), prefixBits };
}

function maskTo(bytes: IpBytes, prefixBits: number): IpBytes {
  const masked = new Uint8Array(16);
  for (let index = 0; index < 16; index++) {
    const bitsHere = Math.max(0, Math.min(8, prefixBits - index * 8));
    masked[index] = bytes[index] & ((0xff << (8 - bitsHere)) & 0xff);
  }
  return masked;
}

/**
 * Tells whether an address lies inside a block.
 *
 * @param block a block from {@linkcode parseCidr}
 * @param address a 16-byte address from {@linkcode parseIpAddress}
 * @returns true when the first `prefixBits` bits agree
 */
export function cidrContains(block: CidrBlock, address: IpBytes): boolean {
  const masked = maskTo(address, block.prefixBits);
  return masked.every((byte, index) => byte === block.network[index]);
}

/**
 * Parses every entry of a configured list, reporting all bad entries at once.
 *
 * @param entries the configured blocks
 * @param setting the configuration key, for the message
 * @returns the parsed blocks, in order
 * @throws {RangeError} naming the key and every entry that is not a block
 */
export function parseCidrList(
  entries: readonly string[],
  setting: string,
): CidrBlock[] {
  const blocks: CidrBlock[] = [];
  const problems: string[] = [];
  for (const entry of entries) {
    try {
      blocks.push(parseCidr(entry));
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) {
    throw new RangeError(
      `Cannot start with ${setting}: ${problems.join("; ")}`,
    );
  }
  return blocks;
}

/**
 * Tells whether an address lies in any of the blocks.
 *
 * @param blocks parsed blocks
 * @param address a 16-byte address
 */
export function inAnyBlock(
  blocks: readonly CidrBlock[],
  address: IpBytes,
): boolean {
  return blocks.some((block) => cidrContains(block, address));
}
