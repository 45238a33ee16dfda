/**
 * The calibration procedure end to end on the simulated scanner: the real
 * calibration machine collects its points with the real autofocus on
 * rendered frames while the temperature drifts 3 C, for each model with and
 * without temperature compensation; then 100 handoffs with the temperature
 * drifting back show the mapping error before and after the adaptive model
 * has learnt from them. Errors are against the simulator's true lens-B focus.
 *
 * Run: `deno task bench:calibration` (simulated clock: about a minute per
 * model on this machine's CPU; `--points=N`, `--handoffs=N` to change).
 *
 * @module
 */

// First, before the serial modules that read the whole environment load.
import "../permissions/confine_process_env.ts";
import { parseArgs } from "node:util";
import { defaultConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { SimulatedClock } from "../domain/clock.ts";
import { ScannerService } from "../actors/scanner_service.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    points: { type: "string", default: "25" },
    handoffs: { type: "string", default: "100" },
  },
});
const POINTS = Number(values.points);
const HANDOFFS = Number(values.handoffs);
const TEMPERATURE_SWING_C: [number, number] = [20.5, 23.5];

type ModelType = Config["parfocal"]["model_type"];

function rms(values: number[]): number {
  return Math.sqrt(values.reduce((sum, v) => sum + v * v, 0) / values.length);
}

async function run(modelType: ModelType, compensate: boolean) {
  const dir = await Deno.makeTempDir();
  const config = defaultConfig(() => undefined);
  config.parfocal.model_type = modelType;
  config.parfocal.temperature_compensation = compensate;
  config.parfocal.calibration_points = POINTS;
  config.paths.calibration_file = `${dir}/calibration.json`;
  config.simulation.temperature_drift_c_per_hour = 0;

  const service = await ScannerService.start(config, {
    clock: new SimulatedClock(),
    selfCalibrate: false,
  });
  await service.whenStarted();
  const world = service.world!;
  const [lowC, highC] = TEMPERATURE_SWING_C;
  world.setTemperatureC(lowC);
  const stopRamp = service.on("calibration.progress", (event) => {
    if (event.progress.step !== "collecting") return;
    const done = Number(/point (\d+)/.exec(event.progress.message)?.[1] ?? 0);
    world.setTemperatureC(lowC + (highC - lowC) * done / POINTS);
  });
  const finished = service.nextCalibrationReport();
  service.startCalibration();
  const report = await finished;
  stopRamp();

  const errors: number[] = [];
  for (let i = 0; i < HANDOFFS; i++) {
    world.setTemperatureC(highC - (highC - lowC) * i / (HANDOFFS - 1));
    const zSourceUm = -10 + 20 * ((i * 0.618) % 1);
    const outcome = await service.requestHandoff(zSourceUm);
    if (outcome.kind !== "completed") continue;
    errors.push(outcome.result.z_predicted - world.trueFocusUm("B"));
  }
  await service.stop();
  await Deno.remove(dir, { recursive: true });
  return {
    modelType,
    compensate,
    completed: report.completed,
    heldOutRmsUm: report.heldOutRmsUm ?? Number.NaN,
    heldOutMaxUm: report.heldOutMaxUm ?? Number.NaN,
    firstTenRmsUm: rms(errors.slice(0, 10)),
    lastTenRmsUm: rms(errors.slice(-10)),
  };
}

console.log(
  `Calibration on the simulator: ${POINTS} points while T drifts ${
    TEMPERATURE_SWING_C.join("->")
  } C; then ${HANDOFFS} handoffs while it drifts back.`,
);
console.log(
  "held-out = against measured points left out of the fit; handoff error = prediction - true lens-B focus",
);
console.log(
  "model       temp-comp  held-out RMS  held-out max | handoff RMS first 10  last 10",
);
for (const modelType of ["LINEAR", "POLYNOMIAL", "ADAPTIVE"] as const) {
  for (const compensate of [true, false]) {
    const r = await run(modelType, compensate);
    console.log(
      `${r.modelType.padEnd(11)} ${String(r.compensate).padEnd(9)}  ${
        r.heldOutRmsUm.toFixed(4).padStart(12)
      }  ${r.heldOutMaxUm.toFixed(4).padStart(12)} | ${
        r.firstTenRmsUm.toFixed(4).padStart(20)
      }  ${r.lastTenRmsUm.toFixed(4).padStart(7)}${
        r.completed ? "" : "  (calibration failed)"
      }`,
    );
  }
}
