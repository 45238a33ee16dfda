import assert from "node:assert/strict";
import {
  DeviceDisconnectedError,
  DeviceFaultError,
} from "../../../drivers/errors.ts";
import { FOCUS_EMULATOR_IDENTITY } from "../../../emulator/focus_emulator.ts";
import { rejectionOf } from "../../serial/_helpers.ts";
import { reconnected, startRig } from "./_rig.ts";

Deno.test("SerialFocusMotor reads the identity, sets the precision and moves until READY", async () => {
  const rig = await startRig();
  try {
    await rig.turret.init();
    await rig.turret.switchTo("A");
    await rig.focus.init();
    assert.equal(rig.focus.identity, FOCUS_EMULATOR_IDENTITY);

    await rig.focus.moveTo(3.004);

    assert.equal(rig.focus.positionUm(), 3);
    assert.equal(rig.emulators.world.reportedFocusUm(), 3);
    assert.equal(rig.emulators.world.focusMoveInProgress(), false);
    assert.equal(rig.emulators.devices.focus.precisionUm, 0.01);
    assert.deepEqual(rig.traffic.focus.slice(0, 4), [
      "--> *IDN?",
      `<-- ${FOCUS_EMULATOR_IDENTITY}`,
      "--> PREC 0.01",
      "--> MOV 3.000",
    ]);
    assert.deepEqual(rig.traffic.focus.slice(-2), ["--> MOV?", "<-- READY"]);
  } finally {
    await rig.close();
  }
});

Deno.test("SerialFocusMotor fails the move with DeviceFaultError when MOV? answers ERROR", async () => {
  const rig = await startRig();
  try {
    await rig.turret.init();
    await rig.turret.switchTo("B");
    await rig.focus.init();
    rig.emulators.faults.focus.inject({ kind: "error", on: "MOV?" });

    const error = await rejectionOf(rig.focus.moveTo(-2), DeviceFaultError);

    assert.equal(error.device, "focus_motor");
    assert.equal(error.reply, "ERROR");
    assert.match(error.message, /reported ERROR while moving to -2\.000 um/);
    await rig.focus.moveTo(1);
    assert.equal(rig.focus.positionUm(), 1);
  } finally {
    await rig.close();
  }
});

Deno.test("SerialFocusMotor reports a port closed during a move as a disconnect, then moves once it is back", async () => {
  const rig = await startRig();
  try {
    await rig.turret.init();
    await rig.turret.switchTo("A");
    await rig.focus.init();
    rig.emulators.faults.focus.inject({ kind: "close", on: "MOV", delayMs: 2 });

    await rejectionOf(rig.focus.moveTo(15), DeviceDisconnectedError);

    await reconnected(rig.focus.transport);
    const sent = rig.traffic.focus.length;
    await rig.focus.moveTo(-5);
    assert.equal(rig.focus.positionUm(), -5);
    assert.deepEqual(rig.traffic.focus.slice(sent, sent + 4), [
      "--> *IDN?",
      `<-- ${FOCUS_EMULATOR_IDENTITY}`,
      "--> PREC 0.01",
      "--> MOV -5.000",
    ]);
  } finally {
    await rig.close();
  }
});

Deno.test("SerialFocusMotor refuses a target outside the lens range without sending it", async () => {
  const rig = await startRig();
  try {
    await rig.turret.init();
    await rig.turret.switchTo("B");
    await rig.focus.init();
    const sent = rig.traffic.focus.length;

    await assert.rejects(rig.focus.moveTo(18), {
      name: "RangeError",
      message: "Cannot move focus to 18 um: lens B allows -15..15 um",
    });
    assert.equal(rig.traffic.focus.length, sent);
  } finally {
    await rig.close();
  }
});
