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

/**
 * Answers each line the port side sends, until the terminal closes.
 *
 * @param pty the pseudo-terminal
 * @param answer called per line; may write replies itself
 * @returns a promise that settles when the terminal closes
 */
export async function serveLines(
  pty: PseudoTerminal,
  answer: (line: string) => void | Promise<void>,
): Promise<void> {
  const decoder = new TextDecoder();
  const chunk = new Uint8Array(256);
  let pending = "";
  for (;;) {
    let count: number;
    try {
      count = await pty.read(chunk);
    } catch {
      return;
    }
    pending += decoder.decode(chunk.subarray(0, count));
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) await answer(line.trim());
  }
}
