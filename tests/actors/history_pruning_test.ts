import assert from "node:assert/strict";
import { openHistory } from "../../history/history.ts";
import { PRUNE_JOB, startPruning } from "../../actors/history_pruning.ts";
import { ManualClock } from "../telemetry/_manual_clock.ts";
import { RecordingLogger } from "../monitoring/_recording_logger.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW_MS = Date.UTC(2026, 5, 1);

Deno.test("pruning deletes old rows one small batch at a time, pauses while busy and records the pass", () => {
  const clock = new ManualClock();
  const wallClockMs = () => NOW_MS + clock.now();
  const history = openHistory(":memory:", {
    retentionDays: 30,
    pruneBatchSize: 500,
    wallClockMs,
  });
  for (let i = 0; i < 1200; i++) {
    history.recordHandoff({
      atMs: NOW_MS - 60 * DAY_MS + i,
      zSourceUm: 0,
      zTargetUm: 0,
      success: true,
      elapsedMs: 100,
    });
  }
  for (let i = 0; i < 5; i++) {
    history.recordHandoff({
      zSourceUm: 0,
      zTargetUm: 0,
      success: true,
      elapsedMs: 100,
    });
  }
  let idle = true;
  let passes = 0;
  const stop = startPruning(history, {
    clock,
    isIdle: () => idle,
    logger: new RecordingLogger(),
    wallClockMs,
    stepGapMs: 1000,
    intervalMs: 60 * 60 * 1000,
    onPruned: () => passes++,
  });
  const handoffs = () => history.counts().handoffs;

  clock.advance(1000);
  assert.equal(handoffs(), 1205 - 500);
  idle = false;
  clock.advance(1000);
  assert.equal(handoffs(), 705);
  idle = true;
  clock.advance(1000);
  assert.equal(handoffs(), 205);
  assert.equal(history.lastMaintenanceRun(PRUNE_JOB), undefined);
  clock.advance(1000);
  assert.equal(handoffs(), 5);

  const run = history.lastMaintenanceRun(PRUNE_JOB)!;
  assert.equal(run.outcome, "ok");
  assert.match(run.detail!, /deleted 1200 rows/);
  assert.equal(passes, 1);
  clock.advance(60 * 60 * 1000);
  assert.equal(history.recentMaintenanceRuns(10).length, 1);
  assert.equal(passes, 1);
  assert.deepEqual(clock.pendingDelaysMs, [60 * 60 * 1000]);

  stop();
  assert.deepEqual(clock.pendingDelaysMs, []);
  history.close();
});
