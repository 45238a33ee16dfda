import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { HistoryFileError, openHistory } from "../../history/history.ts";
import type { HandoffRecord } from "../../history/types.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

async function withTempDir(fn: (dir: string) => Promise<void> | void) {
  const dir = await Deno.makeTempDir({ prefix: "history_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function handoff(
  atMs: number,
  elapsedMs: number,
  overrides: Partial<HandoffRecord> = {},
): HandoffRecord {
  return {
    atMs,
    zSourceUm: 1.5,
    zTargetUm: 2.0,
    success: true,
    elapsedMs,
    lensSwitchMs: 25,
    focusMoveMs: 10,
    focusSearchMs: 40,
    validationMs: 5,
    mappingErrorUm: 0.2,
    frames: 5,
    cacheHit: false,
    failureCause: null,
    ...overrides,
  };
}

Deno.test("openHistory creates a WAL database at schema version 1", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/history.sqlite`;
    const history = openHistory(path);
    history.recordHandoff(handoff(1000, 100));

    const probe = new DatabaseSync(path);
    try {
      assert.deepStrictEqual(
        probe.prepare("PRAGMA journal_mode").get()?.journal_mode,
        "wal",
      );
      assert.deepStrictEqual(
        probe.prepare("SELECT max(version) AS v FROM schema_version").get()?.v,
        1,
      );
    } finally {
      probe.close();
      history.close();
    }
  });
});

Deno.test("history keeps handoffs and active alerts across a restart", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/history.sqlite`;
    const first = openHistory(path);
    first.recordHandoff(handoff(1000, 120, { cacheHit: true }));
    first.raiseAlert({
      kind: "handoff_time",
      value: 400,
      threshold: 350,
      message: "slow",
      atMs: 1000,
    });
    first.close();

    const second = openHistory(path);
    try {
      const [stored] = second.recentHandoffs(10);
      assert.deepStrictEqual(stored.elapsedMs, 120);
      assert.deepStrictEqual(stored.cacheHit, true);
      assert.deepStrictEqual(stored.failureCause, null);
      assert.deepStrictEqual(second.activeAlerts().map((alert) => alert.kind), [
        "handoff_time",
      ]);
    } finally {
      second.close();
    }
  });
});

Deno.test("performance over the last handoffs gives rates, means and percentiles", () => {
  const history = openHistory(":memory:");
  try {
    history.recordHandoff(
      handoff(1, 1000, { success: false, mappingErrorUm: null }),
    );
    for (let i = 1; i <= 10; i++) {
      history.recordHandoff(handoff(1 + i, i * 10, {
        success: i !== 10,
        cacheHit: i <= 3,
        mappingErrorUm: i / 10,
        failureCause: i === 10 ? "validation_failed" : null,
      }));
    }

    const stats = history.performance({ lastHandoffs: 10 });

    assert.deepStrictEqual(stats.count, 10);
    assert.deepStrictEqual(stats.successCount, 9);
    assert.deepStrictEqual(stats.successRate, 0.9);
    assert.deepStrictEqual(stats.avgHandoffMs, 55);
    assert.deepStrictEqual(stats.p50HandoffMs, 55);
    assert.deepStrictEqual(Math.round(stats.p95HandoffMs! * 1000) / 1000, 95.5);
    assert.deepStrictEqual(stats.cacheHitRate, 0.3);
    assert.deepStrictEqual(
      Math.round(stats.avgMappingErrorUm! * 1000) / 1000,
      0.55,
    );
    assert.deepStrictEqual(stats.maxMappingErrorUm, 1);
    assert.deepStrictEqual(stats.firstAtMs, 2);
    assert.deepStrictEqual(stats.lastAtMs, 11);
  } finally {
    history.close();
  }
});

Deno.test("performance over a time window counts only handoffs inside it", () => {
  const history = openHistory(":memory:");
  try {
    history.recordHandoff(handoff(100, 10));
    history.recordHandoff(handoff(200, 20));
    history.recordHandoff(handoff(300, 30));

    assert.deepStrictEqual(
      history.performance({ sinceMs: 150 }).avgHandoffMs,
      25,
    );
    assert.deepStrictEqual(
      history.performance({ sinceMs: 150, untilMs: 250 }).avgHandoffMs,
      20,
    );
  } finally {
    history.close();
  }
});

Deno.test("performance over an empty window reports null, not zero", () => {
  const history = openHistory(":memory:");
  try {
    const stats = history.performance({ lastHandoffs: 100 });
    assert.deepStrictEqual(stats.count, 0);
    assert.deepStrictEqual(stats.successRate, null);
    assert.deepStrictEqual(stats.avgHandoffMs, null);
    assert.deepStrictEqual(stats.cacheHitRate, null);
  } finally {
    history.close();
  }
});

Deno.test("raising an active alert again changes nothing and clearing ends it", () => {
  const history = openHistory(":memory:", { wallClockMs: () => 5000 });
  try {
    const first = history.raiseAlert({
      kind: "success_rate",
      value: 0.9,
      threshold: 0.98,
      message: "low",
    });
    const again = history.raiseAlert({
      kind: "success_rate",
      value: 0.8,
      threshold: 0.98,
      message: "lower",
    });
    assert.deepStrictEqual(again.id, first.id);
    assert.deepStrictEqual(again.value, 0.9);
    assert.deepStrictEqual(first.raisedAtMs, 5000);

    const cleared = history.clearAlert("success_rate", 0.995, 6000);
    assert.deepStrictEqual(cleared?.clearedAtMs, 6000);
    assert.deepStrictEqual(cleared?.clearedValue, 0.995);
    assert.deepStrictEqual(history.activeAlerts(), []);
    assert.deepStrictEqual(history.clearAlert("success_rate", 1), undefined);
    assert.deepStrictEqual(history.recentAlerts(5).length, 1);
  } finally {
    history.close();
  }
});

Deno.test("calibrations, autofocus runs and maintenance runs read back as written", () => {
  const history = openHistory(":memory:");
  try {
    history.recordCalibration({
      atMs: 10,
      success: true,
      rmsErrorUm: 0.05,
      maxErrorUm: 0.12,
      points: 25,
      summary: { model: "ADAPTIVE", coefficients: [0.1, 1.0] },
    });
    history.recordCalibration({ atMs: 20, success: false });
    history.recordAutofocus({
      atMs: 30,
      lens: "A",
      zBestUm: 1.25,
      elapsedMs: 80,
      success: true,
    });
    history.recordMaintenance({
      job: "backup",
      startedAtMs: 40,
      finishedAtMs: 45,
      outcome: "ok",
    });
    history.recordMaintenance({
      job: "backup",
      startedAtMs: 50,
      finishedAtMs: 51,
      outcome: "failed",
      detail: "disk full",
    });

    assert.deepStrictEqual(history.lastSuccessfulCalibration()?.summary, {
      model: "ADAPTIVE",
      coefficients: [0.1, 1.0],
    });
    assert.deepStrictEqual(
      history.recentCalibrations(5).map((c) => c.success),
      [
        true,
        false,
      ],
    );
    assert.deepStrictEqual(history.recentAutofocusRuns(1)[0].zBestUm, 1.25);
    assert.deepStrictEqual(
      history.lastMaintenanceRun("backup")?.detail,
      "disk full",
    );
    assert.deepStrictEqual(
      history.lastMaintenanceRun("daily_health_check"),
      undefined,
    );
    assert.deepStrictEqual(history.counts().maintenance_runs, 2);
  } finally {
    history.close();
  }
});

Deno.test("pruneStep deletes old rows in bounded batches and keeps what is still needed", () => {
  const nowMs = 100 * DAY_MS;
  const history = openHistory(":memory:", {
    retentionDays: 30,
    wallClockMs: () => nowMs,
    pruneBatchSize: 4,
  });
  try {
    for (let i = 0; i < 10; i++) history.recordHandoff(handoff(DAY_MS + i, 50));
    history.recordHandoff(handoff(99 * DAY_MS, 60));
    history.recordCalibration({ atMs: DAY_MS, success: true });
    history.recordCalibration({ atMs: 2 * DAY_MS, success: false });
    history.raiseAlert({
      kind: "handoff_time",
      value: 1,
      threshold: 1,
      message: "old but active",
      atMs: DAY_MS,
    });
    history.raiseAlert({
      kind: "mapping_error",
      value: 1,
      threshold: 1,
      message: "old and cleared",
      atMs: DAY_MS,
    });
    history.clearAlert("mapping_error", 0, DAY_MS);
    history.recordMaintenance({
      job: "backup",
      startedAtMs: DAY_MS,
      finishedAtMs: DAY_MS,
      outcome: "ok",
    });
    history.recordMaintenance({
      job: "backup",
      startedAtMs: 2 * DAY_MS,
      finishedAtMs: 2 * DAY_MS,
      outcome: "ok",
    });

    const first = history.pruneStep();
    assert.deepStrictEqual(first, { deleted: 4 + 1 + 1 + 1, done: false });

    let steps = 1;
    while (!history.pruneStep().done) steps++;
    assert(steps <= 3);

    assert.deepStrictEqual(history.counts(), {
      handoffs: 1,
      autofocus_runs: 0,
      calibrations: 1,
      alerts: 1,
      maintenance_runs: 1,
    });
    assert.deepStrictEqual(history.lastSuccessfulCalibration()?.atMs, DAY_MS);
    assert.deepStrictEqual(history.activeAlerts()[0].message, "old but active");
    assert.deepStrictEqual(
      history.lastMaintenanceRun("backup")?.startedAtMs,
      2 * DAY_MS,
    );
  } finally {
    history.close();
  }
});

Deno.test("backupTo writes a consistent copy that opens with the same records", async () => {
  await withTempDir(async (dir) => {
    const history = openHistory(`${dir}/live.sqlite`);
    try {
      for (let i = 0; i < 200; i++) history.recordHandoff(handoff(i, i));

      await history.backupTo(`${dir}/copy.sqlite`);
      history.recordHandoff(handoff(1000, 1000));

      const copy = openHistory(`${dir}/copy.sqlite`);
      try {
        assert.deepStrictEqual(copy.counts().handoffs, 200);
        assert.deepStrictEqual(
          copy.performance({ lastHandoffs: 1 }).avgHandoffMs,
          199,
        );
      } finally {
        copy.close();
      }
    } finally {
      history.close();
    }
  });
});

Deno.test("openHistory refuses a database written by a newer build", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/future.sqlite`;
    const db = new DatabaseSync(path);
    db.exec("CREATE TABLE schema_version (version INTEGER NOT NULL)");
    db.exec("INSERT INTO schema_version VALUES (99)");
    db.close();

    assert.throws(
      () => openHistory(path),
      /schema version is 99 but this build knows up to 1/,
    );
  });
});

/** A history of `count` handoffs, closed, so the file holds every page. */
function writeHistory(path: string, count: number): void {
  const history = openHistory(path);
  for (let i = 0; i < count; i++) history.recordHandoff(handoff(i, 100));
  history.close();
}

function isDamagedHistory(path: string) {
  return (error: unknown) =>
    error instanceof HistoryFileError &&
    error.problem === "damaged" &&
    error.path === path &&
    error.exitCode === 2 &&
    error.message.includes(path) &&
    /main\.ts recover/.test(error.message) &&
    /main\.ts restore/.test(error.message) &&
    /aside/.test(error.message);
}

Deno.test("openHistory names a file of random bytes as damaged and says what to do", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/history.sqlite`;
    await Deno.writeFile(
      path,
      crypto.getRandomValues(new Uint8Array(10_000)),
    );

    assert.throws(() => openHistory(path), isDamagedHistory(path));
    assert.throws(() => openHistory(path), /file is not a database/);
  });
});

Deno.test("openHistory names a truncated copy as damaged", async () => {
  await withTempDir(async (dir) => {
    const whole = `${dir}/whole.sqlite`;
    writeHistory(whole, 3000);
    const bytes = await Deno.readFile(whole);
    const path = `${dir}/history.sqlite`;
    await Deno.writeFile(path, bytes.subarray(0, bytes.length / 2));

    assert.throws(() => openHistory(path), isDamagedHistory(path));
  });
});

Deno.test("integrityProblems finds damaged pages that opening does not read", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/history.sqlite`;
    writeHistory(path, 3000);
    const sound = openHistory(path);
    try {
      assert.deepEqual(sound.integrityProblems(), []);
    } finally {
      sound.close();
    }
    const bytes = await Deno.readFile(path);
    bytes.fill(0xa5, bytes.length / 2, bytes.length / 2 + 8192);
    await Deno.writeFile(path, bytes);

    const history = openHistory(path);
    try {
      const problems = history.integrityProblems(3);
      assert.ok(problems.length > 0 && problems.length <= 3);
      assert.match(problems[0], /page/);
    } finally {
      history.close();
    }
  });
});

Deno.test("a database from a newer build is a HistoryFileError with exit status 2", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/history.sqlite`;
    const db = new DatabaseSync(path);
    db.exec("CREATE TABLE schema_version (version INTEGER NOT NULL)");
    db.exec("INSERT INTO schema_version VALUES (7)");
    db.close();

    assert.throws(
      () => openHistory(path),
      (error: unknown) =>
        error instanceof HistoryFileError &&
        error.problem === "newer_schema" &&
        error.exitCode === 2 &&
        error.message.includes(path),
    );
  });
});

Deno.test("a history in a folder that does not exist cannot be opened, and the message says why", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/missing/history.sqlite`;

    assert.throws(
      () => openHistory(path),
      (error: unknown) =>
        error instanceof HistoryFileError &&
        error.problem === "unopenable" &&
        /its folder exists/.test(error.message),
    );
  });
});
