/**
 * The simulated slide stage: brings a new field under the objective.
 *
 * @module
 */

import type { Clock } from "../../domain/clock.ts";
import type { FieldStage } from "../types.ts";
import type { SimulatedWorld } from "./world.ts";

/** Options of {@linkcode SimulatedFieldStage}. */
export interface SimulatedFieldStageOptions {
  /** Time a stage move takes, ms; 0 by default (the scan does it off the handoff's clock). */
  moveMs?: number;
  /** Clock to wait on; the world's by default. */
  clock?: Clock;
}

/** A stage backed by {@linkcode SimulatedWorld.presentFieldAt}. */
export class SimulatedFieldStage implements FieldStage {
  readonly #world: SimulatedWorld;
  readonly #clock: Clock;
  readonly #moveMs: number;

  /**
   * @param world the world whose stage moves
   * @param options move time and clock
   */
  constructor(world: SimulatedWorld, options: SimulatedFieldStageOptions = {}) {
    this.#world = world;
    this.#clock = options.clock ?? world.clock;
    this.#moveMs = options.moveMs ?? 0;
  }

  /**
   * Brings a new field whose true lens-A focus is `zAUm` under the lens,
   * once the stage move is over.
   *
   * @throws {RangeError} when `zAUm` is not a finite number
   */
  async presentFieldAt(zAUm: number, signal?: AbortSignal): Promise<void> {
    if (!Number.isFinite(zAUm)) {
      throw new RangeError(
        `Cannot present a field at z ${zAUm}: give a finite lens-A focus in um`,
      );
    }
    await this.#clock.sleep(this.#moveMs, signal);
    this.#world.presentFieldAt(zAUm);
  }
}
