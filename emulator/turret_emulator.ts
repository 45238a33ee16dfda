/**
 * An emulated turret controller (`motorized_turret_v2`): `INIT` -> `OK`,
 * `SWITCH_LENS_A`/`SWITCH_LENS_B` -> `COMPLETE` after the configured
 * switch time, with no objective in the light path while it turns.
 *
 * Faults: `error` on a switch stops the turret half-way (no lens in
 * place) and answers `JAMMED`; `error` on `INIT` answers `REJECTED`.
 *
 * @module
 */

import type { LensId } from "../domain/lens.ts";
import type { EmulatorFault } from "./fault_switch.ts";
import { type DeviceContext, LineDevice } from "./line_device.ts";

const SWITCH = /^SWITCH_LENS_([AB])$/;

/** The emulated turret. */
export class TurretEmulator extends LineDevice {
  readonly #switchTimeMs: number;

  /**
   * @param context world, clock, logger
   * @param switchTimeMs time of a switch, ms
   */
  constructor(context: DeviceContext, switchTimeMs: number) {
    super("turret", context);
    this.#switchTimeMs = switchTimeMs;
  }

  /** The objective in the light path, `null` while turning or jammed. */
  lensInPath(): LensId | null {
    return this.context.world.lensInPath();
  }

  protected async respond(
    command: string,
    fault: EmulatorFault | undefined,
  ): Promise<string | undefined> {
    const failing = fault?.kind === "error";
    if (command === "INIT") {
      return failing ? fault.text ?? "REJECTED" : "OK";
    }
    const lens = SWITCH.exec(command)?.[1] as LensId | undefined;
    if (lens === undefined) return "ERROR";

    const world = this.context.world;
    if (failing) {
      world.setLensInPath(null);
      await this.sleep(this.#switchTimeMs / 2);
      return fault.text ?? "JAMMED";
    }
    if (world.lensInPath() === lens) return "COMPLETE";
    world.setLensInPath(null);
    await this.sleep(this.#switchTimeMs);
    world.setLensInPath(lens);
    return "COMPLETE";
  }
}
