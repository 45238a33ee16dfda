/**
 * Helpers shared by the serial tests.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { PseudoTerminal } from "../../serial/pty.ts";

/**
 * The error `promise` rejects with, checked to be an instance of `type`.
 *
 * @param promise a promise expected to reject
 * @param type the expected error class
 * @returns the error
 */
export async function rejectionOf<T extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => T,
): Promise<T> {
  try {
    await promise;
  } catch (error) {
    assert(error instanceof type, `expected ${type.name}, got ${error}`);
    return error;
  }
  assert.fail(`expected ${type.name}, but the promise resolved`);
}

/**
 * Reads from the master side until `byteCount` bytes arrived.
 *
 * @param pty the pseudo-terminal
 * @param byteCount how many bytes to wait for
 * @returns the text received
 */
export async function readBytes(
  pty: PseudoTerminal,
  byteCount: number,
): Promise<string> {
  const decoder = new TextDecoder();
  const chunk = new Uint8Array(256);
  let text = "";
  while (text.length < byteCount) {
    const count = await pty.read(chunk);
    text += decoder.decode(chunk.subarray(0, count));
  }
  return text;
}
