/**
 * The simulated lens turret. A switch takes
 * `hardware.lens_turret.switch_time_ms`; while it turns no objective is in
 * the light path. Tests make commands fail with {@linkcode SimulatedTurret.failNext}.
 *
 * @module
 */

import type { Clock, TimerId } from "../../domain/clock.ts";
import type { LensId } from "../../domain/lens.ts";
import { DeviceDisconnectedError } from "../errors.ts";
import type { Turret } from "../types.ts";
import { actOutFault, type FaultKind, FaultPlan } from "./faults.ts";
import type { SimulatedWorld } from "./world.ts";

/** A command round trip to the turret controller, ms. */
const COMMAND_MS = 1;

/** Options of {@linkcode SimulatedTurret}. */
export interface SimulatedTurretOptions {
  /** Time of a switch, ms; `hardware.lens_turret.switch_time_ms` by default. */
  switchTimeMs?: number;
  /** Reply timeout, ms; `hardware.lens_turret.timeout_ms` by default. */
  timeoutMs?: number;
  /** Clock to wait on; the world's by default. */
  clock?: Clock;
}

/** A turret that moves the world's objectives. */
export class SimulatedTurret implements Turret {
  readonly #world: SimulatedWorld;
  readonly #clock: Clock;
  readonly #switchTimeMs: number;
  readonly #timeoutMs: number;
  readonly #faults = new FaultPlan();
  #lens: LensId | null = null;
  #closed = false;
  #arrival: TimerId | undefined;

  /**
   * @param world the world whose light path the turret changes
   * @param options timings and clock; the world's configuration by default
   */
  constructor(world: SimulatedWorld, options: SimulatedTurretOptions = {}) {
    const config = world.config.hardware.lens_turret;
    this.#world = world;
    this.#clock = options.clock ?? world.clock;
    this.#switchTimeMs = options.switchTimeMs ?? config.switch_time_ms;
    this.#timeoutMs = options.timeoutMs ?? config.timeout_ms;
  }

  /**
   * Makes the next command(s) fail; see {@linkcode FaultKind}. A failed
   * switch leaves the lens unknown.
   *
   * @param kind how the command fails
   * @param times how many commands fail, 1 by default
   */
  failNext(kind: FaultKind, times = 1): void {
    this.#faults.failNext(kind, times);
  }

  /**
   * Brings the turret up. The lens in place stays unknown until a switch.
   *
   * @throws {DeviceError} when a fault was injected or the turret is closed
   */
  async init(signal?: AbortSignal): Promise<void> {
    this.#checkOpen("initialise the turret");
    const fault = this.#faults.take();
    if (fault) {
      await actOutFault(fault, this.#faultContext("initialise", signal));
    }
    await this.#clock.sleep(COMMAND_MS, signal);
  }

  /**
   * Turns `lens` into the light path; resolves once it is there. Aborting
   * stops the wait, not the turret, and leaves the lens unknown.
   *
   * @throws {DeviceError} when a fault was injected or the turret is closed
   */
  async switchTo(lens: LensId, signal?: AbortSignal): Promise<void> {
    this.#checkOpen(`switch to lens ${lens}`);
    signal?.throwIfAborted();
    const fault = this.#faults.take();
    if (fault) {
      this.#lens = null;
      this.#world.setLensInPath(null);
      await actOutFault(
        fault,
        this.#faultContext(`switch to lens ${lens}`, signal),
      );
    }

    if (this.#world.lensInPath() === lens && this.#arrival === undefined) {
      await this.#clock.sleep(COMMAND_MS, signal);
      this.#lens = lens;
      return;
    }

    this.#lens = null;
    this.#world.setLensInPath(null);
    if (this.#arrival !== undefined) this.#clock.clearTimeout(this.#arrival);
    // The turret finishes its turn even if the caller stops waiting.
    this.#arrival = this.#clock.setTimeout(() => {
      this.#arrival = undefined;
      this.#world.setLensInPath(lens);
    }, this.#switchTimeMs);
    await this.#clock.sleep(this.#switchTimeMs, signal);
    this.#lens = lens;
  }

  /** The lens known to be in place, `null` before a switch or after a failure. */
  currentLens(): LensId | null {
    return this.#lens;
  }

  /** Releases the turret; later commands throw `DeviceDisconnectedError`. */
  close(): Promise<void> {
    this.#closed = true;
    if (this.#arrival !== undefined) this.#clock.clearTimeout(this.#arrival);
    this.#arrival = undefined;
    return Promise.resolve();
  }

  #checkOpen(command: string): void {
    if (!this.#closed) return;
    throw new DeviceDisconnectedError(
      "turret",
      `Cannot ${command}: the simulated turret is closed; create a new scanner`,
    );
  }

  #faultContext(command: string, signal?: AbortSignal) {
    return {
      device: "turret" as const,
      clock: this.#clock,
      command,
      reply: "JAMMED",
      durationMs: this.#switchTimeMs,
      timeoutMs: this.#timeoutMs,
      signal,
    };
  }
}
