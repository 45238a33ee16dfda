/**
 * The lens turret's lifecycle: idle with a known lens, switching, in fault
 * with the cause kept, or disconnected while its port is away. Other
 * actors ask it to switch with `turret.switch` and get `turret.switched`
 * or `turret.failed` back; while disconnected the answer is an immediate
 * `turret.failed` naming the port and what to check. A switch asked for
 * while one runs waits for it (the latest one only: an earlier waiting
 * request is answered as superseded), so no request goes unanswered.
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
import type { LensId } from "../domain/lens.ts";
import type { Turret } from "../drivers/types.ts";
import { describeError } from "./_errors.ts";
import { afterCommand } from "./_command_lifecycle.ts";
import { type LinkEvent, type LostLink, watchLink } from "./_device_link.ts";

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
  /** The turret's port while it is away; `null` when connected. */
  disconnection: LostLink | null;
  /** A switch asked for during the running one, started after it. */
  queued: { lens: LensId; replyTo: AnyActorRef } | null;
}

/** Events the turret machine accepts. */
export type TurretEvent =
  | { type: "turret.switch"; lens: LensId; replyTo: AnyActorRef }
  | { type: "turret.reset" }
  | LinkEvent;

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
  actors: { switchLens, watchLink },
  guards: {
    isDisconnected: ({ context }) => context.disconnection !== null,
    hasQueued: ({ context }) => context.queued !== null,
  },
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
    queueRequest: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== "turret.switch") return;
      if (context.queued) {
        enqueue.sendTo(context.queued.replyTo, {
          type: "turret.failed",
          lens: context.queued.lens,
          message:
            `Cannot switch the turret to lens ${context.queued.lens}: a later request for lens ${event.lens} replaced it`,
        });
      }
      enqueue.assign({ queued: { lens: event.lens, replyTo: event.replyTo } });
    }),
    startQueued: assign(({ context }) => ({
      targetLens: context.queued?.lens ?? null,
      replyTo: context.queued?.replyTo ?? null,
      queued: null,
    })),
    refuseQueued: enqueueActions(({ context, enqueue }) => {
      const queued = context.queued;
      if (!queued) return;
      enqueue.sendTo(queued.replyTo, {
        type: "turret.failed",
        lens: queued.lens,
        message: `Cannot switch the turret to lens ${queued.lens}: ${
          context.disconnection?.message ?? "its port is disconnected"
        }`,
      });
      enqueue.assign({ queued: null });
    }),
    recordDisconnection: assign(({ context, event }) => {
      if (event.type !== "link.disconnected") return {};
      return {
        disconnection: { port: event.port, message: event.message },
        lens: context.turret.currentLens(),
      };
    }),
    recordReconnection: assign(({ context }) => ({
      disconnection: null,
      fault: null,
      lens: context.turret.currentLens(),
    })),
    refuseSwitch: sendTo(
      ({ event }) => (event as { replyTo: AnyActorRef }).replyTo,
      ({ context, event }) => {
        const lens = (event as { lens: LensId }).lens;
        return {
          type: "turret.failed",
          lens,
          message: `Cannot switch the turret to lens ${lens}: ${
            context.disconnection?.message ?? "its port is disconnected"
          }`,
        };
      },
    ),
  },
}).createMachine({
  id: "turret",
  context: ({ input }) => ({
    ...input,
    lens: input.turret.currentLens(),
    targetLens: null,
    replyTo: null,
    fault: null,
    disconnection: null,
    queued: null,
  }),
  invoke: {
    src: "watchLink",
    input: ({ context }) => ({
      sources: { turret: context.turret },
    }),
  },
  initial: "idle",
  states: {
    idle: {
      on: {
        "turret.switch": { target: "switching", actions: "acceptRequest" },
        "link.disconnected": {
          target: "disconnected",
          actions: "recordDisconnection",
        },
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
          target: "settled",
          actions: [
            "recordLens",
            {
              type: "replySwitched",
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
                message: describeError("turret", event.error),
              }),
            },
            "replyFailed",
          ],
        },
      },
      after: {
        switchTimeout: {
          target: "failed",
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
      on: {
        // The switch under way fails by itself once its port is gone; the
        // loss is noted so the machine ends up disconnected, not idle.
        "link.disconnected": { actions: "recordDisconnection" },
        "link.connected": { actions: "recordReconnection" },
        "turret.switch": { actions: "queueRequest" },
      },
    },
    settled: afterCommand("switching", "idle"),
    failed: afterCommand("switching", "fault"),
    fault: {
      on: {
        "turret.switch": { target: "switching", actions: "acceptRequest" },
        "turret.reset": { target: "idle", actions: "clearFault" },
        "link.disconnected": {
          target: "disconnected",
          actions: "recordDisconnection",
        },
      },
    },
    disconnected: {
      on: {
        "turret.switch": { actions: "refuseSwitch" },
        "link.disconnected": { actions: "recordDisconnection" },
        "link.connected": { target: "idle", actions: "recordReconnection" },
      },
    },
  },
});
