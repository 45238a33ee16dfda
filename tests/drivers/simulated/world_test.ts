import assert from "node:assert/strict";
import { SimulatedFieldStage } from "../../../drivers/simulated/field_stage.ts";
import { SimulatedTemperatureSensor } from "../../../drivers/simulated/temperature_sensor.ts";
import { SimulatedIllumination } from "../../../drivers/simulated/illumination.ts";
import { makeRig } from "./_helpers.ts";

Deno.test("presentFieldAt puts the new field's lens-A focus at the asked height", () => {
  const { world } = makeRig();
  const before = world.field();

  const field = world.presentFieldAt(4.25);

  assert.notEqual(field.index, before.index);
  assert.ok(Math.abs(world.trueFocusUm("A") - 4.25) < 1e-9);
});

Deno.test("lens-B focus is lens-A focus plus the true parfocal offset", () => {
  const { world } = makeRig();
  world.presentFieldAt(-6);

  const zAUm = world.trueFocusUm("A");
  const offsetUm = world.trueParfocalOffsetUm(zAUm, world.temperatureC());

  assert.ok(Math.abs(world.trueFocusUm("B") - (zAUm + offsetUm)) < 1e-9);
});

Deno.test("warming by 10 C shifts lens-B focus by a few um and leaves lens A", () => {
  const { world } = makeRig();
  world.presentFieldAt(3);
  world.setTemperatureC(22);
  const coolA = world.trueFocusUm("A");
  const coolB = world.trueFocusUm("B");

  world.setTemperatureC(32);

  const shiftUm = Math.abs(world.trueFocusUm("B") - coolB);
  assert.equal(world.temperatureC(), 32);
  assert.equal(world.trueFocusUm("A"), coolA);
  assert.ok(shiftUm > 1.5 && shiftUm < 4.5, `shift ${shiftUm} um`);
});

Deno.test("the parfocal offset is not linear in z", () => {
  const { world } = makeRig(5);
  const at = (zUm: number) => world.trueParfocalOffsetUm(zUm, 22);

  const curvatureUm = at(-15) + at(15) - 2 * at(0);

  assert.ok(Math.abs(curvatureUm) > 0.5, `curvature ${curvatureUm} um`);
});

Deno.test("the focal surface differs between fields of the slide", () => {
  const { world } = makeRig();
  const heights = Array.from({ length: 8 }, () => {
    world.presentField();
    return world.trueFocusUm("A");
  });

  const spreadUm = Math.max(...heights) - Math.min(...heights);
  assert.ok(spreadUm > 0.5 && spreadUm < 15, `spread ${spreadUm} um`);
});

Deno.test("focus drifts slowly with time at the configured rate", async () => {
  const { world, clock, config } = makeRig();
  world.presentFieldAt(0);

  await clock.sleep(3_600_000);

  const driftUm = world.trueFocusUm("A");
  assert.ok(
    Math.abs(driftUm - config.simulation.focus_drift_um_per_hour) < 1e-9,
  );
});

Deno.test("the temperature sensor reads the world within noise at 0.01 C", async () => {
  const { world } = makeRig();
  const sensor = new SimulatedTemperatureSensor(world);
  world.setTemperatureC(25.5);

  const readingC = await sensor.readC();

  assert.ok(Math.abs(readingC - 25.5) < 0.1);
  assert.equal(Math.round(readingC * 100) / 100, readingC);
});

Deno.test("the LED accepts levels up to max_brightness and reads them back", async () => {
  const { world } = makeRig();
  const led = new SimulatedIllumination(world);
  await led.init();
  assert.equal(await led.readBrightness(), 128);

  await led.setBrightness(200);

  assert.equal(await led.readBrightness(), 200);
  await assert.rejects(() => led.setBrightness(256), RangeError);
});

Deno.test("the field stage presents a field at the asked lens-A focus", async () => {
  const { world } = makeRig();
  const stage = new SimulatedFieldStage(world);

  await stage.presentFieldAt(-2.5);

  assert.ok(Math.abs(world.trueFocusUm("A") + 2.5) < 1e-9);
});
