/**
 * The running controller: the scanner's devices, the supervisor actor and
 * the questions the HTTP layer and the CLI ask of them. This is the one
 * place that turns configuration into a live system.
 *
 * @module
 */

import { type Actor, createActor, type InspectionEvent } from "xstate";
import type { Config } from "../config/schema.ts";
import { lensProfiles } from "../config/lenses.ts";
import { type Clock, RealClock } from "../domain/clock.ts";
import type { DeviceKind, Scanner } from "../drivers/types.ts";
import { createScanner } from "../drivers/create_scanner.ts";
import type { SimulatedWorld } from "../drivers/simulated/world.ts";
import { mappingOptionsFromConfig } from "../mapping/parfocal_mapping.ts";
import type { MappingReport } from "../mapping/types.ts";
import {
  type SupervisorEmitted,
  type SupervisorEvent,
  supervisorMachine,
  type SupervisorPhase,
} from "../machines/supervisor_machine.ts";
import type { HandoffResult } from "../machines/handoff_types.ts";
import type { AutofocusResult } from "../machines/autofocus_machine.ts";
import type { LensId } from "../domain/lens.ts";
import type { CalibrationReport } from "../machines/calibration_machine.ts";
import { handoffSettings } from "./handoff_settings.ts";
import {
  type PerformanceStats,
  summarisePerformance,
} from "./performance_stats.ts";
import { LabOperations, type LabOperationsOptions } from "./lab_operations.ts";

/** How a service is started. */
export interface ScannerServiceOptions {
  /** Clock for devices and machines; the wall clock by default. */
  clock?: Clock;
  /** Watches every actor (the XState inspector). */
  inspect?: (event: InspectionEvent) => void;
  /** Handoff results kept in memory for statistics; 1000 by default. */
  historySize?: number;
  /**
   * Calibrate at start when there is no calibration file and the scanner
   * can (the simulator); true by default.
   */
  selfCalibrate?: boolean;
  /**
   * Run the lab operations (history, monitor, metrics, telemetry,
   * maintenance) with these options; none when absent, as in most tests.
   */
  lab?: LabOperationsOptions;
}

/** The answer to a handoff request. */
export type HandoffOutcome =
  | { kind: "completed"; result: HandoffResult }
  | { kind: "rejected"; reason: "busy" | "not_ready"; message: string };

/** The answer to an autofocus request. */
export type AutofocusOutcome =
  | { kind: "completed"; result: AutofocusResult }
  | { kind: "rejected"; reason: "busy" | "not_ready"; message: string };

/** The answer to a calibration request. */
export type CalibrationStartOutcome =
  | { accepted: true }
  | { accepted: false; message: string };

/** Phases in which the system counts as up for `/health`. */
const UP_PHASES: readonly SupervisorPhase[] = ["ready", "busy"];

/**
 * Share of the lenses' common z range that calibration covers; the margin
 * keeps lens-B focus, which sits beside lens-A focus, inside lens B's range.
 */
const CALIBRATED_SHARE_OF_RANGE = 0.8;

/** Share of the configured points that a routine calibration collects. */
const ROUTINE_POINT_FRACTION = 0.6;

/** Time the turret machine waits beyond the driver's own switch timeout. */
const SWITCH_BACKSTOP_MARGIN_MS = 100;

/** A running scanner controller. */
export class ScannerService {
  /** The validated configuration. */
  readonly config: Config;
  /** The devices. */
  readonly scanner: Scanner;
  /** The simulated world, when the scanner is simulated. */
  readonly world?: SimulatedWorld;
  /** The clock everything runs on. */
  readonly clock: Clock;
  /** The supervisor actor. */
  readonly supervisor: Actor<typeof supervisorMachine>;
  #nextRequestId = 1;
  #lab: LabOperations | null = null;
  #sensorRead: Promise<unknown> | null = null;

  private constructor(
    config: Config,
    scanner: Scanner,
    world: SimulatedWorld | undefined,
    clock: Clock,
    options: ScannerServiceOptions,
  ) {
    this.config = config;
    this.scanner = scanner;
    this.world = world;
    this.clock = clock;
    const lenses = lensProfiles(config);
    const points = config.parfocal.calibration_points;
    const zRangeUm: [number, number] = [
      Math.max(lenses.A.zMinUm, lenses.B.zMinUm) * CALIBRATED_SHARE_OF_RANGE,
      Math.min(lenses.A.zMaxUm, lenses.B.zMaxUm) * CALIBRATED_SHARE_OF_RANGE,
    ];
    this.supervisor = createActor(supervisorMachine, {
      systemId: "supervisor",
      clock,
      inspect: options.inspect,
      input: {
        scanner,
        clock,
        lenses,
        handoff: handoffSettings(config),
        mappingOptions: mappingOptionsFromConfig(config),
        scannerName: config.system.name,
        calibrationFile: config.paths.calibration_file,
        calibrationPlan: {
          pointCount: points,
          zRangeUm,
          validationHandoffs: 10,
          holdOutEvery: 5,
        },
        routinePlan: {
          pointCount: Math.max(8, Math.round(points * ROUTINE_POINT_FRACTION)),
          zRangeUm,
          validationHandoffs: 5,
          holdOutEvery: 4,
        },
        defaultBrightness: config.hardware.illumination.default_brightness,
        // A backstop behind the driver's own reply timeout, whose message
        // names the port: switch time plus reply timeout, plus a margin.
        switchTimeoutMs: config.hardware.lens_turret.switch_time_ms +
          config.hardware.lens_turret.timeout_ms + SWITCH_BACKSTOP_MARGIN_MS,
        historySize: options.historySize ?? 1000,
        selfCalibrate: options.selfCalibrate ?? true,
      },
    });
  }

  /**
   * Builds the scanner from configuration and starts the supervisor.
   *
   * @throws {ConfigError} when a configured driver cannot be built
   */
  static async start(
    config: Config,
    options: ScannerServiceOptions = {},
  ): Promise<ScannerService> {
    const clock = options.clock ?? new RealClock();
    const { scanner, world } = await createScanner(config, { clock });
    const service = new ScannerService(config, scanner, world, clock, options);
    service.supervisor.start();
    if (options.lab) {
      try {
        service.#lab = LabOperations.start(service, options.lab);
      } catch (error) {
        await service.stop();
        throw error;
      }
    }
    return service;
  }

  /** The lab operations, when started with `lab`. */
  get lab(): LabOperations | null {
    return this.#lab;
  }

  /** Where the supervisor is in its lifecycle. */
  get phase(): SupervisorPhase {
    const snapshot = this.supervisor.getSnapshot();
    if (snapshot.matches("ready")) return "ready";
    if (snapshot.matches("handoff")) return "busy";
    if (snapshot.matches("calibrating")) {
      return snapshot.context.mapping ? "busy" : "calibrating";
    }
    if (snapshot.matches("uncalibrated")) return "uncalibrated";
    if (snapshot.matches("fault")) return "fault";
    return "starting";
  }

  /** Whether the system is up and can take handoffs. */
  get isUp(): boolean {
    return UP_PHASES.includes(this.phase);
  }

  /** Devices whose ports are gone, waiting to be reopened. */
  get disconnectedDevices(): DeviceKind[] {
    return Object.keys(
      this.supervisor.getSnapshot().context.lostLinks,
    ) as DeviceKind[];
  }

  /** A message explaining the current phase, if any. */
  get notice(): string | null {
    return this.supervisor.getSnapshot().context.notice;
  }

  /**
   * Resolves once start-up (device bring-up and any first calibration) has
   * ended, with the phase it ended in.
   */
  whenStarted(): Promise<SupervisorPhase> {
    return new Promise((resolve) => {
      const settled = () => !["starting", "calibrating"].includes(this.phase);
      if (settled()) {
        resolve(this.phase);
        return;
      }
      const subscription = this.supervisor.subscribe(() => {
        if (!settled()) return;
        subscription.unsubscribe();
        resolve(this.phase);
      });
    });
  }

  /**
   * Brings the devices up again after start-up failed (phase `fault`), for
   * when the cause named in the notice has been fixed.
   *
   * @returns whether a new start-up began (false in any other phase)
   */
  retryStart(): boolean {
    if (this.phase !== "fault") return false;
    this.supervisor.send({ type: "system.retry" });
    return true;
  }

  /** Asks for one handoff from lens-A focus `zSourceUm`. */
  requestHandoff(zSourceUm: number): Promise<HandoffOutcome> {
    if (this.#sensorRead) {
      return this.#sensorRead.then(() => this.requestHandoff(zSourceUm));
    }
    const requestId = `h${this.#nextRequestId++}`;
    return this.#ask(
      { type: "handoff.request", requestId, zSourceUm },
      "handoff.completed",
      "handoff.rejected",
    ).then((answer) =>
      answer.type === "handoff.completed"
        ? { kind: "completed", result: answer.result }
        : { kind: "rejected", reason: answer.reason, message: answer.message }
    );
  }

  /**
   * Runs autofocus with `lens`, starting from the latest focus confirmed
   * with it.
   */
  requestAutofocus(lens: LensId): Promise<AutofocusOutcome> {
    const requestId = `a${this.#nextRequestId++}`;
    return this.#ask(
      { type: "autofocus.request", requestId, lens },
      "autofocus.completed",
      "autofocus.rejected",
    ).then((answer) =>
      answer.type === "autofocus.completed"
        ? { kind: "completed", result: answer.result }
        : { kind: "rejected", reason: answer.reason, message: answer.message }
    );
  }

  /** Makes the calibration file on disk the one in force, when ready. */
  reloadCalibration(): void {
    this.supervisor.send({ type: "calibration.reload" });
  }

  /**
   * Sends a request and resolves with the emitted answer carrying its id;
   * a stopped supervisor answers that it has stopped.
   */
  #ask<
    Done extends SupervisorEmitted["type"],
    Rejected extends SupervisorEmitted["type"],
  >(
    event: SupervisorEvent & { requestId: string },
    doneType: Done,
    rejectedType: Rejected,
  ): Promise<
    Extract<SupervisorEmitted, { type: Done | Rejected }>
  > {
    type Answer = Extract<SupervisorEmitted, { type: Done | Rejected }>;
    return new Promise((resolve) => {
      const listen = (type: Done | Rejected) =>
        this.supervisor.on(type, (answer) => {
          if (
            (answer as { requestId?: string }).requestId !== event.requestId
          ) {
            return;
          }
          stop();
          resolve(answer as Answer);
        });
      const subscriptions = [listen(doneType), listen(rejectedType)];
      const stop = () => subscriptions.forEach((sub) => sub.unsubscribe());
      this.supervisor.send(event);
      if (this.supervisor.getSnapshot().status !== "active") {
        stop();
        resolve({
          type: rejectedType,
          requestId: event.requestId,
          reason: "not_ready",
          message: "The controller has stopped; restart the service",
        } as Answer);
      }
    });
  }

  /** Starts a calibration unless the devices are busy. */
  startCalibration(routine = false): CalibrationStartOutcome {
    const requestId = `c${this.#nextRequestId++}`;
    let outcome: CalibrationStartOutcome = {
      accepted: false,
      message: `The controller cannot calibrate while ${this.phase}`,
    };
    const started = this.supervisor.on("calibration.started", (event) => {
      if (event.requestId === requestId) outcome = { accepted: true };
    });
    const rejected = this.supervisor.on("calibration.rejected", (event) => {
      if (event.requestId === requestId) {
        outcome = { accepted: false, message: event.message };
      }
    });
    this.supervisor.send({ type: "calibration.start", requestId, routine });
    started.unsubscribe();
    rejected.unsubscribe();
    return outcome;
  }

  /**
   * Drops what the adaptive mapping learned since calibration.
   *
   * @returns false when there is no calibration to roll back to
   */
  rollbackMapping(): boolean {
    if (!this.supervisor.getSnapshot().context.mapping) return false;
    this.supervisor.send({ type: "mapping.rollback" });
    return true;
  }

  /** Resolves with the report of the next calibration that finishes. */
  nextCalibrationReport(): Promise<CalibrationReport> {
    return new Promise((resolve) => {
      const subscription = this.supervisor.on(
        "calibration.finished",
        (event) => {
          subscription.unsubscribe();
          resolve(event.report);
        },
      );
    });
  }

  /** Listens to what the supervisor emits; returns the unsubscribe. */
  on<Type extends SupervisorEmitted["type"]>(
    type: Type,
    handler: (event: Extract<SupervisorEmitted, { type: Type }>) => void,
  ): () => void {
    const subscription = this.supervisor.on(type, handler as never);
    return () => subscription.unsubscribe();
  }

  /**
   * Reads the temperature sensor, only while the controller is ready; a
   * handoff asked for meanwhile waits the few milliseconds of the reading,
   * so the two never overlap.
   *
   * @returns degrees C, or null when the controller is not ready
   * @throws {DeviceError} when the sensor fails
   */
  async readTemperatureC(signal?: AbortSignal): Promise<number | null> {
    if (this.phase !== "ready" || this.#sensorRead) return null;
    const reading = this.scanner.temperature.readC(signal);
    this.#sensorRead = reading.catch(() => undefined).finally(() => {
      this.#sensorRead = null;
    });
    return await reading;
  }

  /** The mapping cache's hits and misses, or null before calibration. */
  mappingCacheStats():
    | { hits: number; misses: number; hitRate: number }
    | null {
    return this.supervisor.getSnapshot().context.mapping?.cacheStats() ?? null;
  }

  /**
   * Performance of recent handoffs: from the history when the lab
   * operations run (so it survives restarts), else from memory.
   */
  performance(): PerformanceStats {
    if (this.#lab) return this.#lab.performance();
    const context = this.supervisor.getSnapshot().context;
    return summarisePerformance(
      context.recent,
      context.mapping?.cacheStats().hitRate ?? 0,
      context.totalHandoffs,
    );
  }

  /** The mapping's accuracy report, or `null` before calibration. */
  mappingReport(now = new Date()): MappingReport | null {
    return this.supervisor.getSnapshot().context.mapping?.report(now) ?? null;
  }

  /** The most recent handoff results, oldest first. */
  recentHandoffs(): readonly HandoffResult[] {
    return this.supervisor.getSnapshot().context.recent;
  }

  /** Calibration progress while one runs, and the last report. */
  calibrationStatus(): {
    running: boolean;
    progress: unknown;
    last: CalibrationReport | null;
  } {
    const snapshot = this.supervisor.getSnapshot();
    return {
      running: snapshot.matches("calibrating"),
      progress: snapshot.context.calibrationProgress,
      last: snapshot.context.lastCalibration,
    };
  }

  /** Stops the lab operations and the supervisor, and closes every device. */
  async stop(): Promise<void> {
    await this.#lab?.stop();
    this.supervisor.stop();
    await this.scanner.close();
  }
}
