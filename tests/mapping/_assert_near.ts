/**
 * Numeric assertions for the mapping tests.
 *
 * @module
 */

import assert from "node:assert/strict";

/**
 * Asserts |actual - expected| <= tolerance.
 *
 * @param actual the value computed
 * @param expected the value wanted
 * @param tolerance the largest allowed difference
 * @param what a name for the message
 */
export function assertNear(
  actual: number,
  expected: number,
  tolerance: number,
  what = "value",
): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what} ${actual} differs from ${expected} by more than ${tolerance}`,
  );
}

/**
 * Asserts that a call throws an error of the class whose message holds a
 * fragment.
 *
 * @param call the code expected to throw
 * @param errorClass the class the error must be
 * @param fragment text the message must contain
 */
export function assertThrowsWith(
  call: () => unknown,
  errorClass: new (...args: never[]) => Error,
  fragment: string,
): void {
  assert.throws(call, (error: unknown) => {
    assert.ok(error instanceof errorClass, `threw ${String(error)}`);
    assert.ok(
      error.message.includes(fragment),
      `message "${error.message}" lacks "${fragment}"`,
    );
    return true;
  });
}
