/**
 * A controller with its lab operations: devices on a simulated clock, the
 * lab's timers on a manual clock the test advances, the wall clock derived
 * from it, and every log line kept.
 */

import type { Config } from "../../config/schema.ts";
import type { ScannerService } from "../../actors/scanner_service.ts";
import type { LabOperationsOptions } from "../../actors/lab_operations.ts";
import { ManualClock } from "../telemetry/_manual_clock.ts";
import { RecordingLogger } from "../monitoring/_recording_logger.ts";
import { startService, testConfig } from "./_service_fixture.ts";

/**
 * Where the lab's wall clock starts: now, to the second, so that a
 * calibration made by the test process is a few seconds old.
 */
export const LAB_EPOCH_MS = Math.floor(Date.now() / 1000) * 1000;

/** What a lab test holds on to. */
export interface LabRig {
  service: ScannerService;
  clock: ManualClock;
  logger: RecordingLogger;
}

let calibration: Promise<string> | undefined;

/**
 * A calibration file made once per test process (a first start calibrates
 * on the simulator for seconds), copied into each test's folder.
 */
function sharedCalibration(): Promise<string> {
  calibration ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "lab_calibration_" });
    const service = await startService(testConfig(dir, 10));
    await service.stop();
    return await Deno.readTextFile(`${dir}/calibration.json`);
  })();
  return calibration;
}

/** A test configuration in `dir` with a calibration already in place. */
export async function calibratedConfig(dir: string): Promise<Config> {
  const config = testConfig(dir, 10);
  await Deno.writeTextFile(
    config.paths.calibration_file,
    await sharedCalibration(),
  );
  return config;
}

/**
 * Starts a controller with lab operations on a manual clock.
 *
 * @param config the configuration (see {@linkcode calibratedConfig})
 * @param options lab options; the scheduler is off unless given
 * @param clock the lab's clock, to carry one over a restart
 */
export async function startLab(
  config: Config,
  options: LabOperationsOptions = {},
  clock = new ManualClock(),
): Promise<LabRig> {
  const logger = new RecordingLogger();
  const service = await startService(config, {
    lab: {
      clock,
      wallClockMs: () => LAB_EPOCH_MS + clock.now(),
      logger: () => logger,
      scheduler: false,
      ...options,
    },
  });
  return { service, clock, logger };
}

/** Runs `count` handoffs across lens A's range; all must complete. */
export async function runHandoffs(
  service: ScannerService,
  count: number,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const outcome = await service.requestHandoff(-8 + (i % 16));
    if (outcome.kind !== "completed") {
      throw new Error(`handoff ${i} was rejected: ${outcome.message}`);
    }
  }
}
