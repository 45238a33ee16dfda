import assert from "node:assert/strict";
import { DeviceFaultError } from "../../../drivers/errors.ts";
import { makeRig } from "./_helpers.ts";

Deno.test("a 10 um move on lens B takes 10/300 s plus the 8 ms settle", async () => {
  const { clock, turret, motor } = makeRig();
  await turret.switchTo("B");

  const startMs = clock.now();
  await motor.moveTo(10);

  assert.ok(Math.abs(clock.now() - startMs - (10 / 300 * 1000 + 8)) < 1e-6);
  assert.equal(motor.positionUm(), 10);
});

Deno.test("a move on lens A uses lens A's speed and settle time", async () => {
  const { clock, turret, motor } = makeRig();
  await turret.switchTo("A");

  const startMs = clock.now();
  await motor.moveTo(-5);

  assert.ok(Math.abs(clock.now() - startMs - (5 / 500 * 1000 + 5)) < 1e-6);
});

Deno.test("a move outside the lens's range is refused with the range in the message", async () => {
  const { clock, turret, motor } = makeRig();
  await turret.switchTo("B");
  const startMs = clock.now();

  await assert.rejects(() => motor.moveTo(21.5), {
    name: "RangeError",
    message: "Cannot move focus to 21.5 um: lens B allows -15..15 um",
  });
  await assert.rejects(() => motor.moveTo(Number.NaN), RangeError);
  assert.equal(clock.now(), startMs);
  assert.equal(motor.positionUm(), 0);
});

Deno.test("the reported position is the target rounded to the motor's precision", async () => {
  const { turret, motor, world } = makeRig();
  await turret.switchTo("A");

  await motor.moveTo(3.14159);

  assert.equal(motor.positionUm(), 3.14);
  assert.ok(Math.abs(world.focusPositionUm() - 3.14) <= 0.01 + 1e-9);
});

Deno.test("the objective is between start and target halfway through a move", async () => {
  const { clock, turret, motor, world } = makeRig();
  await turret.switchTo("B");
  const move = motor.moveTo(10);

  await clock.sleep(10 / 300 * 1000 / 2);
  const midUm = world.focusPositionUm();
  await move;

  assert.ok(midUm > 2 && midUm < 8, `objective at ${midUm} um mid-move`);
  assert.equal(motor.positionUm(), 10);
});

Deno.test("the objective still rings just after travel and is still by the end of settle", async () => {
  const { clock, turret, motor, world } = makeRig();
  await turret.switchTo("B");
  const move = motor.moveTo(10);

  await clock.sleep(10 / 300 * 1000 + 0.5);
  const ringingErrorUm = Math.abs(world.focusPositionUm() - 10);
  await move;
  const settledErrorUm = Math.abs(world.focusPositionUm() - 10);

  assert.ok(ringingErrorUm > 0.2, `ringing error ${ringingErrorUm} um`);
  assert.ok(settledErrorUm < 0.05, `settled error ${settledErrorUm} um`);
});

Deno.test("an injected fault fails the next move only", async () => {
  const { turret, motor } = makeRig();
  await turret.switchTo("B");
  motor.failNext("fault");

  await assert.rejects(() => motor.moveTo(1), DeviceFaultError);
  await motor.moveTo(1);

  assert.equal(motor.positionUm(), 1);
});

Deno.test("an abandoned move still completes and is then reported", async () => {
  const { clock, turret, motor } = makeRig();
  await turret.switchTo("B");
  const controller = new AbortController();
  const move = motor.moveTo(6, controller.signal);

  controller.abort(new Error("handoff aborted"));
  await assert.rejects(() => move, { message: "handoff aborted" });
  assert.equal(motor.positionUm(), 0);
  await clock.sleep(6 / 300 * 1000 + 8);

  assert.equal(motor.positionUm(), 6);
});

Deno.test("while the turret turns a move uses the slower lens's speed and settle", async () => {
  const { clock, turret, motor } = makeRig();
  await turret.switchTo("A");
  const switching = turret.switchTo("B");
  await clock.sleep(1);

  const startMs = clock.now();
  await motor.moveTo(3);
  const elapsedMs = clock.now() - startMs;
  await switching;

  assert.ok(Math.abs(elapsedMs - (3 / 300 * 1000 + 8)) < 1e-6);
});
