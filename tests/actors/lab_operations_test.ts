import assert from "node:assert/strict";
import { waitFor } from "xstate";
import { HistoryFileError, openHistory } from "../../history/history.ts";
import type { LabOperations } from "../../actors/lab_operations.ts";
import {
  calibratedConfig,
  LAB_EPOCH_MS,
  runHandoffs,
  startLab,
} from "./_lab_fixture.ts";
import { startService, testConfig } from "./_service_fixture.ts";

/** Waits until the monitor has finished `checks` checks. */
async function monitorChecks(lab: LabOperations, checks: number) {
  await waitFor(
    lab.monitor,
    (s) => s.context.checks >= checks && s.matches("waiting"),
  );
}

Deno.test("the lab records each handoff, its search and a self-calibration, and /stats reads them back after a restart", async () => {
  const dir = await Deno.makeTempDir();
  const config = testConfig(dir, 10);

  const first = await startLab(config);
  await runHandoffs(first.service, 6);
  const lab = first.service.lab!;
  assert.deepEqual(
    {
      handoffs: lab.history.counts().handoffs,
      autofocus_runs: lab.history.counts().autofocus_runs,
      calibrations: lab.history.counts().calibrations,
    },
    { handoffs: 6, autofocus_runs: 6, calibrations: 1 },
  );
  const [search] = lab.history.recentAutofocusRuns(1);
  assert.equal(search.lens, "B");
  assert.equal(search.success, true);
  assert.ok(lab.history.lastSuccessfulCalibration()!.rmsErrorUm! <= 0.1);
  const before = first.service.performance();
  assert.equal(before.total_handoffs, 6);
  assert.equal(before.success_rate, 1);
  assert.equal(lab.writeCost().handoffs, 6);
  await first.service.stop();

  const second = await startLab(config);
  const after = second.service.performance();
  assert.deepEqual(after, before);
  assert.equal(second.service.recentHandoffs().length, 0);
  await runHandoffs(second.service, 1);
  assert.equal(second.service.performance().total_handoffs, 7);
  await second.service.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a service started without lab operations keeps its statistics in memory and writes no history", async () => {
  const dir = await Deno.makeTempDir();
  const config = await calibratedConfig(dir);
  const service = await startService(config);
  await runHandoffs(service, 2);

  assert.equal(service.lab, null);
  assert.equal(service.performance().total_handoffs, 2);
  await assert.rejects(
    Deno.stat(`${dir}/history.sqlite`),
    Deno.errors.NotFound,
  );
  await service.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("alerts rise over their threshold, clear only well under it, and a restart keeps them without repeating them", async (t) => {
  const dir = await Deno.makeTempDir();
  const config = await calibratedConfig(dir);
  config.monitoring.alert_window_handoffs = 20;
  const historyFile = `${dir}/history.sqlite`;
  const slow = (count: number, elapsedMs: number) => {
    const history = openHistory(historyFile);
    for (let i = 0; i < count; i++) {
      history.recordHandoff({
        atMs: LAB_EPOCH_MS - 1000 + i,
        zSourceUm: 0,
        zTargetUm: 0.5,
        success: true,
        elapsedMs,
        mappingErrorUm: 0.1,
        cacheHit: false,
      });
    }
    history.close();
  };

  slow(20, 420);
  let rig = await startLab(config);
  await monitorChecks(rig.service.lab!, 1);

  await t.step(
    "a window over the 350 ms threshold raises one alert, logged and recorded",
    async () => {
      const lab = rig.service.lab!;
      assert.deepEqual(lab.history.activeAlerts().map((a) => a.kind), [
        "handoff_time",
      ]);
      const warning = rig.logger.at("warn").find((line) =>
        line.properties?.alert === "handoff_time"
      );
      assert.match(warning!.message, /Mean handoff time 420\.0 ms/);
      assert.match(
        await lab.metrics.render(),
        /alert_active\{alert="handoff_time",scanner="[^"]+"\} 1/,
      );
      assert.equal(lab.health().alerts.length, 1);
    },
  );

  await t.step(
    "a restart keeps the alert active and does not raise it again",
    async () => {
      await rig.service.stop();
      rig = await startLab(config);
      const lab = rig.service.lab!;
      await monitorChecks(lab, 1);
      assert.equal(lab.history.activeAlerts().length, 1);
      assert.equal(lab.history.recentAlerts(10).length, 1);
      assert.equal(rig.logger.at("warn").length, 0);
      assert.match(
        await lab.metrics.render(),
        /alert_active\{alert="handoff_time",scanner="[^"]+"\} 1/,
      );
    },
  );

  await t.step(
    "a window just under the threshold (330 ms) does not clear it",
    async () => {
      await rig.service.stop();
      slow(20, 330);
      rig = await startLab(config);
      await monitorChecks(rig.service.lab!, 1);
      assert.equal(rig.service.lab!.history.activeAlerts().length, 1);
    },
  );

  await t.step(
    "a window at 90 % of the threshold or less clears it, logged and recorded",
    async () => {
      const lab = rig.service.lab!;
      const changes: string[] = [];
      const stop = lab.alerts.onChange((change) => changes.push(change.state));
      await runHandoffs(rig.service, 20);
      lab.checkAlertsNow();
      await monitorChecks(lab, 2);
      stop();

      assert.equal(lab.history.activeAlerts().length, 0);
      const [alert] = lab.history.recentAlerts(1);
      assert.notEqual(alert.clearedAtMs, null);
      assert.ok(alert.clearedValue! <= 0.9 * 350);
      assert.deepEqual(changes, ["cleared"]);
      assert.ok(
        rig.logger.at("info").some((line) =>
          /Mean handoff time is back/.test(line.message)
        ),
      );
      assert.match(
        await lab.metrics.render(),
        /alert_active\{alert="handoff_time",scanner="[^"]+"\} 0/,
      );
      assert.deepEqual(lab.health().alerts, []);
    },
  );

  await rig.service.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a service whose history file is damaged does not start and says which file and what to do", async () => {
  const dir = await Deno.makeTempDir();
  const config = await calibratedConfig(dir);
  const path = `${dir}/history.sqlite`;
  await Deno.writeFile(path, crypto.getRandomValues(new Uint8Array(8192)));

  await assert.rejects(
    startLab(config),
    (error: unknown) =>
      error instanceof HistoryFileError &&
      error.path === path &&
      error.exitCode === 2 &&
      /main\.ts recover/.test(error.message),
  );
  await Deno.remove(dir, { recursive: true });
});
