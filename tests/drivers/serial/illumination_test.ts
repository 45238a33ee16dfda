import assert from "node:assert/strict";
import { DeviceFaultError } from "../../../drivers/errors.ts";
import { rejectionOf } from "../../serial/_helpers.ts";
import { startRig } from "./_rig.ts";

Deno.test("SerialIllumination sets the default level at init and reads levels back", async () => {
  const rig = await startRig();
  try {
    rig.emulators.world.setIlluminationLevel(0);

    await rig.illumination.init();
    assert.equal(rig.emulators.world.illuminationLevel(), 128);

    await rig.illumination.setBrightness(200);
    assert.equal(await rig.illumination.readBrightness(), 200);
    assert.deepEqual(rig.traffic.illumination, [
      "--> BRIGHT 128",
      "<-- OK",
      "--> BRIGHT 200",
      "<-- OK",
      "--> BRIGHT?",
      "<-- 200",
    ]);
  } finally {
    await rig.close();
  }
});

Deno.test("SerialIllumination refuses a level above max_brightness", async () => {
  const rig = await startRig();
  try {
    await rig.illumination.init();

    await assert.rejects(rig.illumination.setBrightness(256), RangeError);
    await assert.rejects(rig.illumination.setBrightness(1.5), RangeError);
  } finally {
    await rig.close();
  }
});

Deno.test("SerialIllumination reports an ERROR reply as a fault", async () => {
  const rig = await startRig();
  try {
    await rig.illumination.init();
    rig.emulators.faults.illumination.inject({ kind: "error", on: "BRIGHT" });

    const error = await rejectionOf(
      rig.illumination.setBrightness(10),
      DeviceFaultError,
    );

    assert.equal(error.reply, "ERROR");
    assert.equal(rig.emulators.world.illuminationLevel(), 128);
  } finally {
    await rig.close();
  }
});
