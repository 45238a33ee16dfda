/**
 * An emulated LED controller (`led_controller`): `BRIGHT n` (0..255) ->
 * `OK`, `BRIGHT?` -> the level; anything else -> `ERROR`.
 *
 * @module
 */

import type { EmulatorFault } from "./fault_switch.ts";
import { type DeviceContext, LineDevice } from "./line_device.ts";

const SET_LEVEL = /^BRIGHT (\d{1,3})$/;

/** The emulated LED controller. */
export class IlluminationEmulator extends LineDevice {
  /** @param context world, clock, logger */
  constructor(context: DeviceContext) {
    super("illumination", context);
  }

  protected respond(
    command: string,
    fault: EmulatorFault | undefined,
  ): Promise<string | undefined> {
    if (fault?.kind === "error") return Promise.resolve(fault.text ?? "ERROR");
    const world = this.context.world;
    if (command === "BRIGHT?") {
      return Promise.resolve(String(world.illuminationLevel()));
    }
    const level = Number(SET_LEVEL.exec(command)?.[1] ?? NaN);
    if (!(level <= 255)) return Promise.resolve("ERROR");
    world.setIlluminationLevel(level);
    return Promise.resolve("OK");
  }
}
