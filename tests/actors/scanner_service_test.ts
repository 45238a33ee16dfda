import assert from "node:assert/strict";
import { depthOfFieldUm } from "../../domain/lens.ts";
import { lensProfiles } from "../../config/lenses.ts";
import type { SimulatedTurret } from "../../drivers/simulated/turret.ts";
import type { SimulatedFocusMotor } from "../../drivers/simulated/focus_motor.ts";
import { startService, testConfig } from "./_service_fixture.ts";

const HANDOFF_FIELDS = [
  "success",
  "z_target",
  "elapsed_ms",
  "mapping_error_um",
  "lens_switch_ms",
  "focus_move_ms",
  "focus_search_ms",
  "validation_ms",
] as const;

Deno.test("the controller calibrates itself at first start, then hands off into lens B's depth of field", async (t) => {
  const dir = await Deno.makeTempDir();
  const config = testConfig(dir);
  const service = await startService(config);
  const halfDepthUm = depthOfFieldUm(lensProfiles(config).B) / 2;

  await t.step("start-up says it calibrated and saves the file", async () => {
    assert.equal(service.phase, "ready");
    const last = service.calibrationStatus().last;
    assert.ok(last?.completed, last?.failure ?? "no calibration report");
    assert.ok(last.heldOutRmsUm! <= 0.1, `held-out RMS ${last.heldOutRmsUm}`);
    const saved = JSON.parse(
      await Deno.readTextFile(config.paths.calibration_file),
    );
    assert.equal(saved.calibration_points.length, 12);
  });

  await t.step(
    "a handoff from z 3 reports every field and lands in focus",
    async () => {
      const outcome = await service.requestHandoff(3);

      assert.equal(outcome.kind, "completed");
      if (outcome.kind !== "completed") return;
      const result = outcome.result;
      for (const field of HANDOFF_FIELDS) {
        assert.notEqual(result[field], undefined, field);
      }
      assert.equal(result.success, true, result.error?.message);
      const trueFocusUm = service.world!.trueFocusUm("B");
      assert.ok(
        Math.abs(result.z_target - trueFocusUm) <= halfDepthUm,
        `landed ${result.z_target} um, true focus ${trueFocusUm} um`,
      );
      assert.ok(result.elapsed_ms <= config.performance.max_handoff_time_ms);
      assert.ok(result.frames <= 6, `${result.frames} frames`);
    },
  );

  await t.step(
    "twenty handoffs across the range all land in focus",
    async () => {
      for (let i = 0; i < 20; i++) {
        const zSourceUm = -10 + i;
        const outcome = await service.requestHandoff(zSourceUm);
        assert.equal(outcome.kind, "completed");
        if (outcome.kind !== "completed") return;
        assert.equal(
          outcome.result.success,
          true,
          outcome.result.error?.message,
        );
        const errorUm = Math.abs(
          outcome.result.z_target - service.world!.trueFocusUm("B"),
        );
        assert.ok(
          errorUm <= halfDepthUm,
          `z ${zSourceUm}: off by ${errorUm} um`,
        );
      }
      const performance = service.performance();
      assert.equal(performance.success_rate, 1);
      assert.equal(performance.total_handoffs, 21);
    },
  );

  await t.step(
    "a second request while a handoff runs is refused as busy",
    async () => {
      const first = service.requestHandoff(2);
      const second = await service.requestHandoff(4);
      assert.deepEqual(
        {
          kind: second.kind,
          reason: second.kind === "rejected" ? second.reason : "",
        },
        { kind: "rejected", reason: "busy" },
      );
      assert.equal((await first).kind, "completed");
    },
  );

  await t.step(
    "a turret fault fails the handoff naming the turret, and the next one succeeds",
    async () => {
      // The simulator first puts lens A back, as the scanning software would;
      // the second failure lands on the handoff's own switch to lens B.
      (service.scanner.turret as SimulatedTurret).failNext("fault", 2);
      const failed = await service.requestHandoff(1);
      assert.equal(failed.kind, "completed");
      if (failed.kind !== "completed") return;
      assert.equal(failed.result.success, false);
      assert.equal(failed.result.error?.device, "turret");
      assert.equal(service.phase, "ready");

      const next = await service.requestHandoff(1);
      assert.equal(next.kind === "completed" && next.result.success, true);
    },
  );

  await t.step(
    "a focus motor that stops answering fails the handoff naming the motor",
    async () => {
      (service.scanner.focus as SimulatedFocusMotor).failNext("hang", 2);
      const failed = await service.requestHandoff(2);
      assert.equal(failed.kind, "completed");
      if (failed.kind !== "completed") return;
      assert.equal(failed.result.success, false);
      assert.equal(failed.result.error?.device, "focus_motor");

      const next = await service.requestHandoff(2);
      assert.equal(next.kind === "completed" && next.result.success, true);
    },
  );

  await service.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a restart loads the saved calibration instead of calibrating again", async () => {
  const dir = await Deno.makeTempDir();
  const config = testConfig(dir);
  const first = await startService(config);
  const firstReport = first.mappingReport();
  await first.stop();

  const second = await startService(config);

  assert.equal(second.phase, "ready");
  assert.equal(second.calibrationStatus().last, null);
  assert.equal(
    second.mappingReport()?.calibration.calibrated_at,
    firstReport?.calibration.calibrated_at,
  );
  await second.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a corrupt calibration file is refused, kept on disk, and handoffs say why", async () => {
  const dir = await Deno.makeTempDir();
  const config = testConfig(dir);
  await Deno.writeTextFile(config.paths.calibration_file, "{ not json");

  const service = await startService(config);

  assert.equal(service.phase, "uncalibrated");
  assert.match(service.notice ?? "", /corrupt/i);
  const outcome = await service.requestHandoff(3);
  assert.equal(outcome.kind, "rejected");
  assert.equal(
    await Deno.readTextFile(config.paths.calibration_file),
    "{ not json",
  );
  await service.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("an autofocus request starts from the latest confirmed focus, not the first", async () => {
  const dir = await Deno.makeTempDir();
  const service = await startService(testConfig(dir, 10));

  const first = await service.requestHandoff(-4);
  const second = await service.requestHandoff(5);
  assert.equal(first.kind === "completed" && first.result.success, true);
  assert.equal(second.kind === "completed" && second.result.success, true);
  if (second.kind !== "completed") return;

  const autofocus = await service.requestAutofocus("B");

  assert.equal(autofocus.kind, "completed");
  if (autofocus.kind !== "completed") return;
  assert.equal(autofocus.result.outcome, "found");
  assert.ok(
    Math.abs(autofocus.result.samples[0].zUm - second.result.z_target) < 0.02,
    `started at ${
      autofocus.result.samples[0].zUm
    }, latest focus ${second.result.z_target}`,
  );
  const trueFocusUm = service.world!.trueFocusUm("B");
  assert.ok(Math.abs(autofocus.result.zUm! - trueFocusUm) < 0.19);
  await service.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("reloading the calibration puts the file on disk in force", async () => {
  const dir = await Deno.makeTempDir();
  const config = testConfig(dir, 10);
  const service = await startService(config);
  const before = service.mappingReport()!.calibration.calibrated_at;
  const file = JSON.parse(
    await Deno.readTextFile(config.paths.calibration_file),
  );
  file.calibrated_at = "2026-01-02T03:04:05.000Z";
  await Deno.writeTextFile(config.paths.calibration_file, JSON.stringify(file));

  const readyAgain = new Promise<void>((resolve) => {
    const stop = service.on("status.changed", (event) => {
      if (event.phase !== "ready") return;
      stop();
      resolve();
    });
  });
  service.reloadCalibration();
  await readyAgain;

  const after = service.mappingReport()!.calibration.calibrated_at;
  assert.notEqual(after, before);
  assert.equal(after, "2026-01-02T03:04:05.000Z");
  await service.stop();
  await Deno.remove(dir, { recursive: true });
});
