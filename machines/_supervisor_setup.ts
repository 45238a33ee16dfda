/**
 * The supervisor's implementations: the actors it invokes and spawns, its
 * guards and its actions. The statechart that uses them is in
 * `supervisor_machine.ts`.
 *
 * @module
 */

import { assign, emit, enqueueActions, fromPromise, setup } from "xstate";
import type { Scanner } from "../drivers/types.ts";
import type { LensId } from "../domain/lens.ts";
import type { ParfocalMapping } from "../mapping/parfocal_mapping.ts";
import { DeviceSession } from "../actors/device_session.ts";
import { turretMachine } from "./turret_machine.ts";
import { focusMotorMachine } from "./focus_motor_machine.ts";
import { handoffMachine } from "./handoff_machine.ts";
import { autofocusMachine, type AutofocusResult } from "./autofocus_machine.ts";
import { type LinkEvent, type LostLink, watchLink } from "./_device_link.ts";
import type { HandoffResult } from "./handoff_types.ts";
import {
  calibrationMachine,
  type CalibrationReport,
} from "./calibration_machine.ts";
import {
  bringUpDevices,
  loadExistingCalibration,
  prepareIfSimulated,
} from "../actors/supervisor_services.ts";
import type {
  SupervisorContext,
  SupervisorEmitted,
  SupervisorEvent,
  SupervisorInput,
  SupervisorPhase,
} from "./supervisor_types.ts";

/** The supervisor's setup, from which its machine is created. */
export const supervisorSetup = setup({
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
    autofocus: autofocusMachine,
    switchLens: fromPromise<number, { session: DeviceSession; lens: LensId }>(
      ({ input, signal }) => input.session.switchLens(input.lens, signal),
    ),
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
        lastConfirmedUm: result.success
          ? { A: result.z_source, B: result.z_target }
          : context.lastConfirmedUm,
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
    refuseWhileBusy: enqueueActions(
      ({ event, enqueue }, params: { activity: string }) => {
        const message =
          `${params.activity} is running and owns the devices; retry when it has finished`;
        if (event.type === "handoff.request") {
          enqueue.emit({
            type: "handoff.rejected",
            requestId: event.requestId,
            reason: "busy",
            message,
          });
        } else if (event.type === "autofocus.request") {
          enqueue.emit({
            type: "autofocus.rejected",
            requestId: event.requestId,
            reason: "busy",
            message,
          });
        } else if (event.type === "calibration.start") {
          enqueue.emit({
            type: "calibration.rejected",
            requestId: event.requestId,
            message,
          });
        }
      },
    ),
    acceptAutofocus: assign(({ event }) =>
      event.type === "autofocus.request"
        ? { requestId: event.requestId, autofocusLens: event.lens }
        : {}
    ),
    rejectAutofocus: emit(
      (
        { event },
        params: { reason: "busy" | "not_ready"; message: string },
      ) => ({
        type: "autofocus.rejected" as const,
        requestId: event.type === "autofocus.request" ? event.requestId : "",
        reason: params.reason,
        message: params.message,
      }),
    ),
    finishAutofocus: enqueueActions(
      ({ context, enqueue }, params: { result: AutofocusResult }) => {
        const { result } = params;
        if (result.outcome === "found" && result.zUm !== null) {
          enqueue.assign({
            lastConfirmedUm: {
              ...context.lastConfirmedUm,
              [context.autofocusLens]: result.zUm,
            },
          });
        }
        enqueue.emit({
          type: "autofocus.completed",
          requestId: context.requestId ?? "",
          lens: context.autofocusLens,
          result,
        });
      },
    ),
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
});
