/**
 * The supervisor's own device work: bringing the scanner up, loading the
 * calibration, and placing the simulator before a handoff.
 *
 * @module
 */

import type { Scanner } from "../drivers/types.ts";
import { loadCalibration } from "../mapping/calibration_file.ts";
import type {
  MappingOptions,
  ParfocalMapping,
} from "../mapping/parfocal_mapping.ts";
import type { DeviceSession } from "./device_session.ts";
import { prepareScanPosition } from "./scan_position.ts";

/**
 * Initialises every device, in an order that names the first one failing.
 *
 * @throws {DeviceError} from the first device that does not come up
 */
export async function bringUpDevices(
  scanner: Scanner,
  defaultBrightness: number,
  signal?: AbortSignal,
): Promise<void> {
  await scanner.turret.init(signal);
  await scanner.focus.init(signal);
  await scanner.camera.init(signal);
  await scanner.illumination.init(signal);
  await scanner.illumination.setBrightness(defaultBrightness, signal);
}

/**
 * Loads the calibration file.
 *
 * @throws {CalibrationFileError} with `kind` "missing" when there is none
 */
export function loadExistingCalibration(input: {
  calibrationFile: string;
  mappingOptions: MappingOptions;
  scannerName: string;
}): Promise<ParfocalMapping> {
  return loadCalibration(input.calibrationFile, input.mappingOptions, {
    scannerName: input.scannerName,
  });
}

/**
 * On the simulator, puts a field at `zSourceUm` under lens A first, as the
 * scanning software would; a real scanner is already there.
 */
export async function prepareIfSimulated(
  session: DeviceSession,
  scanner: Scanner,
  zSourceUm: number,
  signal?: AbortSignal,
): Promise<void> {
  if (!scanner.stage) return;
  await prepareScanPosition(session, scanner.stage, zSourceUm, signal);
}
