/**
 * Focus searches driven through real device drivers: the simulated
 * scanner (lens B on random blood-smear fields) and the replayed real
 * stack. Each run records the error against ground truth and the frames.
 *
 * @module
 */

import { SimulatedClock } from "../domain/clock.ts";
import { depthOfFieldUm } from "../domain/lens.ts";
import type { GrayImage } from "../domain/frame.ts";
import { defaultConfig } from "../config/load.ts";
import type { Camera, FocusMotor } from "../drivers/types.ts";
import { createSimulatedWorld } from "../drivers/simulated/world.ts";
import { SimulatedFocusMotor } from "../drivers/simulated/focus_motor.ts";
import { SimulatedCamera } from "../drivers/simulated/camera.ts";
import { createPrng } from "../drivers/simulated/prng.ts";
import {
  StackFocusMotor,
  StackReplayCamera,
} from "../drivers/stack_replay_camera.ts";
import { defaultMetricFor, FOCUS_METRICS } from "../focus/metrics/mod.ts";
import {
  createSearch,
  SEARCH_STRATEGY_NAMES,
  type SearchOptions,
} from "../focus/search/mod.ts";
import type {
  FocusSample,
  SearchRequest,
  SearchStep,
  SearchStrategyName,
} from "../focus/types.ts";

/** One search's result. */
export interface SearchRecord {
  /** Strategy used. */
  strategy: SearchStrategyName;
  /** Which group of starts or fields the run belongs to. */
  group: string;
  /** Focus found, um, or `undefined` when nothing was found. */
  foundUm?: number;
  /** |found - true| in um, or `undefined` when nothing was found. */
  errorUm?: number;
  /** Frames taken. */
  frames: number;
  /** What the field was like: `dense`/`sparse` and `flat`/`tilted`. */
  field?: string;
  /** Why nothing was found, when nothing was. */
  reason?: string;
}

/**
 * Runs a search on a focus motor and camera, scoring frames with `metric`.
 *
 * @returns the outcome and every sample
 */
export async function driveSearch(
  strategy: SearchStrategyName,
  request: SearchRequest,
  devices: { motor: FocusMotor; camera: Camera },
  metric: (image: GrayImage) => number,
  options: SearchOptions = {},
): Promise<{ outcome: SearchStep; samples: FocusSample[] }> {
  const search = createSearch(strategy, request, options);
  const samples: FocusSample[] = [];
  for (;;) {
    const step = search.next(samples);
    if (step.kind !== "sample") return { outcome: step, samples };
    await devices.motor.moveTo(step.zUm);
    const frame = await devices.camera.capture();
    samples.push({ zUm: frame.zUm, score: metric(frame) });
  }
}

/** Fields and starts of the simulator run. */
export interface SimulatorRunOptions {
  /** Number of random non-blank fields. */
  fields: number;
  /** Number of blank fields (density 0). */
  blankFields: number;
  /** Seed of the world and of the field draws. */
  seed: number;
}

/**
 * Searches lens-B focus on random simulated fields: dense and sparse,
 * flat and tilted, from starts within the depth of field and 2-6 depths
 * of field away, with every strategy.
 *
 * @returns one record per search, blank fields under group `blank`
 */
export async function runSimulator(
  options: SimulatorRunOptions,
): Promise<{ records: SearchRecord[]; dofUm: number }> {
  // No environment: the bench needs no secrets and no --allow-env.
  const config = defaultConfig(() => undefined);
  config.simulation.seed = options.seed;
  const clock = new SimulatedClock();
  const world = createSimulatedWorld(config, clock);
  world.setLensInPath("B");
  const motor = new SimulatedFocusMotor(world);
  const camera = new SimulatedCamera(world);
  const lens = world.lenses.B;
  const dofUm = depthOfFieldUm(lens);
  const metric = FOCUS_METRICS[defaultMetricFor("B")];
  const draw = createPrng(options.seed + 7919);
  const records: SearchRecord[] = [];
  const total = options.fields + options.blankFields;
  try {
    for (let i = 0; i < total; i++) {
      const blank = i >= options.fields;
      const sparse = !blank && i % 4 === 0;
      const tilted = draw.next() >= 0.5;
      world.presentField({
        density: blank
          ? 0
          : sparse
          ? draw.uniform(0.05, 0.3)
          : draw.uniform(0.6, 1.4),
        tiltUmPerFrame: tilted ? draw.uniform(-3, 3) : 0,
      });
      const field = `${sparse ? "sparse" : "dense"} ${
        tilted ? "tilted" : "flat"
      }`;
      const starts = [
        { group: "within DOF", offsetUm: draw.uniform(-0.5, 0.5) * dofUm },
        {
          group: "2-6 DOF off",
          offsetUm: draw.sign() * draw.uniform(2, 6) * dofUm,
        },
      ];
      for (const start of starts) {
        for (const strategy of SEARCH_STRATEGY_NAMES) {
          const request: SearchRequest = {
            startZUm: world.trueFocusUm("B") + start.offsetUm,
            zMinUm: lens.zMinUm,
            zMaxUm: lens.zMaxUm,
            depthOfFieldUm: dofUm,
            uncertaintyUm: 1,
            maxFrames: 12,
          };
          const run = await driveSearch(
            strategy,
            request,
            { motor, camera },
            metric,
            {
              zStepUm: config.hardware.focus_motor.precision_um,
            },
          );
          records.push({
            strategy,
            group: blank ? "blank" : start.group,
            foundUm: found(run.outcome),
            errorUm: run.outcome.kind === "found"
              ? Math.abs(run.outcome.zUm - world.trueFocusUm("B"))
              : undefined,
            frames: run.samples.length,
            field,
            reason: run.outcome.kind === "not_found"
              ? run.outcome.reason
              : undefined,
          });
        }
      }
    }
  } finally {
    await motor.close();
    await camera.close();
  }
  return { records, dofUm };
}

/** Depth of field assumed for the real stack, um (slices 1 um apart). */
export const STACK_DOF_UM = 2;

/**
 * Searches the replayed real stack (z = slice index x 1 um) from every
 * slice with every strategy.
 *
 * @param slices the stack, in focus order
 * @returns one record per search; `errorUm` is |found - 10|, the
 *   expert's slice
 */
export async function runRealStack(
  slices: readonly GrayImage[],
): Promise<SearchRecord[]> {
  const clock = new SimulatedClock();
  const motor = new StackFocusMotor({
    sliceCount: slices.length,
    zStepUm: 1,
    clock,
  });
  const camera = new StackReplayCamera({
    slices,
    zStepUm: 1,
    focusPositionUm: () => motor.positionUm(),
    clock,
  });
  const metric = FOCUS_METRICS[defaultMetricFor("A")];
  const records: SearchRecord[] = [];
  try {
    await motor.init();
    for (const strategy of SEARCH_STRATEGY_NAMES) {
      for (let start = 0; start < slices.length; start++) {
        const request: SearchRequest = {
          startZUm: start,
          zMinUm: 0,
          zMaxUm: slices.length - 1,
          depthOfFieldUm: STACK_DOF_UM,
          uncertaintyUm: 3,
          maxFrames: 12,
        };
        const run = await driveSearch(
          strategy,
          request,
          { motor, camera },
          metric,
          {
            zStepUm: 1,
          },
        );
        records.push({
          strategy,
          group: "real stack",
          foundUm: found(run.outcome),
          errorUm: run.outcome.kind === "found"
            ? Math.abs(run.outcome.zUm - 10)
            : undefined,
          frames: run.samples.length,
        });
      }
    }
  } finally {
    await motor.close();
    await camera.close();
  }
  return records;
}

function found(step: SearchStep): number | undefined {
  return step.kind === "found" ? step.zUm : undefined;
}
