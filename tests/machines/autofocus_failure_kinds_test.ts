/**
 * Failure kinds seen in other autofocus systems, each shown not to happen
 * here on the simulated scanner.
 */

import assert from "node:assert/strict";
import { createActor, fromPromise } from "xstate";
import { defaultConfig } from "../../config/load.ts";
import { lensProfiles } from "../../config/lenses.ts";
import { SimulatedClock } from "../../domain/clock.ts";
import { depthOfFieldUm } from "../../domain/lens.ts";
import type { Camera } from "../../drivers/types.ts";
import { createScanner } from "../../drivers/create_scanner.ts";
import { turretMachine } from "../../machines/turret_machine.ts";
import { focusMotorMachine } from "../../machines/focus_motor_machine.ts";
import { autofocusMachine } from "../../machines/autofocus_machine.ts";
import { handoffMachine } from "../../machines/handoff_machine.ts";
import { DeviceSession } from "../../actors/device_session.ts";
import { ParfocalMapping } from "../../mapping/parfocal_mapping.ts";
import { calibrationHeights } from "../../actors/calibration_steps.ts";

async function simulatedBench() {
  const config = defaultConfig(() => undefined);
  const clock = new SimulatedClock();
  const { scanner, world } = await createScanner(config, { clock });
  const lenses = lensProfiles(config);
  const turretRef = createActor(turretMachine, {
    clock,
    input: { turret: scanner.turret, clock, switchTimeoutMs: 1000 },
  }).start();
  const focusRef = createActor(focusMotorMachine, {
    clock,
    input: {
      motor: scanner.focus,
      clock,
      slowestSpeedUmPerS: 300,
      longestSettleMs: 8,
    },
  }).start();
  const session = new DeviceSession({ turretRef, focusRef, clock });
  const stop = async () => {
    turretRef.stop();
    focusRef.stop();
    await scanner.close();
  };
  return { config, clock, scanner, world: world!, lenses, session, stop };
}

Deno.test("no frame is exposed while the focus is still moving", async () => {
  const bench = await simulatedBench();
  const movingAtExposure: boolean[] = [];
  const camera: Camera = {
    resolutionPx: bench.scanner.camera.resolutionPx,
    init: (signal) => bench.scanner.camera.init(signal),
    close: () => Promise.resolve(),
    capture: (signal) => {
      movingAtExposure.push(bench.world.focusMoveInProgress());
      return bench.scanner.camera.capture(signal);
    },
  };
  bench.world.presentFieldAt(2);
  await bench.session.switchLens("B");
  const lens = bench.lenses.B;

  const result = await bench.session.run(autofocusMachine, {
    focusRef: bench.session.focusRef,
    camera,
    clock: bench.clock,
    lens,
    strategy: "fast",
    metric: "tenengrad",
    request: {
      startZUm: bench.world.trueFocusUm("B") + 1.5,
      zMinUm: lens.zMinUm,
      zMaxUm: lens.zMaxUm,
      depthOfFieldUm: depthOfFieldUm(lens),
      uncertaintyUm: 2,
      maxFrames: 20,
    },
  });

  assert.equal(result.outcome, "found");
  assert.ok(movingAtExposure.length >= 3);
  assert.deepEqual(movingAtExposure, movingAtExposure.map(() => false));
  await bench.stop();
});

Deno.test("a blank field reports no focus within the frame budget", async () => {
  const bench = await simulatedBench();
  bench.world.presentField({ density: 0, zAUm: 0 });
  await bench.session.switchLens("B");
  const lens = bench.lenses.B;

  const result = await bench.session.run(autofocusMachine, {
    focusRef: bench.session.focusRef,
    camera: bench.scanner.camera,
    clock: bench.clock,
    lens,
    strategy: "ultra_fast",
    metric: "tenengrad",
    request: {
      startZUm: 1,
      zMinUm: lens.zMinUm,
      zMaxUm: lens.zMaxUm,
      depthOfFieldUm: depthOfFieldUm(lens),
      uncertaintyUm: 2,
      maxFrames: 12,
    },
  });

  assert.equal(result.outcome, "not_found");
  assert.ok(result.frames <= 12, `${result.frames} frames`);
  assert.ok(result.reason);
  await bench.stop();
});

Deno.test("a search that starts at the end of the range never drives past it", async () => {
  const bench = await simulatedBench();
  bench.world.presentFieldAt(14.5);
  await bench.session.switchLens("B");
  const lens = bench.lenses.B;

  const result = await bench.session.run(autofocusMachine, {
    focusRef: bench.session.focusRef,
    camera: bench.scanner.camera,
    clock: bench.clock,
    lens,
    strategy: "fast",
    metric: "tenengrad",
    request: {
      startZUm: lens.zMaxUm,
      zMinUm: lens.zMinUm,
      zMaxUm: lens.zMaxUm,
      depthOfFieldUm: depthOfFieldUm(lens),
      uncertaintyUm: 3,
      maxFrames: 20,
    },
  });

  for (const sample of result.samples) {
    assert.ok(sample.zUm <= lens.zMaxUm && sample.zUm >= lens.zMinUm);
  }
  if (result.outcome === "found") assert.ok(result.zUm! <= lens.zMaxUm);
  await bench.stop();
});

Deno.test("validation rejects a refined focus blurrier than the start and returns to the start", async () => {
  const bench = await simulatedBench();
  const heights = calibrationHeights(9, [-8, 8]);
  const mapping = ParfocalMapping.fit(
    heights.map((zAUm) => ({
      zAUm,
      zBUm: zAUm + bench.world.trueParfocalOffsetUm(zAUm, 22),
      temperatureC: 22,
    })),
    {
      modelType: "POLYNOMIAL",
      temperatureCompensation: false,
      learningRate: 0.1,
      confidenceThreshold: 0.95,
      cacheSize: 10,
    },
    { scannerName: "test", calibratedAt: new Date() },
  );
  bench.world.presentFieldAt(0);
  await bench.session.switchLens("A");
  await bench.session.moveFocus(0);
  const startUm = mapping.predict(0, bench.world.temperatureC()).zBUm;
  const misleadingSearch = fromPromise(() =>
    Promise.resolve({
      outcome: "found" as const,
      zUm: startUm + 2,
      peakScore: 1,
      method: "parabola",
      samples: [{ zUm: startUm, score: 1e9 }],
      frames: 1,
      elapsedMs: 0,
      reason: null,
    })
  );

  const result = await bench.session.run(
    handoffMachine.provide({
      // A stand-in search that claims a peak where the image is blurred.
      actors: {
        autofocus: misleadingSearch as unknown as typeof autofocusMachine,
      },
    }),
    {
      zSourceUm: 0,
      turretRef: bench.session.turretRef,
      focusRef: bench.session.focusRef,
      camera: bench.scanner.camera,
      temperature: bench.scanner.temperature,
      mapping,
      clock: bench.clock,
      lensB: bench.lenses.B,
      strategy: "ultra_fast",
      metric: "tenengrad",
      concurrent: true,
      maxFrames: 8,
    },
  );

  assert.equal(result.success, false);
  assert.equal(result.error?.device, "autofocus");
  assert.match(
    result.error?.message ?? "",
    /blurrier than where the search started/,
  );
  assert.ok(Math.abs(bench.scanner.focus.positionUm() - startUm) < 0.02);
  await bench.stop();
});
