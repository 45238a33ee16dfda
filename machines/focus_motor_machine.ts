/**
 * The focus motor's lifecycle: idle at a known position, moving (until the
 * move has settled), or in fault with the cause kept. Other actors send
 * `focus.move` and get `focus.moved` or `focus.failed` back.
 *
 * @module
 */

import { type AnyActorRef, assign, fromPromise, sendTo, setup } from "xstate";
import type { Clock } from "../domain/clock.ts";
import type { FocusMotor } from "../drivers/types.ts";
import { describeError } from "./_errors.ts";

/** What the focus motor machine starts with. */
export interface FocusMotorInput {
  /** The focus motor driver. */
  motor: FocusMotor;
  /** Clock that times moves. */
  clock: Clock;
  /** Slowest focus speed of any lens, um/s: bounds how long a move takes. */
  slowestSpeedUmPerS: number;
  /** Longest settle time of any lens, ms. */
  longestSettleMs: number;
}

/** The focus motor machine's context. */
export interface FocusMotorContext extends FocusMotorInput {
  /** Last settled position, um. */
  positionUm: number;
  /** Position being moved to, um. */
  targetUm: number | null;
  /** Who asked for the running move. */
  replyTo: AnyActorRef | null;
  /** Why the last move failed. */
  fault: string | null;
}

/** Events the focus motor machine accepts. */
export type FocusMotorEvent =
  | { type: "focus.move"; zUm: number; replyTo: AnyActorRef }
  | { type: "focus.reset" };

/** Replies the focus motor machine sends to whoever asked. */
export type FocusMotorReply =
  | { type: "focus.moved"; zUm: number; elapsedMs: number }
  | { type: "focus.failed"; zUm: number; message: string };

/** Extra time allowed beyond the expected move, ms. */
const MOVE_TIMEOUT_MARGIN_MS = 250;

/** Moves the motor and measures how long it took to settle. */
const moveFocus = fromPromise<
  number,
  { motor: FocusMotor; zUm: number; clock: Clock }
>(async ({ input, signal }) => {
  const startedMs = input.clock.now();
  await input.motor.moveTo(input.zUm, signal);
  return input.clock.now() - startedMs;
});

/**
 * How long a move from `fromUm` to `toUm` may take before it counts as
 * failed: three times the expected travel and settle, plus a margin, so a
 * slow but healthy move is never cut short.
 */
export function moveTimeoutMs(
  context: Pick<
    FocusMotorContext,
    "slowestSpeedUmPerS" | "longestSettleMs"
  >,
  fromUm: number,
  toUm: number,
): number {
  const travelMs = Math.abs(toUm - fromUm) / context.slowestSpeedUmPerS * 1000;
  return 3 * (travelMs + context.longestSettleMs) + MOVE_TIMEOUT_MARGIN_MS;
}

/** The focus motor machine; give it a driver through `input`. */
export const focusMotorMachine = setup({
  types: {
    context: {} as FocusMotorContext,
    input: {} as FocusMotorInput,
    events: {} as FocusMotorEvent,
  },
  actors: { moveFocus },
  delays: {
    moveTimeout: ({ context }) =>
      moveTimeoutMs(context, context.positionUm, context.targetUm ?? 0),
  },
  actions: {
    acceptRequest: assign(({ event }) => {
      if (event.type !== "focus.move") return {};
      return { targetUm: event.zUm, replyTo: event.replyTo };
    }),
    recordPosition: assign(({ context }) => ({
      positionUm: context.motor.positionUm(),
      fault: null,
    })),
    recordFault: assign(({ context }, params: { message: string }) => ({
      positionUm: context.motor.positionUm(),
      fault: params.message,
    })),
    replyMoved: sendTo(
      ({ context }) => context.replyTo!,
      ({ context }, params: { elapsedMs: number }) => ({
        type: "focus.moved",
        zUm: context.positionUm,
        elapsedMs: params.elapsedMs,
      }),
    ),
    replyFailed: sendTo(
      ({ context }) => context.replyTo!,
      ({ context }) => ({
        type: "focus.failed",
        zUm: context.targetUm ?? Number.NaN,
        message: context.fault ?? "unknown focus motor fault",
      }),
    ),
    clearFault: assign({ fault: null }),
  },
}).createMachine({
  id: "focus_motor",
  context: ({ input }) => ({
    ...input,
    positionUm: input.motor.positionUm(),
    targetUm: null,
    replyTo: null,
    fault: null,
  }),
  initial: "idle",
  states: {
    idle: {
      on: { "focus.move": { target: "moving", actions: "acceptRequest" } },
    },
    moving: {
      invoke: {
        src: "moveFocus",
        input: ({ context }) => ({
          motor: context.motor,
          zUm: context.targetUm!,
          clock: context.clock,
        }),
        onDone: {
          target: "idle",
          actions: [
            "recordPosition",
            {
              type: "replyMoved",
              params: ({ event }) => ({ elapsedMs: event.output }),
            },
          ],
        },
        onError: {
          target: "fault",
          actions: [
            {
              type: "recordFault",
              params: ({ event }) => ({
                message: describeError("focus_motor", event.error),
              }),
            },
            "replyFailed",
          ],
        },
      },
      after: {
        moveTimeout: {
          target: "fault",
          actions: [
            {
              type: "recordFault",
              params: ({ context }) => ({
                message:
                  `focus motor did not settle at ${context.targetUm} um in time; check the piezo controller and its cable`,
              }),
            },
            "replyFailed",
          ],
        },
      },
    },
    fault: {
      on: {
        "focus.move": { target: "moving", actions: "acceptRequest" },
        "focus.reset": { target: "idle", actions: "clearFault" },
      },
    },
  },
});
