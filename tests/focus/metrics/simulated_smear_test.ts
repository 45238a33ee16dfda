import assert from "node:assert/strict";
import { SimulatedClock } from "../../../domain/clock.ts";
import { depthOfFieldUm, type LensId } from "../../../domain/lens.ts";
import { defaultConfig } from "../../../config/load.ts";
import { createSimulatedWorld } from "../../../drivers/simulated/world.ts";
import { SimulatedFocusMotor } from "../../../drivers/simulated/focus_motor.ts";
import { SimulatedCamera } from "../../../drivers/simulated/camera.ts";
import { defaultMetricFor, FOCUS_METRICS } from "../../../focus/metrics/mod.ts";

const FIELDS = [
  { density: 1, tiltUmPerFrame: 0, toleranceDof: 0.3 },
  { density: 0.1, tiltUmPerFrame: 0, toleranceDof: 0.3 },
  { density: 1, tiltUmPerFrame: 2, toleranceDof: 0.5 },
];

async function sweepPeakError(lens: LensId): Promise<number[]> {
  const clock = new SimulatedClock();
  const world = createSimulatedWorld(defaultConfig(() => undefined), clock);
  world.setLensInPath(lens);
  const motor = new SimulatedFocusMotor(world);
  const camera = new SimulatedCamera(world);
  const dofUm = depthOfFieldUm(world.lenses[lens]);
  const metric = FOCUS_METRICS[defaultMetricFor(lens)];
  const errorsInDof: number[] = [];
  try {
    for (const field of FIELDS) {
      world.presentField(field);
      const truthUm = world.trueFocusUm(lens);
      let best = { zUm: 0, score: -Infinity };
      for (let k = -12; k <= 12; k++) {
        const zUm = Math.round((truthUm + k * dofUm / 6) * 100) / 100;
        await motor.moveTo(zUm);
        const score = metric(await camera.capture());
        if (score > best.score) best = { zUm, score };
      }
      errorsInDof.push(Math.abs(best.zUm - world.trueFocusUm(lens)) / dofUm);
    }
  } finally {
    await motor.close();
    await camera.close();
  }
  return errorsInDof;
}

for (const lens of ["A", "B"] as const) {
  Deno.test(`the default metric of lens ${lens} peaks at the simulated smear's true focus`, async () => {
    const errors = await sweepPeakError(lens);
    errors.forEach((errorDof, i) => {
      assert.ok(
        errorDof <= FIELDS[i].toleranceDof,
        `field ${JSON.stringify(FIELDS[i])}: peak ${
          errorDof.toFixed(2)
        } DOF from focus`,
      );
    });
  });
}
