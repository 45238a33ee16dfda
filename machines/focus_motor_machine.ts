/**
 * The focus motor's lifecycle: idle at a known position, moving (until the
 * move has settled), in fault with the cause kept, or disconnected while
 * its port is away. Other actors send `focus.move` and get `focus.moved`
 * or `focus.failed` back; while disconnected the answer is an immediate
 * `focus.failed` naming the port and what to check. A move asked for while
 * one runs waits for it (the latest one only: an earlier waiting request
 * is answered as superseded), so no request goes unanswered.
 *
 * @module
 */

import {
  type AnyActorRef,
  assign,
  enqueueActions,
  fromPromise,
  sendTo,
  setup,
} from "xstate";
import type { Clock } from "../domain/clock.ts";
import type { FocusMotor } from "../drivers/types.ts";
import { describeError } from "./_errors.ts";
import { afterCommand } from "./_command_lifecycle.ts";
import { type LinkEvent, type LostLink, watchLink } from "./_device_link.ts";

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
  /** The motor's port while it is away; `null` when connected. */
  disconnection: LostLink | null;
  /** A move asked for during the running one, started after it. */
  queued: { zUm: number; replyTo: AnyActorRef } | null;
}

/** Events the focus motor machine accepts. */
export type FocusMotorEvent =
  | { type: "focus.move"; zUm: number; replyTo: AnyActorRef }
  | { type: "focus.reset" }
  | LinkEvent;

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
  actors: { moveFocus, watchLink },
  guards: {
    isDisconnected: ({ context }) => context.disconnection !== null,
    hasQueued: ({ context }) => context.queued !== null,
  },
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
    queueRequest: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== "focus.move") return;
      if (context.queued) {
        enqueue.sendTo(context.queued.replyTo, {
          type: "focus.failed",
          zUm: context.queued.zUm,
          message:
            `Cannot move focus to ${context.queued.zUm} um: a later move to ${event.zUm} um replaced it`,
        });
      }
      enqueue.assign({ queued: { zUm: event.zUm, replyTo: event.replyTo } });
    }),
    startQueued: assign(({ context }) => ({
      targetUm: context.queued?.zUm ?? null,
      replyTo: context.queued?.replyTo ?? null,
      queued: null,
    })),
    refuseQueued: enqueueActions(({ context, enqueue }) => {
      const queued = context.queued;
      if (!queued) return;
      enqueue.sendTo(queued.replyTo, {
        type: "focus.failed",
        zUm: queued.zUm,
        message: `Cannot move focus to ${queued.zUm} um: ${
          context.disconnection?.message ?? "its port is disconnected"
        }`,
      });
      enqueue.assign({ queued: null });
    }),
    recordDisconnection: assign(({ event }) => {
      if (event.type !== "link.disconnected") return {};
      return { disconnection: { port: event.port, message: event.message } };
    }),
    recordReconnection: assign(({ context }) => ({
      disconnection: null,
      fault: null,
      positionUm: context.motor.positionUm(),
    })),
    refuseMove: sendTo(
      ({ event }) => (event as { replyTo: AnyActorRef }).replyTo,
      ({ context, event }) => {
        const zUm = (event as { zUm: number }).zUm;
        return {
          type: "focus.failed",
          zUm,
          message: `Cannot move focus to ${zUm} um: ${
            context.disconnection?.message ?? "its port is disconnected"
          }`,
        };
      },
    ),
  },
}).createMachine({
  id: "focus_motor",
  context: ({ input }) => ({
    ...input,
    positionUm: input.motor.positionUm(),
    targetUm: null,
    replyTo: null,
    fault: null,
    disconnection: null,
    queued: null,
  }),
  invoke: {
    src: "watchLink",
    input: ({ context }) => ({
      sources: { focus_motor: context.motor },
    }),
  },
  initial: "idle",
  states: {
    idle: {
      on: {
        "focus.move": { target: "moving", actions: "acceptRequest" },
        "link.disconnected": {
          target: "disconnected",
          actions: "recordDisconnection",
        },
      },
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
          target: "settled",
          actions: [
            "recordPosition",
            {
              type: "replyMoved",
              params: ({ event }) => ({ elapsedMs: event.output }),
            },
          ],
        },
        onError: {
          target: "failed",
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
          target: "failed",
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
      on: {
        // The move under way fails by itself once its port is gone; the
        // loss is noted so the machine ends up disconnected, not idle.
        "link.disconnected": { actions: "recordDisconnection" },
        "link.connected": { actions: "recordReconnection" },
        "focus.move": { actions: "queueRequest" },
      },
    },
    settled: afterCommand("moving", "idle"),
    failed: afterCommand("moving", "fault"),
    fault: {
      on: {
        "focus.move": { target: "moving", actions: "acceptRequest" },
        "focus.reset": { target: "idle", actions: "clearFault" },
        "link.disconnected": {
          target: "disconnected",
          actions: "recordDisconnection",
        },
      },
    },
    disconnected: {
      on: {
        "focus.move": { actions: "refuseMove" },
        "link.disconnected": { actions: "recordDisconnection" },
        "link.connected": { target: "idle", actions: "recordReconnection" },
      },
    },
  },
});
