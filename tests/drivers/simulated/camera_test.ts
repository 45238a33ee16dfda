import assert from "node:assert/strict";
import { gradientEnergy, makeRig, pixelStdDev, toStep } from "./_helpers.ts";

Deno.test("a lens-B frame at true focus is sharper than one 1 um away", async () => {
  const { turret, motor, camera, world } = makeRig();
  world.presentFieldAt(2);
  await turret.switchTo("B");
  const focusUm = world.trueFocusUm("B");

  await motor.moveTo(toStep(focusUm));
  const sharp = gradientEnergy(await camera.capture());
  await motor.moveTo(toStep(focusUm + 1));
  const above = gradientEnergy(await camera.capture());
  await motor.moveTo(toStep(focusUm - 1));
  const below = gradientEnergy(await camera.capture());

  assert.ok(sharp > 1.5 * above, `${sharp} vs ${above} 1 um above`);
  assert.ok(sharp > 1.5 * below, `${sharp} vs ${below} 1 um below`);
});

Deno.test("a lens-B focus curve through the true focus peaks within one step of it", async () => {
  const { turret, motor, camera, world } = makeRig(7);
  world.presentFieldAt(-3);
  await turret.switchTo("B");
  const focusUm = world.trueFocusUm("B");
  const stepUm = 0.2;

  const curve: { zUm: number; score: number }[] = [];
  for (let k = -6; k <= 6; k++) {
    const zUm = toStep(focusUm + 0.07 + k * stepUm);
    await motor.moveTo(zUm);
    curve.push({ zUm, score: gradientEnergy(await camera.capture()) });
  }
  const best = curve.reduce((a, b) => (b.score > a.score ? b : a));

  assert.ok(
    Math.abs(best.zUm - focusUm) <= stepUm,
    `peak at ${best.zUm} um, true focus ${focusUm} um`,
  );
  assert.ok(
    best.score > 2 * curve[0].score && best.score > 2 * curve[12].score,
  );
});

Deno.test("a lens-A focus curve falls smoothly on both sides of its single peak", async () => {
  const { turret, motor, camera, world } = makeRig(3);
  world.presentFieldAt(0);
  await turret.switchTo("A");
  const focusUm = world.trueFocusUm("A");

  const scores: number[] = [];
  for (let k = -8; k <= 8; k += 2) {
    await motor.moveTo(toStep(focusUm + k));
    scores.push(gradientEnergy(await camera.capture()));
  }
  const peak = scores.indexOf(Math.max(...scores));

  assert.equal(peak, 4);
  for (let i = 0; i < peak; i++) assert.ok(scores[i] < scores[i + 1]);
  for (let i = peak; i < scores.length - 1; i++) {
    assert.ok(scores[i] > scores[i + 1]);
  }
});

Deno.test("a blank field gives an almost featureless frame", async () => {
  const { turret, motor, camera, world } = makeRig();
  await turret.switchTo("B");
  world.presentFieldAt(1);
  await motor.moveTo(toStep(world.trueFocusUm("B")));
  const smear = await camera.capture();
  world.presentField({ density: 0 });
  const blank = await camera.capture();

  assert.ok(pixelStdDev(blank) < 4, `blank std ${pixelStdDev(blank)}`);
  assert.ok(pixelStdDev(smear) > 5 * pixelStdDev(blank));
});

Deno.test("the same seed gives identical frames and another seed different ones", async () => {
  const capture = async (seed: number) => {
    const { turret, motor, camera, world } = makeRig(seed);
    world.presentFieldAt(1.5);
    await turret.switchTo("B");
    await motor.moveTo(toStep(world.trueFocusUm("B") + 0.3));
    return (await camera.capture()).pixels;
  };

  const first = await capture(11);
  const again = await capture(11);
  const other = await capture(12);

  assert.deepEqual(again, first);
  assert.notDeepEqual(other, first);
});

Deno.test("a frame exposed before the move settles is blurrier than a settled one", async () => {
  const { clock, turret, motor, camera, world } = makeRig();
  world.presentFieldAt(0);
  await turret.switchTo("B");
  const focusUm = world.trueFocusUm("B");
  await motor.moveTo(toStep(focusUm - 10));

  const move = motor.moveTo(toStep(focusUm));
  await clock.sleep(10 / 300 * 1000 - 5);
  const early = await camera.capture();
  await move;
  const settled = await camera.capture();

  assert.equal(early.zUm, toStep(focusUm - 10));
  assert.equal(settled.zUm, toStep(focusUm));
  assert.ok(gradientEnergy(settled) > 1.3 * gradientEnergy(early));
});

Deno.test("a capture takes the configured exposure time and records lens and time", async () => {
  const { clock, turret, camera, config } = makeRig();
  await turret.switchTo("A");
  const startMs = clock.now();

  const frame = await camera.capture();

  assert.equal(
    frame.capturedAtMs - startMs,
    config.hardware.camera.exposure_ms,
  );
  assert.equal(frame.lens, "A");
  assert.deepEqual([frame.widthPx, frame.heightPx], camera.resolutionPx);
  assert.equal(frame.pixels.length, frame.widthPx * frame.heightPx);
});

Deno.test("a frame taken while the turret turns is dark", async () => {
  const { clock, turret, camera } = makeRig();
  const switching = turret.switchTo("B");
  await clock.sleep(2);

  const frame = await camera.capture();
  await switching;

  const mean = frame.pixels.reduce((a, b) => a + b, 0) / frame.pixels.length;
  assert.ok(mean < 10, `mean ${mean} DN`);
});

Deno.test("on a tilted field only the side whose focus the objective is at is sharp", async () => {
  const { turret, motor, camera, world, config } = makeRig();
  await turret.switchTo("A");
  world.presentField({ tiltUmPerFrame: 8 });
  const quarterUm = config.simulation.frame_width_px *
    world.pixelSizeUm("A") / 4;

  await motor.moveTo(toStep(world.trueFocusUm("A", undefined, -quarterUm)));
  const frame = await camera.capture();

  const half = (from: number) => {
    const widthPx = frame.widthPx / 2;
    const pixels = new Uint8Array(widthPx * frame.heightPx);
    for (let y = 0; y < frame.heightPx; y++) {
      const row = y * frame.widthPx + from;
      pixels.set(frame.pixels.subarray(row, row + widthPx), y * widthPx);
    }
    return gradientEnergy({ widthPx, heightPx: frame.heightPx, pixels });
  };
  assert.ok(half(0) > 1.5 * half(frame.widthPx / 2));
});

Deno.test("brighter illumination gives a brighter frame of the same field", async () => {
  const { turret, camera, world } = makeRig();
  await turret.switchTo("A");
  const mean = (pixels: Uint8Array) =>
    pixels.reduce((a, b) => a + b, 0) / pixels.length;

  world.setIlluminationLevel(64);
  const dim = mean((await camera.capture()).pixels);
  world.setIlluminationLevel(192);
  const bright = mean((await camera.capture()).pixels);

  assert.ok(bright > dim * 1.1 && bright < dim * 1.6, `${dim} -> ${bright}`);
});
