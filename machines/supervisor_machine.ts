/**
 * The supervisor owns the scanner: it brings the devices up, loads (or on
 * the simulator, makes) a calibration, and runs one handoff or calibration
 * at a time. The turret and focus motor machines live as its children with
 * system ids; each handoff and calibration runs as an invoked child.
 *
 * Requests come in as events with a request id; answers go out as emitted
 * events (`handoff.completed`, `handoff.rejected`, `calibration.*`), which
 * the HTTP layer listens for.
 *
 * A device whose port goes away is listed in `lostLinks` and named in the
 * notice until it is back (`device.link` is emitted both ways); the turret
 * and focus machines refuse requests meanwhile.
 *
 * @module
 */

import { supervisorSetup } from "./_supervisor_setup.ts";
import { notReadyMessage } from "./supervisor_types.ts";
import type { CalibrationProgress } from "./calibration_machine.ts";
import { autofocusFromLatest, failedSearch } from "./_supervisor_autofocus.ts";
import { errorMessage } from "./_errors.ts";

/**
 * While `activity` owns the devices, every request is refused at once with
 * a message naming it, so no caller waits and no commands interleave.
 */
function busyRefusals(activity: string) {
  const refuse = {
    actions: { type: "refuseWhileBusy", params: { activity } },
  } as const;
  return {
    "handoff.request": refuse,
    "autofocus.request": refuse,
    "calibration.start": refuse,
  };
}

export type {
  SupervisorContext,
  SupervisorEmitted,
  SupervisorEvent,
  SupervisorInput,
  SupervisorPhase,
} from "./supervisor_types.ts";

/** The supervisor machine. */
export const supervisorMachine = supervisorSetup.createMachine({
  id: "supervisor",
  context: ({ input }) => ({
    ...input,
    session: null,
    mapping: null,
    recent: [],
    totalHandoffs: 0,
    requestId: null,
    zSourceUm: 0,
    notice: null,
    calibrationProgress: null,
    lastCalibration: null,
    routine: false,
    lostLinks: {},
    lastConfirmedUm: {},
    autofocusLens: "B",
  }),
  invoke: {
    src: "watchLink",
    input: ({ context }) => ({
      sources: {
        turret: context.scanner.turret,
        focus_motor: context.scanner.focus,
        illumination: context.scanner.illumination,
      },
    }),
  },
  initial: "starting",
  on: {
    "mapping.rollback": { guard: "hasMapping", actions: "rollbackMapping" },
    "link.disconnected": { actions: ["recordLinkLoss", "emitLinkChange"] },
    "link.connected": { actions: ["recordLinkBack", "emitLinkChange"] },
    // States that take requests answer them; every other state (start-up,
    // fault) refuses at once, so no caller waits for an answer forever.
    "handoff.request": {
      actions: {
        type: "rejectHandoff",
        params: ({ context }) => ({
          reason: "not_ready",
          message: notReadyMessage(context.notice),
        }),
      },
    },
    "calibration.start": {
      actions: {
        type: "rejectCalibration",
        params: ({ context }) => ({
          message: notReadyMessage(context.notice),
        }),
      },
    },
    "autofocus.request": {
      actions: {
        type: "rejectAutofocus",
        params: ({ context }) => ({
          reason: "not_ready",
          message: notReadyMessage(context.notice),
        }),
      },
    },
  },
  states: {
    starting: {
      entry: { type: "announce", params: { phase: "starting" } },
      invoke: {
        src: "bringUpDevices",
        input: ({ context }) => context,
        onDone: { target: "loadingCalibration", actions: "spawnDevices" },
        onError: {
          target: "fault",
          actions: {
            type: "setNotice",
            params: ({ event }) => ({
              notice: errorMessage(event.error),
            }),
          },
        },
      },
    },
    loadingCalibration: {
      invoke: {
        src: "loadCalibration",
        input: ({ context }) => context,
        onDone: {
          target: "ready",
          actions: {
            type: "recordMapping",
            params: ({ event }) => ({ mapping: event.output }),
          },
        },
        onError: [
          {
            guard: "isCalibrationMissing",
            target: "selfCalibrating",
          },
          {
            target: "uncalibrated",
            actions: {
              type: "setNotice",
              params: ({ event }) => ({
                notice: errorMessage(event.error),
              }),
            },
          },
        ],
      },
    },
    selfCalibrating: {
      always: [
        {
          guard: "canSelfCalibrate",
          target: "calibrating",
          actions: {
            type: "setNotice",
            params: {
              notice:
                "no calibration file: calibrating on the simulated scanner",
            },
          },
        },
        {
          target: "uncalibrated",
          actions: {
            type: "setNotice",
            params: ({ context }) => ({
              notice:
                `no calibration file at ${context.calibrationFile}: run 'main.ts calibrate' or restore a backup`,
            }),
          },
        },
      ],
    },
    ready: {
      entry: { type: "announce", params: { phase: "ready" } },
      on: {
        "handoff.request": { target: "handoff", actions: "acceptHandoff" },
        "autofocus.request": {
          target: "autofocusing",
          actions: "acceptAutofocus",
        },
        "calibration.reload": "reloadingCalibration",
        "calibration.start": {
          target: "calibrating",
          actions: "acceptCalibration",
        },
      },
    },
    uncalibrated: {
      entry: { type: "announce", params: { phase: "uncalibrated" } },
      on: {
        "autofocus.request": {
          target: "autofocusing",
          actions: "acceptAutofocus",
        },
        "handoff.request": {
          actions: {
            type: "rejectHandoff",
            params: ({ context }) => ({
              reason: "not_ready",
              message: `No calibration in force: ${context.notice ?? ""}`,
            }),
          },
        },
        "calibration.start": {
          target: "calibrating",
          actions: "acceptCalibration",
        },
      },
    },
    autofocusing: {
      entry: { type: "announce", params: { phase: "busy" } },
      initial: "switching",
      states: {
        switching: {
          invoke: {
            src: "switchLens",
            input: ({ context }) => ({
              session: context.session!,
              lens: context.autofocusLens,
            }),
            onDone: "searching",
            onError: {
              target: "#supervisor.afterRequest",
              actions: {
                type: "finishAutofocus",
                params: ({ event }) => ({
                  result: failedSearch(event.error),
                }),
              },
            },
          },
        },
        searching: {
          invoke: {
            src: "autofocus",
            systemId: "autofocus",
            input: ({ context }) =>
              autofocusFromLatest(context, context.autofocusLens),
            onDone: {
              target: "#supervisor.afterRequest",
              actions: {
                type: "finishAutofocus",
                params: ({ event }) => ({ result: event.output }),
              },
            },
          },
        },
      },
      on: busyRefusals("An autofocus"),
    },
    reloadingCalibration: {
      invoke: {
        src: "loadCalibration",
        input: ({ context }) => context,
        onDone: {
          target: "ready",
          actions: {
            type: "recordMapping",
            params: ({ event }) => ({ mapping: event.output }),
          },
        },
        onError: {
          target: "ready",
          actions: {
            type: "setNotice",
            params: ({ event }) => ({
              notice: `the calibration file could not be reloaded (${
                errorMessage(event.error)
              }); the calibration in force stays`,
            }),
          },
        },
      },
    },
    afterRequest: {
      always: [
        { guard: "hasMapping", target: "ready" },
        { target: "uncalibrated" },
      ],
    },
    handoff: {
      entry: { type: "announce", params: { phase: "busy" } },
      initial: "preparing",
      states: {
        preparing: {
          invoke: {
            src: "prepare",
            input: ({ context }) => ({
              session: context.session!,
              scanner: context.scanner,
              zSourceUm: context.zSourceUm,
            }),
            onDone: "running",
            // The handoff that follows talks to the same devices and
            // reports which one failed and how, so it is the one answer.
            onError: "running",
          },
        },
        running: {
          invoke: {
            src: "handoff",
            systemId: "handoff",
            input: ({ context }) => ({
              zSourceUm: context.zSourceUm,
              turretRef: context.session!.turretRef,
              focusRef: context.session!.focusRef,
              camera: context.scanner.camera,
              temperature: context.scanner.temperature,
              mapping: context.mapping!,
              clock: context.clock,
              lensB: context.lenses.B,
              strategy: context.handoff.strategy,
              metric: context.handoff.metric.B,
              concurrent: context.handoff.concurrent,
              maxFrames: context.handoff.maxFrames,
            }),
            onDone: {
              target: "#supervisor.ready",
              actions: [
                {
                  type: "recordHandoff",
                  params: ({ event }) => ({ result: event.output }),
                },
                {
                  type: "emitHandoffCompleted",
                  params: ({ event }) => ({ result: event.output }),
                },
              ],
            },
          },
        },
      },
      on: busyRefusals("A handoff"),
    },
    calibrating: {
      entry: [
        { type: "announce", params: { phase: "calibrating" } },
        "emitCalibrationStarted",
      ],
      invoke: {
        src: "calibration",
        systemId: "calibration",
        input: ({ context, self }) => ({
          env: {
            session: context.session!,
            scanner: context.scanner,
            clock: context.clock,
            lenses: context.lenses,
            handoff: context.handoff,
            mappingOptions: context.mappingOptions,
            scannerName: context.scannerName,
          },
          plan: context.routine ? context.routinePlan : context.calibrationPlan,
          calibrationFile: context.calibrationFile,
          onProgress: (progress: CalibrationProgress) =>
            self.send({ type: "calibration.progress", progress }),
        }),
        onDone: [
          {
            guard: "isCalibrationComplete",
            target: "ready",
            actions: [
              {
                type: "recordCalibration",
                params: ({ event }) => ({ report: event.output }),
              },
              {
                type: "setNotice",
                params: { notice: null },
              },
              {
                type: "emitCalibrationFinished",
                params: ({ event }) => ({ report: event.output }),
              },
            ],
          },
          {
            target: "afterFailedCalibration",
            actions: [
              {
                type: "recordCalibration",
                params: ({ event }) => ({ report: event.output }),
              },
              {
                type: "setNotice",
                params: ({ event }) => ({
                  notice:
                    `calibration failed at ${event.output.failedStep}: ${event.output.failure}; the previous calibration stays in force`,
                }),
              },
              {
                type: "emitCalibrationFinished",
                params: ({ event }) => ({ report: event.output }),
              },
            ],
          },
        ],
      },
      on: {
        ...busyRefusals("A calibration"),
        "calibration.progress": { actions: ["relayProgress", "emitProgress"] },
      },
    },
    afterFailedCalibration: {
      always: [
        { guard: "hasMapping", target: "ready" },
        { target: "uncalibrated" },
      ],
    },
    fault: {
      entry: { type: "announce", params: { phase: "fault" } },
      on: { "system.retry": "starting" },
    },
  },
});
