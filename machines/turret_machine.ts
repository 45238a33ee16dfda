/**
 * The lens turret's lifecycle: idle with a known lens, switching, or in
 * fault with the cause kept. Other actors ask it to switch with
 * `turret.switch` and get `turret.switched` or `turret.failed` back.
 *
 * @module
 */

import { type AnyActorRef, assign, fromPromise, sendTo, setup } from "xstate";
import type { Clock } from "../domain/clock.ts";
import type { LensId } from "../domain/lens.ts";
import type { Turret } from "../drivers/types.ts";
import { describeError } from "./_errors.ts";

/** What the turret machine starts with. */
export interface TurretInput {
  /** The turret driver. */
  turret: Turret;
  /** Clock that times switches. */
  clock: Clock;
  /** Longest a switch may take before the machine gives up, ms. */
  switchTimeoutMs: number;
}

/** The turret machine's context. */
export interface TurretContext extends TurretInput {
  /** Lens known to be in place; `null` while unknown. */
  lens: LensId | null;
  /** Lens being switched to. */
  targetLens: LensId | null;
  /** Who asked for the running switch. */
  replyTo: AnyActorRef | null;
  /** Why the last switch failed. */
  fault: string | null;
}

/** Events the turret machine accepts. */
export type TurretEvent =
  | { type: "turret.switch"; lens: LensId; replyTo: AnyActorRef }
  | { type: "turret.reset" };

/** Replies the turret machine sends to whoever asked. */
export type TurretReply =
  | { type: "turret.switched"; lens: LensId; elapsedMs: number }
  | { type: "turret.failed"; lens: LensId; message: string };

/** Switches a lens on the driver and measures how long it took. */
const switchLens = fromPromise<
  number,
  { turret: Turret; lens: LensId; clock: Clock }
>(async ({ input, signal }) => {
  const startedMs = input.clock.now();
  if (input.turret.currentLens() !== input.lens) {
    await input.turret.switchTo(input.lens, signal);
  }
  return input.clock.now() - startedMs;
});

/** The turret machine; give it a driver through `input`. */
export const turretMachine = setup({
  types: {
    context: {} as TurretContext,
    input: {} as TurretInput,
    events: {} as TurretEvent,
  },
  actors: { switchLens },
  delays: {
    switchTimeout: ({ context }) => context.switchTimeoutMs,
  },
  actions: {
    acceptRequest: assign(({ event }) => {
      if (event.type !== "turret.switch") return {};
      return { targetLens: event.lens, replyTo: event.replyTo };
    }),
    recordLens: assign(({ context }) => ({
      lens: context.turret.currentLens(),
      fault: null,
    })),
    recordFault: assign(({ context }, params: { message: string }) => ({
      lens: context.turret.currentLens(),
      fault: params.message,
    })),
    replySwitched: sendTo(
      ({ context }) => context.replyTo!,
      ({ context }, params: { elapsedMs: number }) => ({
        type: "turret.switched",
        lens: context.targetLens!,
        elapsedMs: params.elapsedMs,
      }),
    ),
    replyFailed: sendTo(
      ({ context }) => context.replyTo!,
      ({ context }) => ({
        type: "turret.failed",
        lens: context.targetLens!,
        message: context.fault ?? "unknown turret fault",
      }),
    ),
    clearFault: assign({ fault: null }),
  },
}).createMachine({
  id: "turret",
  context: ({ input }) => ({
    ...input,
    lens: input.turret.currentLens(),
    targetLens: null,
    replyTo: null,
    fault: null,
  }),
  initial: "idle",
  states: {
    idle: {
      on: {
        "turret.switch": { target: "switching", actions: "acceptRequest" },
      },
    },
    switching: {
      invoke: {
        src: "switchLens",
        input: ({ context }) => ({
          turret: context.turret,
          lens: context.targetLens!,
          clock: context.clock,
        }),
        onDone: {
          target: "idle",
          actions: [
            "recordLens",
            {
              type: "replySwitched",
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
                message: describeError("turret", event.error),
              }),
            },
            "replyFailed",
          ],
        },
      },
      after: {
        switchTimeout: {
          target: "fault",
          actions: [
            {
              type: "recordFault",
              params: ({ context }) => ({
                message:
                  `turret did not report lens ${context.targetLens} in place within ${context.switchTimeoutMs} ms; check the turret cable and power`,
              }),
            },
            "replyFailed",
          ],
        },
      },
    },
    fault: {
      on: {
        "turret.switch": { target: "switching", actions: "acceptRequest" },
        "turret.reset": { target: "idle", actions: "clearFault" },
      },
    },
  },
});
