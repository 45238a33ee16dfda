/**
 * Whole handoffs over serial next to the simulated drivers, in one run:
 * the same configuration, a calibration file made up front from the
 * simulated world's truth, the wall clock, and the same lens-A heights.
 * Over serial the turret, piezo and LED are the emulators behind real
 * pseudo-terminals; the camera and temperature sensor are simulated in
 * both. Run:
 * `deno run --allow-ffi --allow-read --allow-write --allow-env bench/serial_handoff_bench.ts`.
 *
 * The two services run side by side and take turns. Prints the median of
 * each phase over 20 handoffs per case and the ratio of serial to
 * simulated; absolute numbers depend on the machine's load.
 *
 * @module
 */

import { defaultConfig } from "../config/load.ts";
import { RealClock } from "../domain/clock.ts";
import { ScannerService } from "../actors/scanner_service.ts";
import type { HandoffResult } from "../machines/handoff_types.ts";
import {
  startSerialService,
  writeTrueCalibration,
} from "../tests/integration/_serial_service.ts";

const HANDOFFS = 20;
const WARM_UP = 2;
const Z_SOURCES_UM = [-8, -4, -1, 2, 5, 9];

const PHASES = [
  "elapsed_ms",
  "lens_switch_ms",
  "focus_move_ms",
  "focus_search_ms",
  "validation_ms",
] as const;

type Phase = typeof PHASES[number];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function handoff(
  service: ScannerService,
  zSourceUm: number,
): Promise<HandoffResult> {
  const outcome = await service.requestHandoff(zSourceUm);
  if (outcome.kind !== "completed" || !outcome.result.success) {
    throw new Error(
      `handoff from ${zSourceUm} failed: ${JSON.stringify(outcome)}`,
    );
  }
  return outcome.result;
}

function medians(results: HandoffResult[]): Record<Phase, number> {
  const byPhase = {} as Record<Phase, number>;
  for (const phase of PHASES) {
    byPhase[phase] = median(results.map((result) => result[phase]));
  }
  return byPhase;
}

async function startSimulated(): Promise<
  { service: ScannerService; close(): Promise<void> }
> {
  const dir = await Deno.makeTempDir({ prefix: "autofocus-bench-" });
  const config = defaultConfig(() => undefined);
  config.paths.data_dir = dir;
  config.paths.calibration_file = `${dir}/calibration.json`;
  config.paths.log_dir = `${dir}/logs`;
  await writeTrueCalibration(config);
  const service = await ScannerService.start(config, {
    clock: new RealClock(),
  });
  await service.whenStarted();
  return {
    service,
    close: async () => {
      await service.stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

// Both services run side by side and take turns, so a change in the
// machine's load touches both cases alike.
const simulated = await startSimulated();
const serial = await startSerialService();
const results = {
  simulated: [] as HandoffResult[],
  serial: [] as HandoffResult[],
};
try {
  for (let i = 0; i < WARM_UP + HANDOFFS; i++) {
    const zSourceUm = Z_SOURCES_UM[i % Z_SOURCES_UM.length];
    const simulatedResult = await handoff(simulated.service, zSourceUm);
    const serialResult = await handoff(serial.service, zSourceUm);
    if (i < WARM_UP) continue;
    results.simulated.push(simulatedResult);
    results.serial.push(serialResult);
  }
} finally {
  await simulated.close();
  await serial.close();
}

const simulatedMs = medians(results.simulated);
const serialMs = medians(results.serial);
console.log(`handoffs per case: ${HANDOFFS} (medians, ms)`);
console.log("phase              simulated   serial   serial/simulated");
for (const phase of PHASES) {
  console.log(
    `${phase.padEnd(18)} ${simulatedMs[phase].toFixed(2).padStart(9)} ${
      serialMs[phase].toFixed(2).padStart(8)
    }   ${(serialMs[phase] / simulatedMs[phase]).toFixed(3)}`,
  );
}
