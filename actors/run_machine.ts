/**
 * Runs a machine as a one-off child: start it, await its output, stop it.
 *
 * @module
 */

import {
  type AnyStateMachine,
  createActor,
  type InputFrom,
  type InspectionEvent,
  type OutputFrom,
  toPromise,
} from "xstate";
import type { Clock } from "../domain/clock.ts";

/** How a one-off machine runs. */
export interface RunOptions {
  /** Clock for the machine's delays. */
  clock: Clock;
  /** Inspection hook. */
  inspect?: (event: InspectionEvent) => void;
  /** Stops the machine, which cancels whatever it had invoked. */
  signal?: AbortSignal;
}

/**
 * Runs `machine` to its final state and returns its output.
 *
 * @throws the signal's reason when aborted, or the machine's error
 */
export async function runToCompletion<Machine extends AnyStateMachine>(
  machine: Machine,
  input: InputFrom<Machine>,
  options: RunOptions,
): Promise<OutputFrom<Machine>> {
  const { signal } = options;
  signal?.throwIfAborted();
  const actor = createActor(machine, {
    input,
    clock: options.clock,
    inspect: options.inspect,
  });
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    actor.start();
    return await Promise.race([toPromise(actor), aborted]);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    actor.stop();
  }
}
