import assert from "node:assert/strict";
import {
  DeviceDisconnectedError,
  DeviceFaultError,
  DeviceTimeoutError,
} from "../../../drivers/errors.ts";
import { rejectionOf } from "../../serial/_helpers.ts";
import { reconnected, startRig } from "./_rig.ts";

Deno.test("SerialTurret initialises and switches lenses over a pseudo-terminal", async () => {
  const rig = await startRig();
  try {
    await rig.turret.init();
    assert.equal(rig.turret.currentLens(), null);

    await rig.turret.switchTo("B");

    assert.equal(rig.turret.currentLens(), "B");
    assert.equal(rig.emulators.devices.turret.lensInPath(), "B");
    assert.deepEqual(rig.traffic.turret, [
      "--> INIT",
      "<-- OK",
      "--> SWITCH_LENS_B",
      "<-- COMPLETE",
    ]);
  } finally {
    await rig.close();
  }
});

Deno.test("SerialTurret start-up names the port and what to check when INIT is never answered", async () => {
  const rig = await startRig();
  try {
    rig.emulators.faults.turret.inject({ kind: "silent", on: "INIT" });

    const error = await rejectionOf(rig.turret.init(), DeviceTimeoutError);

    assert.equal(error.device, "turret");
    assert.ok(error.message.includes(rig.emulators.ports.turret));
    assert.match(error.message, /hardware\.lens_turret\.port/);
    assert.match(error.message, /powered/);
    assert.match(error.message, /115200 baud/);
  } finally {
    await rig.close();
  }
});

Deno.test("SerialTurret reports a rejected INIT as a fault with the reply", async () => {
  const rig = await startRig();
  try {
    rig.emulators.faults.turret.inject({ kind: "error", on: "INIT" });

    const error = await rejectionOf(rig.turret.init(), DeviceFaultError);

    assert.equal(error.reply, "REJECTED");
    assert.match(error.message, /rejected INIT/);
  } finally {
    await rig.close();
  }
});

Deno.test("SerialTurret forgets the lens when SWITCH_LENS_B gets no reply, and recovers by switching again", async () => {
  const rig = await startRig();
  try {
    await rig.turret.init();
    await rig.turret.switchTo("A");
    rig.emulators.faults.turret.inject({ kind: "drop", on: "SWITCH_LENS_B" });

    const error = await rejectionOf(
      rig.turret.switchTo("B"),
      DeviceTimeoutError,
    );
    assert.match(error.message, /lens in place is now unknown/);
    assert.equal(rig.turret.currentLens(), null);

    await rig.turret.switchTo("B");
    assert.equal(rig.turret.currentLens(), "B");
  } finally {
    await rig.close();
  }
});

Deno.test("SerialTurret failing mid-switch leaves the lens unknown until an explicit switch", async () => {
  const rig = await startRig();
  try {
    await rig.turret.init();
    await rig.turret.switchTo("A");
    rig.emulators.faults.turret.inject({ kind: "error", on: "SWITCH_LENS_B" });

    const error = await rejectionOf(rig.turret.switchTo("B"), DeviceFaultError);
    assert.equal(error.reply, "JAMMED");
    assert.equal(rig.turret.currentLens(), null);
    assert.equal(rig.emulators.devices.turret.lensInPath(), null);

    await rig.turret.switchTo("A");
    assert.equal(rig.turret.currentLens(), "A");
    assert.equal(rig.emulators.devices.turret.lensInPath(), "A");
  } finally {
    await rig.close();
  }
});

Deno.test("SerialTurret copes with a stray line, a split reply, an echo and a doubled reply", async () => {
  const rig = await startRig();
  try {
    await rig.turret.init();
    const faults = rig.emulators.faults.turret;

    faults.inject({ kind: "stray", on: "SWITCH_LENS_B" });
    await rig.turret.switchTo("B");
    faults.inject({ kind: "split", on: "SWITCH_LENS_A", delayMs: 50 });
    await rig.turret.switchTo("A");
    faults.inject({ kind: "echo", on: "SWITCH_LENS_B" });
    await rig.turret.switchTo("B");
    faults.inject({ kind: "merge", on: "SWITCH_LENS_B" });
    await rig.turret.switchTo("B");
    await rig.turret.switchTo("A");

    assert.equal(rig.turret.currentLens(), "A");
    assert.equal(rig.emulators.devices.turret.lensInPath(), "A");
    assert.ok(
      rig.traffic.turret.some((line) => line.endsWith("(unsolicited)")),
    );
    assert.ok(rig.traffic.turret.includes("<-- SWITCH_LENS_B (echo)"));
  } finally {
    await rig.close();
  }
});

Deno.test("SerialTurret reports a port closed mid-switch as a disconnect and works once it is back", async () => {
  const rig = await startRig();
  try {
    await rig.turret.init();
    rig.emulators.faults.turret.inject({
      kind: "close",
      on: "SWITCH_LENS_B",
      delayMs: 5,
    });

    const error = await rejectionOf(
      rig.turret.switchTo("B"),
      DeviceDisconnectedError,
    );
    assert.match(error.message, /went away/);
    assert.equal(rig.turret.currentLens(), null);

    await reconnected(rig.turret.transport);
    await rig.turret.switchTo("B");
    assert.equal(rig.turret.currentLens(), "B");
    assert.deepEqual(rig.traffic.turret.slice(-4), [
      "--> INIT",
      "<-- OK",
      "--> SWITCH_LENS_B",
      "<-- COMPLETE",
    ]);
  } finally {
    await rig.close();
  }
});
