/**
 * The devices as an async step sees them while it owns the scanner
 * (calibration, the simulator's scan positioning): every move still goes
 * through the turret and focus motor actors, so their state stays true.
 *
 * @module
 */

import type {
  AnyActorRef,
  AnyStateMachine,
  InputFrom,
  InspectionEvent,
  OutputFrom,
} from "xstate";
import type { Clock } from "../domain/clock.ts";
import type { LensId } from "../domain/lens.ts";
import { DeviceError } from "../drivers/errors.ts";
import type { TurretReply } from "../machines/turret_machine.ts";
import type { FocusMotorReply } from "../machines/focus_motor_machine.ts";
import { ask } from "./ask.ts";
import { runToCompletion } from "./run_machine.ts";

/** The actors a session talks to. */
export interface DeviceSessionOptions {
  /** The turret actor. */
  turretRef: AnyActorRef;
  /** The focus motor actor. */
  focusRef: AnyActorRef;
  /** Clock for timing. */
  clock: Clock;
  /** Inspection hook passed on to machines the session runs. */
  inspect?: (event: InspectionEvent) => void;
}

/** Turret and focus moves as awaitable calls, plus runs of child machines. */
export class DeviceSession {
  #options: DeviceSessionOptions;

  /** @param options the actors to talk to */
  constructor(options: DeviceSessionOptions) {
    this.#options = options;
  }

  /** The focus motor actor, for machines that move focus themselves. */
  get focusRef(): AnyActorRef {
    return this.#options.focusRef;
  }

  /** The turret actor. */
  get turretRef(): AnyActorRef {
    return this.#options.turretRef;
  }

  /**
   * Puts `lens` in place.
   *
   * @returns the switch time, ms
   * @throws {DeviceError} naming the turret when the switch fails
   */
  async switchLens(lens: LensId, signal?: AbortSignal): Promise<number> {
    const reply = await ask<TurretReply>(
      this.#options.turretRef,
      (replyTo) => ({ type: "turret.switch", lens, replyTo }),
      ["turret.switched", "turret.failed"],
      signal,
    );
    if (reply.type === "turret.failed") {
      throw new DeviceError("turret", reply.message);
    }
    return reply.elapsedMs;
  }

  /**
   * Moves focus to `zUm` and waits for it to settle.
   *
   * @returns the settled position and the move time
   * @throws {DeviceError} naming the focus motor when the move fails
   */
  async moveFocus(
    zUm: number,
    signal?: AbortSignal,
  ): Promise<{ zUm: number; elapsedMs: number }> {
    const reply = await ask<FocusMotorReply>(
      this.#options.focusRef,
      (replyTo) => ({ type: "focus.move", zUm, replyTo }),
      ["focus.moved", "focus.failed"],
      signal,
    );
    if (reply.type === "focus.failed") {
      throw new DeviceError("focus_motor", reply.message);
    }
    return { zUm: reply.zUm, elapsedMs: reply.elapsedMs };
  }

  /**
   * Runs a machine to its final state on this session's clock and returns
   * its output; aborting the signal stops it.
   */
  run<Machine extends AnyStateMachine>(
    machine: Machine,
    input: InputFrom<Machine>,
    signal?: AbortSignal,
  ): Promise<OutputFrom<Machine>> {
    return runToCompletion(machine, input, {
      clock: this.#options.clock,
      inspect: this.#options.inspect,
      signal,
    });
  }
}
