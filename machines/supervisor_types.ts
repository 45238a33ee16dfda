/**
 * The supervisor's input, context, events and what it emits: the contract
 * between the supervisor machine, its implementations and the service.
 *
 * @module
 */

import type { Clock } from "../domain/clock.ts";
import type { LensId, LensProfile } from "../domain/lens.ts";
import type { DeviceKind, Scanner } from "../drivers/types.ts";
import type {
  MappingOptions,
  ParfocalMapping,
} from "../mapping/parfocal_mapping.ts";
import type { DeviceSession } from "../actors/device_session.ts";
import type { HandoffSettings } from "../actors/handoff_settings.ts";
import type { CalibrationPlan } from "../actors/calibration_steps.ts";
import type { LinkEvent, LostLink } from "./_device_link.ts";
import type { HandoffResult } from "./handoff_types.ts";
import type { AutofocusResult } from "./autofocus_machine.ts";
import type {
  CalibrationProgress,
  CalibrationReport,
} from "./calibration_machine.ts";

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

/** The supervisor's context. */
export interface SupervisorContext extends SupervisorInput {
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
  /** Latest focus confirmed per lens, um: where the next search starts. */
  lastConfirmedUm: Partial<Record<LensId, number>>;
  /** The lens of the running autofocus request. */
  autofocusLens: LensId;
}

/** Events the supervisor accepts. */
export type SupervisorEvent =
  | { type: "handoff.request"; requestId: string; zSourceUm: number }
  | { type: "calibration.start"; requestId: string; routine?: boolean }
  | { type: "calibration.progress"; progress: CalibrationProgress }
  | { type: "autofocus.request"; requestId: string; lens: LensId }
  | { type: "calibration.reload" }
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
  | {
    type: "autofocus.completed";
    requestId: string;
    lens: LensId;
    result: AutofocusResult;
  }
  | {
    type: "autofocus.rejected";
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

/** The answer to a request the supervisor cannot take yet. */
export function notReadyMessage(notice: string | null): string {
  return notice === null
    ? "The controller is starting; retry when /health says healthy"
    : `The controller is not ready: ${notice}`;
}
