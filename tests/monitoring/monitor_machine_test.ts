import assert from "node:assert/strict";
import { createActor, waitFor } from "xstate";
import { SimulatedClock } from "../../domain/clock.ts";
import { openHistory } from "../../history/history.ts";
import type { PerformanceStats } from "../../history/types.ts";
import { monitorMachine } from "../../monitoring/monitor_machine.ts";
import { RecordingLogger } from "./_recording_logger.ts";
import { windowStats } from "./_stats.ts";

const THRESHOLDS = {
  handoffTimeMs: 350,
  mappingErrorUm: 1.5,
  successRate: 0.98,
};

/** Serves the scripted windows in turn, then repeats the last one. */
function script(...windows: (PerformanceStats | Error)[]) {
  let calls = 0;
  return {
    read: () => {
      const next = windows[Math.min(calls, windows.length - 1)];
      calls++;
      if (next instanceof Error) throw next;
      return next;
    },
    get calls() {
      return calls;
    },
  };
}

async function runChecks(
  input: Parameters<typeof createActor<typeof monitorMachine>>[1] & object,
  checks: number,
) {
  const actor = createActor(monitorMachine, input);
  actor.start();
  const snapshot = await waitFor(
    actor,
    (s) => s.context.checks >= checks && s.matches("waiting"),
  );
  actor.stop();
  return snapshot;
}

Deno.test("monitor raises an alert, records it and logs a warning", async () => {
  const clock = new SimulatedClock();
  const history = openHistory(":memory:", { wallClockMs: () => 1234 });
  const logger = new RecordingLogger();
  const stats = script(windowStats({ avgHandoffMs: 400 }));
  try {
    const snapshot = await runChecks({
      clock,
      input: {
        readStats: stats.read,
        thresholds: THRESHOLDS,
        alertStore: history,
        logger,
        checkIntervalMs: 30_000,
      },
    }, 1);

    assert.deepEqual(snapshot.context.active, ["handoff_time"]);
    assert.equal(snapshot.context.health?.score, 90);
    const [alert] = history.activeAlerts();
    assert.equal(alert.kind, "handoff_time");
    assert.equal(alert.value, 400);
    assert.equal(alert.raisedAtMs, 1234);
    assert.equal(logger.at("warn").length, 1);
    assert.match(logger.at("warn")[0].message, /400\.0 ms/);
  } finally {
    history.close();
  }
});

Deno.test("monitor clears an alert after the window recovers past the hysteresis", async () => {
  const clock = new SimulatedClock();
  const history = openHistory(":memory:");
  const logger = new RecordingLogger();
  const stats = script(
    windowStats({ successRate: 0.9 }),
    windowStats({ successRate: 0.985 }),
    windowStats({ successRate: 0.995 }),
  );
  try {
    const snapshot = await runChecks({
      clock,
      input: {
        readStats: stats.read,
        thresholds: THRESHOLDS,
        alertStore: history,
        logger,
        checkIntervalMs: 10_000,
      },
    }, 3);

    assert.deepEqual(snapshot.context.active, []);
    assert.equal(clock.now(), 20_000);
    const [alert] = history.recentAlerts(5);
    assert.equal(alert.kind, "success_rate");
    assert.equal(alert.clearedAtMs !== null, true);
    assert.equal(alert.clearedValue, 0.995);
    assert.equal(logger.at("warn").length, 1);
    assert.equal(
      logger.at("info").filter((l) => /back to 99\.5 %/.test(l.message))
        .length,
      1,
    );
  } finally {
    history.close();
  }
});

Deno.test("a restarted monitor keeps the alert it finds in the history and does not raise it twice", async () => {
  const history = openHistory(":memory:");
  const input = {
    thresholds: THRESHOLDS,
    alertStore: history,
    checkIntervalMs: 1000,
  };
  try {
    await runChecks({
      clock: new SimulatedClock(),
      input: {
        ...input,
        readStats: script(windowStats({ avgMappingErrorUm: 2 })).read,
        logger: new RecordingLogger(),
      },
    }, 1);

    const logger = new RecordingLogger();
    const snapshot = await runChecks({
      clock: new SimulatedClock(),
      input: {
        ...input,
        readStats: script(windowStats({ avgMappingErrorUm: 2 })).read,
        logger,
      },
    }, 2);

    assert.deepEqual(snapshot.context.active, ["mapping_error"]);
    assert.equal(history.recentAlerts(10).length, 1);
    assert.equal(logger.at("warn").length, 0);
  } finally {
    history.close();
  }
});

Deno.test("monitor logs a failed read and checks again at the next interval", async () => {
  const clock = new SimulatedClock();
  const history = openHistory(":memory:");
  const logger = new RecordingLogger();
  const stats = script(
    new Error("database is locked"),
    windowStats({ avgHandoffMs: 500 }),
  );
  try {
    const snapshot = await runChecks({
      clock,
      input: {
        readStats: stats.read,
        thresholds: THRESHOLDS,
        alertStore: history,
        logger,
        checkIntervalMs: 5000,
      },
    }, 2);

    assert.equal(logger.at("error").length, 1);
    assert.equal(logger.at("error")[0].properties?.cause, "database is locked");
    assert.equal(snapshot.context.lastError, null);
    assert.deepEqual(snapshot.context.active, ["handoff_time"]);
  } finally {
    history.close();
  }
});

Deno.test("monitor checks at once on monitor.check instead of waiting the interval", async () => {
  const clock = new SimulatedClock();
  const history = openHistory(":memory:");
  const stats = script(windowStats());
  const actor = createActor(monitorMachine, {
    clock,
    input: {
      readStats: stats.read,
      thresholds: THRESHOLDS,
      alertStore: history,
      logger: new RecordingLogger(),
      checkIntervalMs: 3_600_000,
    },
  });
  try {
    actor.start();
    await waitFor(actor, (s) => s.context.checks === 1);

    actor.send({ type: "monitor.check" });
    await waitFor(actor, (s) => s.context.checks === 2);

    assert.equal(clock.now(), 0);
    assert.equal(stats.calls, 2);
  } finally {
    actor.stop();
    history.close();
  }
});

Deno.test("monitor logs a history write failure and keeps running", async () => {
  const logger = new RecordingLogger();
  const store = {
    activeAlerts: () => [],
    raiseAlert: () => {
      throw new Error("disk I/O error");
    },
    clearAlert: () => undefined,
  };
  const snapshot = await runChecks({
    clock: new SimulatedClock(),
    input: {
      readStats: script(windowStats({ successRate: 0.5 })).read,
      thresholds: THRESHOLDS,
      alertStore: store,
      logger,
    },
  }, 2);

  assert.equal(snapshot.status, "active");
  assert.match(
    String(logger.at("error")[0].properties?.cause),
    /disk I\/O error/,
  );
});

Deno.test("monitor hands each good check to onCheck for the metrics", async () => {
  const seen: string[][] = [];
  await runChecks({
    clock: new SimulatedClock(),
    input: {
      readStats: script(
        windowStats({ avgHandoffMs: 500 }),
        windowStats({ avgHandoffMs: 100 }),
      ).read,
      thresholds: THRESHOLDS,
      alertStore: {
        activeAlerts: () => [],
        raiseAlert: () => ({} as never),
        clearAlert: () => undefined,
      },
      logger: new RecordingLogger(),
      onCheck: (check) => seen.push(check.active),
    },
  }, 2);

  assert.deepEqual(seen.slice(0, 2), [["handoff_time"], []]);
});
