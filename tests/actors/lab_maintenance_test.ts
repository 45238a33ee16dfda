import assert from "node:assert/strict";
import { waitFor } from "xstate";
import type { SimulatedTurret } from "../../drivers/simulated/turret.ts";
import { verifyBackup } from "../../backup/manifest.ts";
import { listBackups } from "../../backup/retention.ts";
import { calibratedConfig, startLab } from "./_lab_fixture.ts";

const HOUR_MS = 60 * 60 * 1000;

Deno.test("the maintenance scheduler never starts a job while a handoff runs", async () => {
  const dir = await Deno.makeTempDir();
  const config = await calibratedConfig(dir);
  config.maintenance.backup.location = `${dir}/backups`;
  config.maintenance.auto_calibration.enable = false;
  const { service, clock } = await startLab(config, { scheduler: {} });
  const lab = service.lab!;
  const scheduler = lab.scheduler!;
  const starts: { job: string; phase: string }[] = [];
  let wasRunning = false;
  scheduler.subscribe((snapshot) => {
    const running = snapshot.matches("running");
    if (running && !wasRunning) {
      starts.push({
        job: snapshot.context.current!.name,
        phase: service.phase,
      });
    }
    wasRunning = running;
  });

  await waitFor(scheduler, (s) => s.matches("idle"));
  for (let round = 0; round < 4; round++) {
    const handoff = service.requestHandoff(-3 + round * 2);
    assert.equal(service.phase, "busy");
    clock.advance(6 * HOUR_MS + 60_000);
    assert.equal(scheduler.getSnapshot().value, "waitingForReady");
    clock.advance(1000);
    assert.equal(scheduler.getSnapshot().value, "waitingForReady");

    const outcome = await handoff;
    assert.equal(outcome.kind === "completed" && outcome.result.success, true);
    clock.advance(1000);
    await waitFor(scheduler, (s) => s.matches("idle"));
  }

  assert.ok(
    starts.every((start) => start.phase === "ready"),
    JSON.stringify(starts),
  );
  const runs = lab.history.recentMaintenanceRuns(50);
  const count = (job: string) => runs.filter((r) => r.job === job).length;
  assert.equal(count("backup"), 5);
  assert.equal(count("daily_health_check"), 2);
  assert.equal(count("weekly_calibration_check"), 1);
  assert.ok(runs.every((run) => run.outcome === "ok"), JSON.stringify(runs));
  const backups = await listBackups(`${dir}/backups`);
  assert.equal(backups.length, 5);
  const verified = await verifyBackup(backups[0].path, {
    scannerName: config.system.name,
  });
  assert.deepEqual(verified.problems, []);

  await service.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the monthly full calibration backs up first and keeps the previous calibration when the new one fails", async () => {
  const dir = await Deno.makeTempDir();
  const config = await calibratedConfig(dir);
  config.maintenance.backup.enable = false;
  config.maintenance.backup.location = `${dir}/backups`;
  config.maintenance.auto_calibration.enable = false;
  const before = await Deno.readTextFile(config.paths.calibration_file);
  const { service, clock } = await startLab(config, {
    scheduler: { fullCalibrationIntervalMs: 2 * HOUR_MS },
  });
  const scheduler = service.lab!.scheduler!;
  await waitFor(scheduler, (s) => s.matches("idle"));
  const mappingBefore = service.mappingReport()!.calibration;

  (service.scanner.turret as SimulatedTurret).failNext("fault", 1);
  // The calibration file was made a few seconds after the lab's epoch.
  clock.advance(2 * HOUR_MS + 60_000);
  await waitFor(scheduler, (s) => s.matches("running"));
  await waitFor(scheduler, (s) => s.matches("idle"));

  const run = service.lab!.history.lastMaintenanceRun(
    "monthly_full_calibration",
  )!;
  assert.equal(run.outcome, "failed");
  assert.match(run.detail!, /previous calibration stays in force/);
  assert.equal(await Deno.readTextFile(config.paths.calibration_file), before);
  const mappingAfter = service.mappingReport()!.calibration;
  assert.equal(mappingAfter.calibrated_at, mappingBefore.calibrated_at);
  assert.equal(mappingAfter.rms_error_um, mappingBefore.rms_error_um);
  const [backup] = await listBackups(`${dir}/backups`);
  assert.equal(
    await Deno.readTextFile(`${backup.path}/calibration.json`),
    before,
  );
  assert.equal(service.phase, "ready");
  const outcome = await service.requestHandoff(2);
  assert.equal(outcome.kind === "completed" && outcome.result.success, true);

  await service.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a temperature change beyond the threshold starts a routine calibration, a smaller one does not", async () => {
  const dir = await Deno.makeTempDir();
  const config = await calibratedConfig(dir);
  config.maintenance.backup.enable = false;
  const auto = config.maintenance.auto_calibration;
  auto.temperature_change_threshold_c = 2;
  auto.temperature_check_interval_min = 10;
  const { service, clock } = await startLab(config, { scheduler: {} });
  const lab = service.lab!;
  const scheduler = lab.scheduler!;
  const world = service.world!;
  const referenceC = world.temperatureC();
  await waitFor(scheduler, (s) => s.matches("idle"));
  const calibrations = lab.history.counts().calibrations;

  world.setTemperatureC(referenceC + 1);
  clock.advance(10 * 60_000);
  await waitFor(scheduler, (s) => s.matches("idle"));
  assert.equal(lab.history.lastMaintenanceRun("auto_calibration"), undefined);

  world.setTemperatureC(referenceC + 3.5);
  clock.advance(10 * 60_000);
  await waitFor(scheduler, (s) => s.matches("running"));
  await waitFor(scheduler, (s) => s.matches("idle"));
  const run = lab.history.lastMaintenanceRun("auto_calibration")!;
  assert.equal(run.outcome, "ok", run.detail ?? "");
  assert.match(
    run.detail!,
    /temperature .* C is 3\.\d C from the calibration's/,
  );
  assert.equal(lab.history.counts().calibrations, calibrations + 1);

  clock.advance(10 * 60_000);
  await waitFor(scheduler, (s) => s.matches("idle"));
  assert.equal(
    lab.history.recentMaintenanceRuns(20).filter((r) =>
      r.job === "auto_calibration"
    ).length,
    1,
  );
  await service.stop();
  await Deno.remove(dir, { recursive: true });
});
