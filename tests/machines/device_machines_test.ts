import assert from "node:assert/strict";
import { SimulatedClock } from "../../domain/clock.ts";
import { moveTimeoutMs } from "../../machines/focus_motor_machine.ts";
import {
  FakeFocusMotor,
  FakeTurret,
  startDeviceMachines,
} from "./_fake_devices.ts";

function startDevices(clock: SimulatedClock) {
  return startDeviceMachines(
    clock,
    new FakeTurret(clock),
    new FakeFocusMotor(clock),
  );
}

Deno.test("a turret switch reports its time in simulated milliseconds", async () => {
  const clock = new SimulatedClock();
  const devices = startDevices(clock);

  const elapsedMs = await devices.session.switchLens("B");

  assert.equal(elapsedMs, 25);
  assert.equal(devices.turretRef.getSnapshot().value, "idle");
  assert.equal(devices.turretRef.getSnapshot().context.lens, "B");
  devices.stop();
});

Deno.test("a failed switch leaves the turret in fault with the cause and the lens unknown", async () => {
  const clock = new SimulatedClock();
  const devices = startDevices(clock);
  devices.turret.next = "fail";

  await assert.rejects(devices.session.switchLens("B"), /JAMMED/);

  const snapshot = devices.turretRef.getSnapshot();
  assert.equal(snapshot.value, "fault");
  assert.match(snapshot.context.fault ?? "", /JAMMED/);
  assert.equal(snapshot.context.lens, null);
  devices.stop();
});

Deno.test("a turret that never answers times out into fault and recovers on the next switch", async () => {
  const clock = new SimulatedClock();
  const devices = startDevices(clock);
  devices.turret.next = "hang";

  await assert.rejects(devices.session.switchLens("B"), /within 200 ms/);
  assert.equal(devices.turretRef.getSnapshot().value, "fault");
  assert.equal(clock.now(), 200);

  await devices.session.switchLens("B");
  assert.equal(devices.turretRef.getSnapshot().value, "idle");
  assert.deepEqual(devices.turret.commands, ["B", "B"]);
  devices.stop();
});

Deno.test("a focus move settles at the target and reports the travel time", async () => {
  const clock = new SimulatedClock();
  const devices = startDevices(clock);

  const moved = await devices.session.moveFocus(3);

  assert.equal(moved.zUm, 3);
  assert.equal(moved.elapsedMs, 10);
  devices.stop();
});

Deno.test("a focus fault is kept on the machine and the next move clears it", async () => {
  const clock = new SimulatedClock();
  const devices = startDevices(clock);
  devices.motor.next = "fail";

  await assert.rejects(devices.session.moveFocus(3), /ERROR to MOV\?/);
  assert.equal(devices.focusRef.getSnapshot().value, "fault");

  await devices.session.moveFocus(3);
  assert.equal(devices.focusRef.getSnapshot().value, "idle");
  assert.equal(devices.focusRef.getSnapshot().context.fault, null);
  devices.stop();
});

Deno.test("a move timeout allows three times the expected travel and settle", () => {
  const timeoutMs = moveTimeoutMs(
    { slowestSpeedUmPerS: 300, longestSettleMs: 8 },
    0,
    30,
  );

  assert.equal(timeoutMs, 3 * (100 + 8) + 250);
});
