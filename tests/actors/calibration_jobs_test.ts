import assert from "node:assert/strict";
import { calibrationJobs } from "../../actors/calibration_jobs.ts";
import { isWorseCalibration } from "../../actors/calibration_runs.ts";
import {
  DEFAULT_SCHEDULER_SETTINGS,
  type JobDeps,
} from "../../actors/maintenance_jobs.ts";
import type { ScannerService } from "../../actors/scanner_service.ts";
import { openHistory } from "../../history/history.ts";
import type { CalibrationReport } from "../../machines/calibration_machine.ts";
import type { MappingReport } from "../../mapping/types.ts";
import { ManualClock } from "../telemetry/_manual_clock.ts";
import { RecordingLogger } from "../monitoring/_recording_logger.ts";
import { testConfig } from "./_service_fixture.ts";

const NOW_MS = Date.UTC(2026, 6, 1);

function mappingReport(rmsUm: number, validations: number): MappingReport {
  return {
    calibration: {
      rms_error_um: rmsUm,
      temperature_range_c: [21.9, 22.1],
      calibrated_at: new Date(NOW_MS - 1000).toISOString(),
    },
    recent_performance: { validation_points: Array(validations).fill({}) },
  } as unknown as MappingReport;
}

function report(heldOutRmsUm: number): CalibrationReport {
  return {
    completed: true,
    failedStep: null,
    failure: null,
    ready: true,
    readinessReasons: [],
    points: Array(10).fill({}),
    heldOutRmsUm,
    heldOutMaxUm: heldOutRmsUm * 2,
  } as unknown as CalibrationReport;
}

/** The parts of the controller the calibration jobs use, scripted. */
function fakeService(
  dir: string,
  mapping: MappingReport,
  next: CalibrationReport,
  calibrate: () => Promise<void> = () => Promise.resolve(),
) {
  const config = testConfig(dir);
  config.maintenance.backup.location = `${dir}/backups`;
  config.maintenance.auto_calibration.enable = false;
  const listeners = new Set<(event: { report: CalibrationReport }) => void>();
  const started: boolean[] = [];
  const reloads: number[] = [];
  const service = {
    config,
    reloadCalibration: () => reloads.push(1),
    mappingReport: () => mapping,
    on: (
      _type: string,
      handler: (event: { report: CalibrationReport }) => void,
    ) => {
      listeners.add(handler);
      return () => listeners.delete(handler);
    },
    startCalibration: (routine: boolean) => {
      started.push(routine);
      calibrate().then(() => {
        for (const listener of [...listeners]) listener({ report: next });
      });
      return { accepted: true };
    },
  };
  return {
    service: service as unknown as ScannerService,
    started,
    reloads,
    config,
  };
}

function deps(dir: string): JobDeps {
  return {
    history: openHistory(`${dir}/history.sqlite`),
    clock: new ManualClock(),
    wallClockMs: () => NOW_MS,
    logger: new RecordingLogger(),
    health: () => {
      throw new Error("not used");
    },
  };
}

Deno.test("the weekly check runs a routine calibration past 100 validation points, and none before", async () => {
  const dir = await Deno.makeTempDir();
  const jobDeps = deps(dir);
  const busy = fakeService(dir, mappingReport(0.05, 101), report(0.04));
  const [check] = calibrationJobs(
    busy.service,
    jobDeps,
    DEFAULT_SCHEDULER_SETTINGS,
  ).jobs;

  const result = await check.run(new AbortController().signal);
  assert.deepEqual(busy.started, [true]);
  assert.equal(result.outcome, "ok");
  assert.match(
    "detail" in result ? result.detail : "",
    /101 validation points: calibrated on 10 points/,
  );

  const quiet = fakeService(dir, mappingReport(0.05, 100), report(0.04));
  const [calm] = calibrationJobs(
    quiet.service,
    jobDeps,
    DEFAULT_SCHEDULER_SETTINGS,
  ).jobs;
  const none = await calm.run(new AbortController().signal);
  assert.deepEqual(quiet.started, []);
  assert.match("detail" in none ? none.detail : "", /no recalibration needed/);
  jobDeps.history.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a worse monthly calibration puts the previous calibration file back from the backup made first", async () => {
  const dir = await Deno.makeTempDir();
  const jobDeps = deps(dir);
  jobDeps.history.recordCalibration({
    success: true,
    rmsErrorUm: 0.05,
    atMs: NOW_MS - 40 * 86_400_000,
  });
  const calibrationFile = `${dir}/calibration.json`;
  await Deno.writeTextFile(calibrationFile, '{"previous":true}\n');
  // The new calibration is saved over the file, as the calibration machine does.
  const fake = fakeService(
    dir,
    mappingReport(0.05, 0),
    report(0.2),
    () => Deno.writeTextFile(calibrationFile, '{"new":true}\n'),
  );
  const [, monthly] = calibrationJobs(
    fake.service,
    jobDeps,
    DEFAULT_SCHEDULER_SETTINGS,
  ).jobs;
  assert.equal(monthly.isDue(NOW_MS, undefined), true);

  const result = await monthly.run(new AbortController().signal);

  assert.deepEqual(fake.started, [false]);
  assert.equal(result.outcome, "failed");
  assert.match(
    "detail" in result ? result.detail : "",
    /0\.200 um is worse than the previous 0\.050 um/,
  );
  assert.equal(
    await Deno.readTextFile(calibrationFile),
    '{"previous":true}\n',
  );
  assert.equal(fake.reloads.length, 1, "the restored file is put in force");
  jobDeps.history.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a new calibration counts as worse only beyond 20 % and 0.01 um", () => {
  assert.equal(isWorseCalibration(0.07, 0.05), true);
  assert.equal(isWorseCalibration(0.069, 0.05), false);
  assert.equal(isWorseCalibration(0.5, undefined), false);
  assert.equal(isWorseCalibration(null, 0.05), false);
});
