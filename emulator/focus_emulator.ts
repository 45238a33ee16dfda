/**
 * An emulated piezo focus controller (`piezo_focus_v3`): `*IDN?` -> an
 * identity, `PREC <um>` and `MOV <z>` -> nothing, `MOV?` -> `MOVING` while
 * the objective travels and settles, then `READY`. A move takes distance /
 * speed plus the settle time of the lens in place, as in the simulator;
 * with no lens in place, the slower speed and longer settle of the two.
 *
 * A move outside the range, or a malformed command, puts the controller
 * in fault: `MOV?` answers `ERROR` until the next valid `MOV`. The `error`
 * fault makes one `MOV?` answer `ERROR`.
 *
 * @module
 */

import type { LensProfile } from "../domain/lens.ts";
import type { Prng } from "../drivers/simulated/prng.ts";
import type { EmulatorFault } from "./fault_switch.ts";
import { type DeviceContext, LineDevice } from "./line_device.ts";

/** Identity the emulated controller reports. */
export const FOCUS_EMULATOR_IDENTITY = "Emulated,PIEZO_FOCUS_V3,SN0001,FW3.0";

/** The emulated focus controller. */
export class FocusEmulator extends LineDevice {
  #precisionUm: number;
  #faulted = false;
  readonly #noise: Prng;

  /**
   * @param context world, clock, logger
   * @param precisionUm position step until `PREC` changes it, um
   */
  constructor(context: DeviceContext, precisionUm: number) {
    super("focus", context);
    this.#precisionUm = precisionUm;
    this.#noise = context.world.noiseStream(11);
  }

  /** The position step set by the last `PREC`, um. */
  get precisionUm(): number {
    return this.#precisionUm;
  }

  protected respond(
    command: string,
    fault: EmulatorFault | undefined,
  ): Promise<string | undefined> {
    const [word, argument, extra] = command.split(/\s+/);
    const value = Number(argument);
    const valid = argument !== undefined && extra === undefined &&
      Number.isFinite(value);
    switch (word) {
      case "*IDN?":
        return Promise.resolve(FOCUS_EMULATOR_IDENTITY);
      case "PREC":
        if (valid && value > 0) this.#precisionUm = value;
        else this.#faulted = true;
        return Promise.resolve(undefined);
      case "MOV":
        this.#faulted = !(valid && this.#startMove(value));
        return Promise.resolve(undefined);
      case "MOV?":
        return Promise.resolve(this.#status(fault));
      default:
        return Promise.resolve("ERROR");
    }
  }

  #status(fault: EmulatorFault | undefined): string {
    if (fault?.kind === "error") return fault.text ?? "ERROR";
    if (this.#faulted) return "ERROR";
    return this.context.world.focusMoveInProgress() ? "MOVING" : "READY";
  }

  #startMove(zUm: number): boolean {
    const world = this.context.world;
    const lens = world.lensInPath();
    const profiles: LensProfile[] = lens === null
      ? [world.lenses.A, world.lenses.B]
      : [world.lenses[lens]];
    const zMinUm = Math.min(...profiles.map((p) => p.zMinUm));
    const zMaxUm = Math.max(...profiles.map((p) => p.zMaxUm));
    if (zUm < zMinUm || zUm > zMaxUm) return false;

    const speedUmPerS = Math.min(...profiles.map((p) => p.focusSpeedUmPerS));
    const settleMs = Math.max(...profiles.map((p) => p.settleMs));
    const reportedUm = Math.round(zUm / this.#precisionUm) * this.#precisionUm;
    const fromUm = world.focusMoveInProgress()
      ? world.focusPositionUm()
      : world.reportedFocusUm();
    world.commandFocusMove({
      reportedUm,
      physicalUm: reportedUm + this.#noise.uniform(-1, 1) * this.#precisionUm,
      travelMs: Math.abs(reportedUm - fromUm) / speedUmPerS * 1000,
      settleMs,
    });
    return true;
  }
}
