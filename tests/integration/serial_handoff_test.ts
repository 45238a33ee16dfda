import assert from "node:assert/strict";
import { depthOfFieldUm } from "../../domain/lens.ts";
import { lensProfiles } from "../../config/lenses.ts";
import { createApp } from "../../http/app.ts";
import {
  deviceActor,
  devicesAtRest,
  pendingCommands,
  startSerialService,
} from "./_serial_service.ts";

Deno.test("handoffs over serial land in lens B's depth of field and leave nothing waiting", async () => {
  const rig = await startSerialService();
  try {
    const { service, emulators } = rig;
    const halfDepthUm = depthOfFieldUm(lensProfiles(rig.config).B) / 2;
    assert.equal(service.phase, "ready", service.notice ?? "");

    for (const zSourceUm of [-6, -2, 0, 3, 7]) {
      const outcome = await service.requestHandoff(zSourceUm);

      assert.equal(outcome.kind, "completed");
      if (outcome.kind !== "completed") return;
      const result = outcome.result;
      assert.equal(result.success, true, result.error?.message);
      const errorUm = Math.abs(
        result.z_target - service.world!.trueFocusUm("B"),
      );
      assert.ok(errorUm <= halfDepthUm, `z ${zSourceUm}: off by ${errorUm} um`);
      assert.equal(emulators.world.lensInPath(), "B");
      // The piezo steps 0.01 um; the search's peak is finer than that.
      const stepUm = rig.config.hardware.focus_motor.precision_um;
      const reportedUm = emulators.world.reportedFocusUm();
      assert.ok(Math.abs(reportedUm - result.z_target) <= stepUm / 2 + 1e-9);
    }

    await devicesAtRest(service);
    assert.deepEqual(pendingCommands(rig.drivers), {
      turret: 0,
      focus: 0,
      illumination: 0,
    });
    assert.equal(rig.clock.pendingTimers, 0);
    assert.equal(
      deviceActor(service, "turret").getSnapshot().context.lens,
      "B",
    );
    const health = await createApp(service).request("/health");
    assert.equal(health.status, 200);
    assert.equal((await health.json()).performance.success_rate, 1);
  } finally {
    await rig.close();
  }
});
