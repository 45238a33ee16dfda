import assert from "node:assert/strict";
import {
  DeviceDisconnectedError,
  DeviceFaultError,
  DeviceTimeoutError,
} from "../../../drivers/errors.ts";
import { makeRig } from "./_helpers.ts";

Deno.test("a lens switch takes switch_time_ms and puts the lens in the light path", async () => {
  const { clock, turret, world, config } = makeRig();
  assert.equal(turret.currentLens(), null);

  const startMs = clock.now();
  const switching = turret.switchTo("B");
  await clock.sleep(1);
  const midPath = world.lensInPath();
  await switching;

  assert.equal(
    clock.now() - startMs,
    config.hardware.lens_turret.switch_time_ms,
  );
  assert.equal(midPath, null);
  assert.equal(turret.currentLens(), "B");
  assert.equal(world.lensInPath(), "B");
});

Deno.test("an injected fault leaves the lens unknown", async () => {
  const { turret, world } = makeRig();
  await turret.switchTo("B");
  turret.failNext("fault");

  await assert.rejects(() => turret.switchTo("A"), DeviceFaultError);

  assert.equal(turret.currentLens(), null);
  assert.equal(world.lensInPath(), null);
});

Deno.test("a silent turret times out after timeout_ms", async () => {
  const { clock, turret, config } = makeRig();
  turret.failNext("timeout");
  const startMs = clock.now();

  await assert.rejects(() => turret.switchTo("B"), DeviceTimeoutError);

  assert.equal(clock.now() - startMs, config.hardware.lens_turret.timeout_ms);
});

Deno.test("a hung turret answers only the caller's abort", async () => {
  const { turret } = makeRig();
  turret.failNext("hang");
  const controller = new AbortController();
  const switching = turret.switchTo("B", controller.signal);

  controller.abort(new Error("handoff gave up"));

  await assert.rejects(() => switching, { message: "handoff gave up" });
});

Deno.test("a closed turret refuses to switch", async () => {
  const { turret } = makeRig();
  await turret.close();

  await assert.rejects(() => turret.switchTo("A"), DeviceDisconnectedError);
});
