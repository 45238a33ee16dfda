import assert from "node:assert/strict";
import { createActor, waitFor } from "xstate";
import {
  everyInterval,
  type JobResult,
  type MaintenanceJob,
  maintenanceSchedulerMachine,
} from "../../actors/maintenance_scheduler.ts";
import type { MaintenanceRecord } from "../../history/types.ts";
import { ManualClock } from "../telemetry/_manual_clock.ts";
import { RecordingLogger } from "../monitoring/_recording_logger.ts";

const HOUR_MS = 60 * 60 * 1000;
const EPOCH_MS = Date.UTC(2026, 0, 1);

/** A job whose runs the test finishes by hand. */
class ManualJob implements MaintenanceJob {
  readonly starts: number[] = [];
  #finish: ((result: JobResult) => void) | null = null;

  constructor(
    readonly name: string,
    readonly isDue: MaintenanceJob["isDue"],
    readonly clock: ManualClock,
  ) {}

  run(): Promise<JobResult> {
    this.starts.push(this.clock.now());
    return new Promise((resolve) => (this.#finish = resolve));
  }

  get running(): boolean {
    return this.#finish !== null;
  }

  finish(result: JobResult = { outcome: "ok", detail: "done" }): void {
    const finish = this.#finish;
    this.#finish = null;
    finish?.(result);
  }
}

function rig(jobs: MaintenanceJob[], clock: ManualClock, ready: () => boolean) {
  const records: MaintenanceRecord[] = [];
  const actor = createActor(maintenanceSchedulerMachine, {
    clock,
    input: {
      jobs,
      lastRunAtMs: (job) =>
        records.filter((r) => r.job === job).at(-1)?.startedAtMs ??
          (job === "backup" ? EPOCH_MS - 3 * 6 * HOUR_MS : undefined),
      record: (run) => records.push(run),
      isReady: ready,
      wallClockMs: () => EPOCH_MS + clock.now(),
      logger: new RecordingLogger(),
      tickMs: 60_000,
      readyPollMs: 1000,
    },
  });
  return { actor, records };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("a job missed while the service was down runs once after a restart, then at its interval", async () => {
  const clock = new ManualClock();
  const backup = new ManualJob("backup", everyInterval(6 * HOUR_MS), clock);
  const { actor, records } = rig([backup], clock, () => true);
  actor.start();

  assert.equal(backup.starts.length, 1);
  backup.finish();
  await waitFor(actor, (s) => s.matches("idle"));
  for (let minute = 0; minute < 10; minute++) clock.advance(60_000);
  await settle();
  assert.equal(backup.starts.length, 1);
  assert.equal(records.length, 1);

  clock.advance(6 * HOUR_MS);
  await settle();
  assert.equal(backup.starts.length, 2);
  backup.finish();
  await waitFor(actor, (s) => s.matches("idle"));
  assert.deepEqual(records.map((r) => r.outcome), ["ok", "ok"]);
  actor.stop();
});

Deno.test("jobs wait for the controller to be ready and never run two at once", async () => {
  const clock = new ManualClock();
  const always = () => true;
  const first = new ManualJob("first", always, clock);
  const second = new ManualJob("second", always, clock);
  let ready = false;
  const { actor, records } = rig([first, second], clock, () => ready);
  actor.start();

  clock.advance(5000);
  await settle();
  assert.equal(actor.getSnapshot().value, "waitingForReady");
  assert.equal(first.starts.length + second.starts.length, 0);

  ready = true;
  clock.advance(1000);
  await settle();
  assert.equal(first.running, true);
  assert.equal(second.running, false);
  first.finish();
  await waitFor(actor, () => second.running);
  assert.equal(first.running, false);
  second.finish();
  await waitFor(actor, (s) => s.matches("idle"));
  assert.deepEqual(records.map((r) => r.job), ["first", "second"]);
  actor.stop();
});

Deno.test("a deferred job is tried again once the controller is ready, and recorded once", async () => {
  const clock = new ManualClock();
  const job = new ManualJob("calibration", everyInterval(HOUR_MS), clock);
  const { actor, records } = rig([job], clock, () => true);
  actor.start();

  job.finish({ outcome: "deferred", detail: "a handoff is running" });
  await waitFor(actor, (s) => s.matches("deferred"));
  assert.equal(job.starts.length, 1);
  clock.advance(1000);
  await settle();
  assert.equal(job.starts.length, 2);
  job.finish({ outcome: "ok", detail: "calibrated" });
  await waitFor(actor, (s) => s.matches("idle"));
  assert.deepEqual(records.map((r) => [r.job, r.outcome]), [
    ["calibration", "ok"],
  ]);
  actor.stop();
});

Deno.test("a job that throws is recorded as failed and the others still run", async () => {
  const clock = new ManualClock();
  const broken: MaintenanceJob = {
    name: "broken",
    isDue: everyInterval(HOUR_MS),
    run: () => Promise.reject(new Error("disk full")),
  };
  const after = new ManualJob("after", everyInterval(HOUR_MS), clock);
  const { actor, records } = rig([broken, after], clock, () => true);
  actor.start();

  await waitFor(actor, () => after.running);
  after.finish();
  await waitFor(actor, (s) => s.matches("idle"));
  assert.deepEqual(records.map((r) => [r.job, r.outcome, r.detail]), [
    ["broken", "failed", "disk full"],
    ["after", "ok", "done"],
  ]);
  actor.stop();
});
