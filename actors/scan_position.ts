/**
 * Puts the simulated scanner where the scanning software would have left
 * it before asking for a handoff: a field whose lens-A focus is at the
 * requested height, lens A in place, focus at that height.
 *
 * @module
 */

import type { FieldStage } from "../drivers/types.ts";
import type { DeviceSession } from "./device_session.ts";

/**
 * Presents a field at `zAUm` and focuses lens A on it. Real scanners skip
 * this: their stage belongs to the scanning software.
 *
 * @throws {DeviceError} when the turret or focus motor fails
 */
export async function prepareScanPosition(
  session: DeviceSession,
  stage: FieldStage,
  zAUm: number,
  signal?: AbortSignal,
): Promise<void> {
  await stage.presentFieldAt(zAUm, signal);
  await session.switchLens("A", signal);
  await session.moveFocus(zAUm, signal);
}
