/**
 * The dashboard's `status` event: phase, performance, mapping accuracy,
 * each device's state and the active alerts, read from the running
 * controller without touching a device.
 *
 * Limits: only the turret and the focus motor have actors with a state of
 * their own; the camera, the LED and the temperature sensor are shown from
 * the controller's phase and the last handoff that named them in a fault.
 *
 * @module
 */

import type { AnyActorRef } from "xstate";
import type { ScannerService } from "../actors/scanner_service.ts";
import type { PerformanceStats } from "../actors/performance_stats.ts";
import type { DeviceKind } from "../drivers/types.ts";
import type { CalibrationSummary } from "../mapping/types.ts";

/** One device as the dashboard lists it. */
export interface DeviceStatus {
  /** Which device. */
  kind: DeviceKind;
  /** `ready`, `busy`, `fault`, or the controller's phase before start-up. */
  state: string;
  /** The lens in place, the focus position or the fault's message. */
  detail: string | null;
}

/** An alert as the dashboard shows it. */
export interface AlertView {
  /** What is watched, e.g. `handoff_time`. */
  kind: string;
  /** What is wrong, in words. */
  message: string;
  /** The measured value. */
  value: number;
  /** The threshold it crossed. */
  threshold: number;
}

/** The `status` event's data. */
export interface StatusPayload {
  phase: string;
  notice: string | null;
  /** Seconds since the epoch. */
  system_time: number;
  performance: PerformanceStats;
  mapping: CalibrationSummary | null;
  devices: DeviceStatus[];
  alerts: AlertView[];
}

/** Device actors by system id, as the supervisor spawns them. */
const ACTOR_DEVICES: readonly [DeviceKind, string][] = [
  ["turret", "turret"],
  ["focus_motor", "focus_motor"],
];

/** Devices without an actor, shown from the controller's phase. */
const PLAIN_DEVICES: readonly DeviceKind[] = [
  "camera",
  "illumination",
  "temperature",
];

/** Actor state values and the words the dashboard shows for them. */
const STATE_WORDS: Record<string, string> = {
  idle: "ready",
  switching: "busy",
  moving: "busy",
  fault: "fault",
};

function actorDevice(
  kind: DeviceKind,
  actor: AnyActorRef | undefined,
  phase: string,
): DeviceStatus {
  if (!actor) return { kind, state: phase, detail: null };
  const snapshot = actor.getSnapshot();
  const value = typeof snapshot.value === "string"
    ? snapshot.value
    : Object.keys(snapshot.value ?? {})[0] ?? "unknown";
  const context = snapshot.context as {
    fault?: string | null;
    lens?: string | null;
    positionUm?: number;
  };
  const state = STATE_WORDS[value] ?? value;
  if (state === "fault") return { kind, state, detail: context.fault ?? null };
  if (kind === "turret") {
    return {
      kind,
      state,
      detail: context.lens ? `lens ${context.lens}` : null,
    };
  }
  return {
    kind,
    state,
    detail: typeof context.positionUm === "number"
      ? `at ${context.positionUm.toFixed(3)} um`
      : null,
  };
}

/**
 * Each device's state: the turret and focus motor from their actors, the
 * others from the controller's phase, or `fault` when the latest handoff
 * failed on them.
 *
 * @param service the running controller
 * @returns one entry per device kind
 */
export function deviceStates(service: ScannerService): DeviceStatus[] {
  const phase = service.phase;
  const upState = service.isUp ? "ready" : phase;
  const lastError = service.recentHandoffs().at(-1)?.error;
  const system = service.supervisor.system;

  const devices = ACTOR_DEVICES.map(([kind, systemId]) =>
    actorDevice(kind, system.get(systemId) as AnyActorRef | undefined, upState)
  );
  for (const kind of PLAIN_DEVICES) {
    devices.push(
      lastError?.device === kind
        ? { kind, state: "fault", detail: lastError.message }
        : { kind, state: upState, detail: null },
    );
  }
  return devices;
}

/**
 * The `status` event's data.
 *
 * @param service the running controller
 * @param alerts the active alerts
 * @returns everything the dashboard shows at a glance
 */
export function statusPayload(
  service: ScannerService,
  alerts: readonly AlertView[] = [],
): StatusPayload {
  return {
    phase: service.phase,
    notice: service.notice,
    system_time: Date.now() / 1000,
    performance: service.performance(),
    mapping: service.mappingReport()?.calibration ?? null,
    devices: deviceStates(service),
    alerts: [...alerts],
  };
}
