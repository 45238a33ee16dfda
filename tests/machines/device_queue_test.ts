import assert from "node:assert/strict";
import { SimulatedClock } from "../../domain/clock.ts";
import {
  FakeFocusMotor,
  FakeTurret,
  startDeviceMachines,
} from "./_fake_devices.ts";

function startDevices() {
  const clock = new SimulatedClock();
  return startDeviceMachines(
    clock,
    new FakeTurret(clock),
    new FakeFocusMotor(clock),
  );
}

Deno.test("a switch asked for during a switch runs after it, and both are answered", async () => {
  const devices = startDevices();

  const [first, second] = await Promise.all([
    devices.session.switchLens("B"),
    devices.session.switchLens("A"),
  ]);

  assert.equal(first, 25);
  assert.equal(second, 25);
  assert.deepEqual(devices.turret.commands, ["B", "A"]);
  assert.equal(devices.turretRef.getSnapshot().value, "idle");
  assert.equal(devices.turretRef.getSnapshot().context.lens, "A");
  devices.stop();
});

Deno.test("a later request replaces a waiting one, which is answered as replaced", async () => {
  const devices = startDevices();

  const running = devices.session.moveFocus(3);
  const replaced = devices.session.moveFocus(6);
  const latest = devices.session.moveFocus(-3);

  assert.equal((await running).zUm, 3);
  await assert.rejects(replaced, {
    message: "Cannot move focus to 6 um: a later move to -3 um replaced it",
  });
  assert.equal((await latest).zUm, -3);
  assert.equal(devices.focusRef.getSnapshot().value, "idle");
  devices.stop();
});

Deno.test("a move waiting behind a failed one still runs", async () => {
  const devices = startDevices();
  devices.motor.next = "fail";

  const failing = devices.session.moveFocus(3);
  const waiting = devices.session.moveFocus(4);

  await assert.rejects(failing, /ERROR/);
  assert.equal((await waiting).zUm, 4);
  assert.equal(devices.focusRef.getSnapshot().value, "idle");
  devices.stop();
});
