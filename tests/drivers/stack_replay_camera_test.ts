import assert from "node:assert/strict";
import { SimulatedClock } from "../../domain/clock.ts";
import type { GrayImage } from "../../domain/frame.ts";
import {
  StackFocusMotor,
  StackReplayCamera,
} from "../../drivers/stack_replay_camera.ts";

function tinyStack(count: number): GrayImage[] {
  return Array.from({ length: count }, (_, i) => ({
    widthPx: 2,
    heightPx: 1,
    pixels: new Uint8Array([i, i]),
  }));
}

function rig(count = 5, zStepUm = 2) {
  const clock = new SimulatedClock();
  const motor = new StackFocusMotor({ sliceCount: count, zStepUm, clock });
  const camera = new StackReplayCamera({
    slices: tinyStack(count),
    zStepUm,
    focusPositionUm: () => motor.positionUm(),
    clock,
    exposureMs: 10,
  });
  return { clock, motor, camera };
}

Deno.test("the stack camera serves the slice nearest the motor's z", async () => {
  const { motor, camera } = rig();

  await motor.moveTo(2.9);
  const nearOne = await camera.capture();
  await motor.moveTo(3.1);
  const nearTwo = await camera.capture();

  assert.equal(nearOne.pixels[0], 1);
  assert.equal(nearTwo.pixels[0], 2);
  assert.equal(nearTwo.zUm, 3.1);
});

Deno.test("the stack camera clamps z beyond the stack to its end slices", () => {
  const { camera } = rig();

  assert.equal(camera.sliceIndexAt(-3), 0);
  assert.equal(camera.sliceIndexAt(100), 4);
});

Deno.test("a stack capture takes the exposure time", async () => {
  const { clock, camera } = rig();
  const startMs = clock.now();

  const frame = await camera.capture();

  assert.equal(clock.now() - startMs, 10);
  assert.equal(frame.capturedAtMs, clock.now());
  assert.deepEqual(camera.resolutionPx, [2, 1]);
});

Deno.test("the stack motor spans the stack and refuses moves beyond it", async () => {
  const { clock, motor } = rig(5, 2);
  const startMs = clock.now();

  await motor.moveTo(8);

  assert.equal(clock.now() - startMs, 8 / 500 * 1000 + 5);
  await assert.rejects(() => motor.moveTo(8.5), {
    name: "RangeError",
    message: "Cannot move focus to 8.5 um: the focus stack spans 0..8 um",
  });
});

Deno.test("a frame's pixels are a copy the caller may change", async () => {
  const { camera } = rig();
  const first = await camera.capture();
  first.pixels[0] = 99;

  const second = await camera.capture();

  assert.equal(second.pixels[0], 0);
});
