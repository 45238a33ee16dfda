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

import { assign, emit, fromPromise, setup } from "xstate";
import type { Clock } from "../domain/clock.ts";
import type { LensId, LensProfile } from "../domain/lens.ts";
import type { DeviceKind, Scanner } from "../drivers/types.ts";
import type { MappingOptions } from "../mapping/parfocal_mapping.ts";
import type { ParfocalMapping } from "../mapping/parfocal_mapping.ts";
import { DeviceSession } from "../actors/device_session.ts";
import type { HandoffSettings } from "../actors/handoff_settings.ts";
import type { CalibrationPlan } from "../actors/calibration_steps.ts";
import { turretMachine } from "./turret_machine.ts";
import { focusMotorMachine } from "./focus_motor_machine.ts";
import { handoffMachine } from "./handoff_machine.ts";
import { type LinkEvent, type LostLink, watchLink } from "./_device_link.ts";
import type { HandoffResult } from "./handoff_types.ts";
import {
  calibrationMachine,
  type CalibrationProgress,
  type CalibrationReport,
} from "./calibration_machine.ts";
import {
  bringUpDevices,
  loadExistingCalibration,
  prepareIfSimulated,
} from "../actors/supervisor_services.ts";

/** What the supervisor is built from. */
export interface SupervisorInput {
  scanner: Scanner;
  clock: Clock;
  lenses: Record<LensId, LensProfile>;
  handoff: HandoffSettings;
  mappingOptions: MappingOptions;
  scannerName: string;
  calibrationFile: string;
  /** Calibration run at first start and on request. */
  calibrationPlan: CalibrationPlan;
  /** Routine recalibration: fewer points. */
  routinePlan: CalibrationPlan;
  /** Default illumination level set at start. */
  defaultBrightness: number;
  /** Longest a turret switch may take, ms. */
  switchTimeoutMs: number;
  /** Handoff results kept for statistics. */
  historySize: number;
  /** Calibrate at start when no calibration file exists (simulator only). */
  selfCalibrate: boolean;
}

/** Why the supervisor is not ready, for `/health`. */
export type SupervisorPhase =
  | "starting"
  | "calibrating"
  | "ready"
  | "busy"
  | "uncalibrated"
  | "fault";

interface SupervisorContext extends SupervisorInput {
  session: DeviceSession | null;
  mapping: ParfocalMapping | null;
  recent: HandoffResult[];
  totalHandoffs: number;
  requestId: string | null;
  zSourceUm: number;
  notice: string | null;
  calibrationProgress: CalibrationProgress | null;
  lastCalibration: CalibrationReport | null;
  routine: boolean;
  lostLinks: Partial<Record<DeviceKind, LostLink>>;
}

/** Events the supervisor accepts. */
export type SupervisorEvent =
  | { type: "handoff.request"; requestId: string; zSourceUm: number }
  | { type: "calibration.start"; requestId: string; routine?: boolean }
  | { type: "calibration.progress"; progress: CalibrationProgress }
  | { type: "mapping.rollback" }
  | { type: "system.retry" }
  | LinkEvent;

/** Events the supervisor emits to listeners. */
export type SupervisorEmitted =
  | { type: "handoff.completed"; requestId: string; result: HandoffResult }
  | {
    type: "handoff.rejected";
    requestId: string;
    reason: "busy" | "not_ready";
    message: string;
  }
  | { type: "calibration.started"; requestId: string }
  | {
    type: "calibration.rejected";
    requestId: string;
    message: string;
  }
  | { type: "calibration.progress"; progress: CalibrationProgress }
  | { type: "calibration.finished"; report: CalibrationReport }
  | { type: "status.changed"; phase: SupervisorPhase; notice: string | null }
  | {
    type: "device.link";
    device: DeviceKind;
    state: "connected" | "disconnected";
    port: string;
    message: string | null;
  };

function notReadyMessage(notice: string | null): string {
  return notice === null
    ? "The controller is starting; retry when /health says healthy"
    : `The controller is not ready: ${notice}`;
}

/** The supervisor machine. */
export const supervisorMachine = setup({
  types: {
    context: {} as SupervisorContext,
    input: {} as SupervisorInput,
    events: {} as SupervisorEvent,
    emitted: {} as SupervisorEmitted,
  },
  actors: {
    turret: turretMachine,
    focusMotor: focusMotorMachine,
    handoff: handoffMachine,
    calibration: calibrationMachine,
    watchLink,
    bringUpDevices: fromPromise<void, SupervisorInput>(({ input, signal }) =>
      bringUpDevices(input.scanner, input.defaultBrightness, signal)
    ),
    loadCalibration: fromPromise<ParfocalMapping, SupervisorInput>(
      ({ input }) => loadExistingCalibration(input),
    ),
    prepare: fromPromise<
      void,
      { session: DeviceSession; scanner: Scanner; zSourceUm: number }
    >(({ input, signal }) =>
      prepareIfSimulated(input.session, input.scanner, input.zSourceUm, signal)
    ),
  },
  guards: {
    canSelfCalibrate: ({ context }) =>
      context.selfCalibrate && context.scanner.stage !== undefined,
    hasMapping: ({ context }) => context.mapping !== null,
    isCalibrationMissing: ({ event }) =>
      (event as { error?: { kind?: string } }).error?.kind === "missing",
    isCalibrationComplete: ({ event }) =>
      (event as unknown as { output: CalibrationReport }).output.completed,
  },
  actions: {
    spawnDevices: assign(({ context, spawn }) => {
      const turretRef = spawn("turret", {
        id: "turret",
        systemId: "turret",
        input: {
          turret: context.scanner.turret,
          clock: context.clock,
          switchTimeoutMs: context.switchTimeoutMs,
        },
      });
      const focusRef = spawn("focusMotor", {
        id: "focus_motor",
        systemId: "focus_motor",
        input: {
          motor: context.scanner.focus,
          clock: context.clock,
          slowestSpeedUmPerS: Math.min(
            context.lenses.A.focusSpeedUmPerS,
            context.lenses.B.focusSpeedUmPerS,
          ),
          longestSettleMs: Math.max(
            context.lenses.A.settleMs,
            context.lenses.B.settleMs,
          ),
        },
      });
      return {
        session: new DeviceSession({
          turretRef,
          focusRef,
          clock: context.clock,
        }),
      };
    }),
    setNotice: assign((_, params: { notice: string | null }) => ({
      notice: params.notice,
    })),
    announce: emit(({ context }, params: { phase: SupervisorPhase }) => ({
      type: "status.changed" as const,
      phase: params.phase,
      notice: context.notice,
    })),
    acceptHandoff: assign(({ event }) =>
      event.type === "handoff.request"
        ? { requestId: event.requestId, zSourceUm: event.zSourceUm }
        : {}
    ),
    acceptCalibration: assign(({ event }) =>
      event.type === "calibration.start"
        ? { requestId: event.requestId, routine: event.routine ?? false }
        : { requestId: null, routine: false }
    ),
    emitCalibrationStarted: emit(({ context }) => ({
      type: "calibration.started" as const,
      requestId: context.requestId ?? "startup",
    })),
    rejectHandoff: emit(
      (
        { event },
        params: { reason: "busy" | "not_ready"; message: string },
      ) => ({
        type: "handoff.rejected" as const,
        requestId: event.type === "handoff.request" ? event.requestId : "",
        reason: params.reason,
        message: params.message,
      }),
    ),
    rejectCalibration: emit(({ event }, params: { message: string }) => ({
      type: "calibration.rejected" as const,
      requestId: event.type === "calibration.start" ? event.requestId : "",
      message: params.message,
    })),
    recordHandoff: assign(({ context }, params: { result: HandoffResult }) => {
      const result = params.result;
      if (result.success && context.mapping) {
        context.mapping.recordValidation({
          zAUm: result.z_source,
          temperatureC: result.temperature_c,
          predictedZBUm: result.z_predicted,
          measuredZBUm: result.z_target,
          at: new Date(),
        });
      }
      return {
        recent: [...context.recent, result].slice(-context.historySize),
        totalHandoffs: context.totalHandoffs + 1,
      };
    }),
    emitHandoffCompleted: emit(
      ({ context }, params: { result: HandoffResult }) => ({
        type: "handoff.completed" as const,
        requestId: context.requestId ?? "",
        result: params.result,
      }),
    ),
    relayProgress: assign(({ event }) =>
      event.type === "calibration.progress"
        ? { calibrationProgress: event.progress }
        : {}
    ),
    emitProgress: emit(({ event }) => ({
      type: "calibration.progress" as const,
      progress: event.type === "calibration.progress"
        ? event.progress
        : { step: "verifying" as const, fraction: 0, message: "" },
    })),
    recordCalibration: assign(
      ({ context }, params: { report: CalibrationReport }) => ({
        lastCalibration: params.report,
        mapping: params.report.completed && params.report.mapping
          ? params.report.mapping
          : context.mapping,
        calibrationProgress: null,
      }),
    ),
    emitCalibrationFinished: emit((
      _,
      params: { report: CalibrationReport },
    ) => ({
      type: "calibration.finished" as const,
      report: params.report,
    })),
    rollbackMapping: ({ context }) => context.mapping?.rollback(),
    recordLinkLoss: assign(({ context, event }) => {
      if (event.type !== "link.disconnected") return {};
      return {
        lostLinks: {
          ...context.lostLinks,
          [event.device]: { port: event.port, message: event.message },
        },
        notice: event.message,
      };
    }),
    recordLinkBack: assign(({ context, event }) => {
      if (event.type !== "link.connected") return {};
      const { [event.device]: back, ...still } = context.lostLinks;
      const noticeWasLoss = back !== undefined &&
        context.notice === back.message;
      const others = Object.values(still) as LostLink[];
      const otherLoss = others[0]?.message ?? null;
      return {
        lostLinks: still,
        notice: noticeWasLoss ? otherLoss : context.notice,
      };
    }),
    emitLinkChange: emit(({ event }) => ({
      type: "device.link" as const,
      device: (event as LinkEvent).device,
      state: event.type === "link.connected"
        ? "connected" as const
        : "disconnected" as const,
      port: (event as LinkEvent).port,
      message: event.type === "link.disconnected" ? event.message : null,
    })),
    recordMapping: assign((_, params: { mapping: ParfocalMapping }) => ({
      mapping: params.mapping,
      notice: null,
    })),
  },
}).createMachine({
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
              notice: event.error instanceof Error
                ? event.error.message
                : String(event.error),
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
                notice: event.error instanceof Error
                  ? event.error.message
                  : String(event.error),
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
        "calibration.start": {
          target: "calibrating",
          actions: "acceptCalibration",
        },
      },
    },
    uncalibrated: {
      entry: { type: "announce", params: { phase: "uncalibrated" } },
      on: {
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
      on: {
        "handoff.request": {
          actions: {
            type: "rejectHandoff",
            params: {
              reason: "busy",
              message: "Another handoff is running; retry when it has finished",
            },
          },
        },
        "calibration.start": {
          actions: {
            type: "rejectCalibration",
            params: {
              message:
                "A handoff is running; start calibration when it has finished",
            },
          },
        },
      },
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
        "calibration.progress": { actions: ["relayProgress", "emitProgress"] },
        "handoff.request": {
          actions: {
            type: "rejectHandoff",
            params: {
              reason: "busy",
              message:
                "Calibration owns the devices; retry the handoff when it has finished",
            },
          },
        },
        "calibration.start": {
          actions: {
            type: "rejectCalibration",
            params: { message: "A calibration is already running" },
          },
        },
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
