/**
 * Accuracy of the parfocal mapping on the simulated scanner, over several
 * simulated instruments (seeds), with the temperature drifting 3 C while
 * the points are collected and again during the handoffs.
 *
 * Run: `deno run --allow-env=LOG_TOKENS,LOG_STREAM bench/mapping_bench.ts
 * [--noise-um=0.03]` (the YAML parser reads those two debug variables
 * while it loads the embedded default configuration).
 *
 * Measurements model an autofocus on each lens with `--noise-um` of
 * Gaussian error (default 0.03 um) and a temperature sensor with 0.02 C.
 * Held-out errors are printed twice: against the measured pairs (what a
 * calibration can check, autofocus noise included) and against the
 * simulator's truth (the mapping's own error).
 *
 * @module
 */

import { SimulatedClock } from "../domain/clock.ts";
import { defaultConfig } from "../config/load.ts";
import {
  createSimulatedWorld,
  type SimulatedWorld,
} from "../drivers/simulated/world.ts";
import { createPrng, type Prng } from "../drivers/simulated/prng.ts";
import {
  type MappingOptions,
  ParfocalMapping,
} from "../mapping/parfocal_mapping.ts";
import type { CalibrationPoint } from "../mapping/types.ts";

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const CALIBRATION_POINTS = 30;
const HELD_OUT_POINTS = 60;
const HANDOFFS = 100;
const Z_RANGE_UM: [number, number] = [-8, 8];
const CALIBRATION_TEMPERATURES_C: [number, number] = [20.5, 23.5];
const SENSOR_NOISE_C = 0.02;
const META = { scannerName: "bench", calibratedAt: new Date(0) };

const noiseArgument = Deno.args.find((arg) => arg.startsWith("--noise-um="));
const AUTOFOCUS_NOISE_UM = noiseArgument
  ? Number(noiseArgument.split("=")[1])
  : 0.03;

/** One simulated instrument with a source of measurement noise. */
interface Instrument {
  world: SimulatedWorld;
  noise: Prng;
}

/** A measured pair and the truth behind it. */
interface Sample {
  measured: CalibrationPoint;
  truth: CalibrationPoint;
}

const BASE_CONFIG = defaultConfig(() => undefined);

function instrument(seed: number): Instrument {
  const config = structuredClone(BASE_CONFIG);
  config.simulation.seed = seed;
  const world = createSimulatedWorld(config, new SimulatedClock());
  return { world, noise: createPrng(seed * 7919 + 17) };
}

/** Autofocus on both lenses of a field whose lens-A focus is zTrueUm. */
function sample(
  { world, noise }: Instrument,
  zTrueUm: number,
  temperatureC: number,
  shiftUm = 0,
): Sample {
  world.setTemperatureC(temperatureC);
  const zBTrueUm = zTrueUm + world.trueParfocalOffsetUm(zTrueUm, temperatureC) +
    shiftUm;
  return {
    measured: {
      zAUm: zTrueUm + AUTOFOCUS_NOISE_UM * noise.normal(),
      zBUm: zBTrueUm + AUTOFOCUS_NOISE_UM * noise.normal(),
      temperatureC: temperatureC + SENSOR_NOISE_C * noise.normal(),
    },
    truth: { zAUm: zTrueUm, zBUm: zBTrueUm, temperatureC },
  };
}

/** Points on an even z grid, visited in shuffled order while T drifts. */
function calibrationPoints(instrument: Instrument): CalibrationPoint[] {
  const [zLow, zHigh] = Z_RANGE_UM;
  const grid = Array.from(
    { length: CALIBRATION_POINTS },
    (_, i) => zLow + (zHigh - zLow) * i / (CALIBRATION_POINTS - 1),
  );
  for (let i = grid.length - 1; i > 0; i--) {
    const j = Math.floor(instrument.noise.next() * (i + 1));
    [grid[i], grid[j]] = [grid[j], grid[i]];
  }
  const [tStart, tEnd] = CALIBRATION_TEMPERATURES_C;
  return grid.map((zAUm, i) =>
    sample(instrument, zAUm, tStart + (tEnd - tStart) * i / (grid.length - 1))
      .measured
  );
}

function heldOut(instrument: Instrument): Sample[] {
  const [tLow, tHigh] = CALIBRATION_TEMPERATURES_C;
  return Array.from(
    { length: HELD_OUT_POINTS },
    () =>
      sample(
        instrument,
        instrument.noise.uniform(...Z_RANGE_UM),
        instrument.noise.uniform(tLow, tHigh),
      ),
  );
}

function options(
  modelType: MappingOptions["modelType"],
  temperatureCompensation: boolean,
): MappingOptions {
  return {
    modelType,
    temperatureCompensation,
    learningRate: 0.1,
    confidenceThreshold: 0.95,
    cacheSize: 100,
  };
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function rms(values: number[]): number {
  return Math.sqrt(mean(values.map((value) => value * value)));
}

function format(value: number): string {
  return value.toFixed(4).padStart(8);
}

function heldOutTable(): void {
  console.log(
    `Held-out error, ${CALIBRATION_POINTS} calibration points over z ${
      Z_RANGE_UM.join("..")
    } um while T drifts ${
      CALIBRATION_TEMPERATURES_C.join("->")
    } C, ${HELD_OUT_POINTS} held-out points, autofocus noise ${AUTOFOCUS_NOISE_UM} um per lens, ${SEEDS.length} simulated instruments (mean / worst over instruments):`,
  );
  console.log(
    "model       temp-comp  degree  RMS-meas  max-meas | RMS-true  max-true  worst-RMS-true  worst-max-true",
  );
  for (const modelType of ["LINEAR", "POLYNOMIAL", "ADAPTIVE"] as const) {
    for (const compensation of [true, false]) {
      const rows = SEEDS.map((seed) => {
        const bench = instrument(seed);
        const mapping = ParfocalMapping.fit(
          calibrationPoints(bench),
          options(modelType, compensation),
          META,
        );
        const samples = heldOut(bench);
        return {
          degree: mapping.polynomialDegree,
          measured: mapping.evaluate(samples.map((s) => s.measured)),
          truth: mapping.evaluate(samples.map((s) => s.truth)),
        };
      });
      const degrees = [...new Set(rows.map((row) => row.degree))].join("/");
      console.log(
        `${modelType.padEnd(11)} ${String(compensation).padEnd(9)}  ${
          degrees.padEnd(6)
        } ${format(mean(rows.map((r) => r.measured.rmsErrorUm)))}  ${
          format(mean(rows.map((r) => r.measured.maxErrorUm)))
        } | ${format(mean(rows.map((r) => r.truth.rmsErrorUm)))}  ${
          format(mean(rows.map((r) => r.truth.maxErrorUm)))
        }        ${
          format(Math.max(...rows.map((r) => r.truth.rmsErrorUm)))
        }        ${format(Math.max(...rows.map((r) => r.truth.maxErrorUm)))}`,
      );
    }
  }
}

/** A post-calibration scenario of 100 handoffs. */
interface Scenario {
  name: string;
  compensation: boolean;
  shiftUm: number;
}

/** Error of adaptive and calibration-only twins over 100 handoffs. */
function runHandoffs(seed: number, scenario: Scenario) {
  const bench = instrument(seed);
  const points = calibrationPoints(bench);
  const adaptive = ParfocalMapping.fit(
    points,
    options("ADAPTIVE", scenario.compensation),
    META,
  );
  const fixed = ParfocalMapping.fit(
    points,
    options("POLYNOMIAL", scenario.compensation),
    META,
  );

  // The temperature drifts back down 3 C over the handoffs.
  const [tLow, tHigh] = CALIBRATION_TEMPERATURES_C;
  const adaptiveErrors: number[] = [];
  const fixedErrors: number[] = [];
  let rejected = 0;
  for (let i = 0; i < HANDOFFS; i++) {
    const temperatureC = tHigh - (tHigh - tLow) * i / (HANDOFFS - 1);
    const { measured, truth } = sample(
      bench,
      bench.noise.uniform(...Z_RANGE_UM),
      temperatureC,
      scenario.shiftUm,
    );
    const predicted = adaptive.predict(measured.zAUm, measured.temperatureC);
    adaptiveErrors.push(truth.zBUm - predicted.zBUm);
    fixedErrors.push(
      truth.zBUm - fixed.predict(measured.zAUm, measured.temperatureC).zBUm,
    );
    const verdict = adaptive.recordValidation({
      zAUm: measured.zAUm,
      temperatureC: measured.temperatureC,
      predictedZBUm: predicted.zBUm,
      measuredZBUm: measured.zBUm,
      at: new Date(i * 60_000),
    });
    if (!verdict.accepted) rejected++;
  }
  return { adaptiveErrors, fixedErrors, rejected };
}

function handoffTable(): void {
  console.log(
    `\nHandoff mapping error (prediction minus true lens-B focus, RMS um) over ${HANDOFFS} handoffs while T drifts ${
      [...CALIBRATION_TEMPERATURES_C].reverse().join("->")
    } C, mean over ${SEEDS.length} instruments:`,
  );
  console.log(
    "scenario                                first-10  last-10 (adaptive) | last-10 (calibration only)  rejected",
  );
  const scenarios: Scenario[] = [
    { name: "stable instrument", compensation: true, shiftUm: 0 },
    {
      name: "0.3 um shift after calibration",
      compensation: true,
      shiftUm: 0.3,
    },
    { name: "calibrated without temp. comp.", compensation: false, shiftUm: 0 },
  ];
  for (const scenario of scenarios) {
    const runs = SEEDS.map((seed) => runHandoffs(seed, scenario));
    const first = mean(runs.map((r) => rms(r.adaptiveErrors.slice(0, 10))));
    const last = mean(runs.map((r) => rms(r.adaptiveErrors.slice(-10))));
    const fixedLast = mean(runs.map((r) => rms(r.fixedErrors.slice(-10))));
    console.log(
      `${scenario.name.padEnd(38)} ${format(first)} ${
        format(last)
      }           | ${format(fixedLast)}                  ${
        format(mean(runs.map((r) => r.rejected)))
      }`,
    );
  }
}

heldOutTable();
handoffTable();
