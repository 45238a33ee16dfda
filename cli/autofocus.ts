/**
 * `main.ts autofocus --stack DIR`: autofocus on a recorded focus stack,
 * through a camera that replays the slice nearest the focus position and
 * the same autofocus machine the handoff uses.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { createActor } from "xstate";
import { RealClock } from "../domain/clock.ts";
import type { LensProfile } from "../domain/lens.ts";
import { loadImageStack } from "../drivers/image_stack.ts";
import {
  StackFocusMotor,
  StackReplayCamera,
} from "../drivers/stack_replay_camera.ts";
import { focusMotorMachine } from "../machines/focus_motor_machine.ts";
import { autofocusMachine } from "../machines/autofocus_machine.ts";
import { runToCompletion } from "../actors/run_machine.ts";
import { defaultMetricFor, isFocusMetricName } from "../focus/metrics/mod.ts";
import { SEARCH_STRATEGY_NAMES } from "../focus/search/mod.ts";
import type { SearchStrategyName } from "../focus/types.ts";
import { print, printJson, UsageError } from "./output.ts";

/**
 * A recorded stack is usually taken at steps near the optics' depth of
 * field; two steps is the search's working assumption when none is known.
 */
const STACK_DEPTH_OF_FIELD_IN_STEPS = 2;

function parseOptions(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      stack: { type: "string" },
      "z-step-um": { type: "string", default: "1" },
      strategy: { type: "string", default: "fast" },
      metric: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  if (!values.stack) {
    throw new UsageError(
      "autofocus needs --stack DIR: a folder of numbered PNG slices (1.png, 2.png, ...)",
    );
  }
  const zStepUm = Number(values["z-step-um"]);
  if (!(zStepUm > 0)) {
    throw new UsageError(
      `--z-step-um must be a positive number of micrometres, got ${
        values["z-step-um"]
      }`,
    );
  }
  const strategy = values.strategy as SearchStrategyName;
  if (!SEARCH_STRATEGY_NAMES.includes(strategy)) {
    throw new UsageError(
      `--strategy must be one of ${SEARCH_STRATEGY_NAMES.join(", ")}`,
    );
  }
  const metric = values.metric ?? defaultMetricFor("A");
  if (!isFocusMetricName(metric)) {
    throw new UsageError(`--metric "${metric}" is not a known focus metric`);
  }
  return { dir: values.stack, zStepUm, strategy, metric, json: values.json };
}

/**
 * Finds the sharpest slice of a stack and prints it.
 *
 * @param args command-line arguments after `autofocus`
 * @returns 0 when focus was found, 1 otherwise
 */
export async function autofocusCommand(args: string[]): Promise<number> {
  const options = parseOptions(args);
  const slices = await loadImageStack(options.dir);
  const clock = new RealClock();
  const motor = new StackFocusMotor({
    sliceCount: slices.length,
    zStepUm: options.zStepUm,
    clock,
  });
  const camera = new StackReplayCamera({
    slices,
    zStepUm: options.zStepUm,
    focusPositionUm: () => motor.positionUm(),
    clock,
  });
  const zMaxUm = (slices.length - 1) * options.zStepUm;
  const lens: LensProfile = {
    id: "A",
    name: `recorded stack ${options.dir}`,
    magnification: 1,
    na: 1,
    zMinUm: 0,
    zMaxUm,
    focusSpeedUmPerS: 500,
    settleMs: 5,
  };

  await motor.init();
  await camera.init();
  const focusRef = createActor(focusMotorMachine, {
    clock,
    input: { motor, clock, slowestSpeedUmPerS: 500, longestSettleMs: 5 },
  }).start();
  try {
    const result = await runToCompletion(autofocusMachine, {
      focusRef,
      camera,
      clock,
      lens,
      strategy: options.strategy,
      metric: options.metric,
      request: {
        startZUm: zMaxUm / 2,
        zMinUm: 0,
        zMaxUm,
        depthOfFieldUm: STACK_DEPTH_OF_FIELD_IN_STEPS * options.zStepUm,
        uncertaintyUm: zMaxUm / 2,
        maxFrames: slices.length,
      },
      searchOptions: { zStepUm: options.zStepUm },
    }, { clock });
    const bestIndex = result.zUm === null
      ? null
      : Math.round(result.zUm / options.zStepUm);
    const report = {
      found: result.outcome === "found",
      best_index: bestIndex,
      best_file: bestIndex === null ? null : `${bestIndex + 1}.png`,
      z_um: result.zUm,
      z_step_um: options.zStepUm,
      frames: result.frames,
      slices: slices.length,
      strategy: options.strategy,
      metric: options.metric,
      samples: result.samples,
      reason: result.reason,
    };
    if (options.json) {
      printJson(report);
    } else if (report.found) {
      print(
        `Best focus: slice index ${bestIndex} (${report.best_file}), z ${
          result.zUm?.toFixed(3)
        } um, found in ${result.frames} frames of ${slices.length}`,
      );
    } else {
      print(`No focus found after ${result.frames} frames: ${result.reason}`);
    }
    return report.found ? 0 : 1;
  } finally {
    focusRef.stop();
    await camera.close();
    await motor.close();
  }
}
