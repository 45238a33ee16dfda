/**
 * Fault injection for the simulated devices, so tests can make the next
 * command fail the way real hardware does.
 *
 * @module
 */

import type { Clock } from "../../domain/clock.ts";
import {
  DeviceDisconnectedError,
  DeviceFaultError,
  DeviceTimeoutError,
} from "../errors.ts";
import type { DeviceKind } from "../types.ts";

/**
 * How the next command fails:
 * - `fault`: the device answers with an error reply (`DeviceFaultError`),
 *   after the command's normal duration;
 * - `timeout`: the device stays silent until the driver's timeout
 *   (`DeviceTimeoutError`);
 * - `hang`: the device never answers; only the caller's signal ends it;
 * - `disconnect`: the port is gone (`DeviceDisconnectedError`) at once.
 */
export type FaultKind = "fault" | "timeout" | "hang" | "disconnect";

/** A queue of failures to act out on the next commands. */
export class FaultPlan {
  #queue: FaultKind[] = [];

  /**
   * Makes the next `times` commands fail with `kind`.
   *
   * @param kind how they fail
   * @param times how many commands, 1 by default
   */
  failNext(kind: FaultKind, times = 1): void {
    for (let i = 0; i < times; i++) this.#queue.push(kind);
  }

  /** The failure planned for the command about to run, if any. */
  take(): FaultKind | undefined {
    return this.#queue.shift();
  }
}

/** Where and how a fault is acted out. */
export interface FaultContext {
  /** The failing device. */
  device: DeviceKind;
  /** The clock the device waits on. */
  clock: Clock;
  /** The command, for messages ("switch to lens B"). */
  command: string;
  /** What a fault reply says ("ERROR"). */
  reply: string;
  /** How long the command normally takes, ms. */
  durationMs: number;
  /** The driver's reply timeout, ms. */
  timeoutMs: number;
  /** The caller's signal. */
  signal?: AbortSignal;
}

/**
 * Waits as the failing device would, then throws its error.
 *
 * @param kind how the command fails
 * @param context the command and timings
 * @throws {DeviceFaultError|DeviceTimeoutError|DeviceDisconnectedError}
 *   as `kind` says, or the abort reason when the signal fires first
 */
export async function actOutFault(
  kind: FaultKind,
  context: FaultContext,
): Promise<never> {
  const { device, clock, command, signal } = context;
  switch (kind) {
    case "disconnect":
      throw new DeviceDisconnectedError(
        device,
        `Cannot ${command}: the simulated ${device} port is gone; reconnect it and initialise again`,
      );
    case "fault":
      await clock.sleep(context.durationMs, signal);
      throw new DeviceFaultError(
        device,
        `Cannot ${command}: the ${device} replied "${context.reply}"; check the device and retry`,
        context.reply,
      );
    case "timeout":
      await clock.sleep(context.timeoutMs, signal);
      throw new DeviceTimeoutError(
        device,
        `Cannot ${command}: the ${device} did not answer within ${context.timeoutMs} ms; check its cable and power`,
        context.timeoutMs,
      );
    case "hang":
      return await new Promise<never>((_resolve, reject) => {
        if (signal?.aborted) reject(signal.reason);
        signal?.addEventListener("abort", () => reject(signal.reason), {
          once: true,
        });
      });
  }
}
