import assert from "node:assert/strict";
import { createApp } from "../../http/app.ts";
import { waitFor } from "xstate";
import {
  type AlertChangeView,
  eventsRoutes,
} from "../../http/events_routes.ts";
import { openHistory } from "../../history/history.ts";
import type { StatusPayload } from "../../http/status_payload.ts";
import type { SimulatedTurret } from "../../drivers/simulated/turret.ts";
import type { HandoffResult } from "../../machines/handoff_types.ts";
import { startService, testConfig } from "../actors/_service_fixture.ts";
import {
  calibratedConfig,
  LAB_EPOCH_MS,
  runHandoffs,
  startLab,
} from "../actors/_lab_fixture.ts";
import { SseReader } from "./_sse_reader.ts";
import { serveOnLoopback } from "./security/_loopback.ts";

interface CalibrationEventData {
  running: boolean;
  fraction?: number;
  step?: string;
  report?: { completed: boolean; ready: boolean; failure: string | null };
}

Deno.test("GET /events streams status, handoffs, calibration and device faults as they happen", async (t) => {
  const dir = await Deno.makeTempDir();
  const service = await startService(testConfig(dir, 10));
  const shutdown = new AbortController();
  const app = createApp(service, { signal: shutdown.signal });
  const response = await app.request("/events");
  const events = new SseReader(response.body!);

  await t.step(
    "opens with a status event that carries an id and retry",
    async () => {
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "text/event-stream");
      const first = await events.next();

      assert.equal(first?.event, "status");
      assert.equal(first?.id, "1");
      assert.equal(first?.retry, "1000");
      const status = JSON.parse(first!.data) as StatusPayload;
      assert.equal(status.phase, "ready");
      assert.equal(typeof status.performance.avg_handoff_time_ms, "number");
      assert.equal(typeof status.mapping?.rms_error_um, "number");
      assert.deepEqual(status.alerts, []);
      assert.deepEqual(
        status.devices.map((device) => [device.kind, device.state]),
        [
          ["turret", "ready"],
          ["focus_motor", "ready"],
          ["camera", "ready"],
          ["illumination", "ready"],
          ["temperature", "ready"],
        ],
      );
    },
  );

  await t.step("a handoff sends its result, then the new status", async () => {
    const answer = await app.request("/handoff?z_source=2.5", {
      method: "POST",
    });
    const body = await answer.json() as HandoffResult;

    const handoff = await events.until<HandoffResult>("handoff");
    const status = await events.until<StatusPayload>("status");
    assert.equal(handoff.success, true);
    assert.equal(handoff.z_target, body.z_target);
    assert.equal(handoff.elapsed_ms, body.elapsed_ms);
    assert.equal(status.performance.total_handoffs, 1);
    assert.match(status.devices[0].detail ?? "", /^lens B$/);
  });

  await t.step(
    "a turret fault shows the turret in fault with its cause",
    async () => {
      (service.scanner.turret as SimulatedTurret).failNext("fault", 2);
      await (await app.request("/handoff?z_source=1", { method: "POST" }))
        .body?.cancel();

      const handoff = await events.until<HandoffResult>("handoff");
      const status = await events.until<StatusPayload>("status");
      assert.equal(handoff.success, false);
      const turret = status.devices.find((device) => device.kind === "turret");
      assert.equal(turret?.state, "fault");
      assert.match(turret?.detail ?? "", /turret/i);
    },
  );

  await t.step("a calibration reports progress, then its outcome", async () => {
    const started = await app.request("/calibrate", { method: "POST" });
    assert.equal(started.status, 202);

    const fractions: number[] = [];
    let finished: CalibrationEventData | undefined;
    while (!finished) {
      const data = await events.until<CalibrationEventData>("calibration");
      if (data.running) fractions.push(data.fraction ?? -1);
      else finished = data;
    }
    assert.ok(fractions.length >= 3, `${fractions.length} progress events`);
    assert.deepEqual(fractions, [...fractions].sort((a, b) => a - b));
    assert.ok(fractions.every((fraction) => fraction >= 0 && fraction <= 1));
    assert.equal(finished.report?.completed, true);
    assert.equal(finished.report?.failure, null);
    const status = await events.until<StatusPayload>("status");
    assert.equal(typeof status.mapping?.num_points, "number");
  });

  await t.step("ids increase by one per event", async () => {
    const next = await (async () => {
      await (await app.request("/handoff?z_source=0", { method: "POST" }))
        .body?.cancel();
      const a = await events.next();
      const b = await events.next();
      return [Number(a?.id), Number(b?.id)];
    })();
    assert.equal(next[1], next[0] + 1);
  });

  await t.step("the shutdown signal ends the stream", async () => {
    shutdown.abort();
    while (await events.next() !== null) {
      // Drains events sent before the abort.
    }
  });

  await service.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("GET /events sends a keep-alive comment on its clock and stops it when the client leaves", async () => {
  const dir = await Deno.makeTempDir();
  const service = await startService(testConfig(dir, 8));
  const timers = new Map<number, () => void>();
  let nextTimer = 1;
  const clock = {
    setTimeout: (fn: () => void) => {
      timers.set(nextTimer, fn);
      return nextTimer++;
    },
    clearTimeout: (id: unknown) => void timers.delete(id as number),
  };
  const server = serveOnLoopback(
    eventsRoutes(service, { clock, keepAliveMs: 5000 }),
  );
  const events = new SseReader((await fetch(`${server.url}/events`)).body!);

  assert.equal((await events.next())?.event, "status");
  assert.equal(timers.size, 1);
  const [[firstId, keepAlive]] = [...timers];
  timers.delete(firstId);
  keepAlive();
  assert.deepEqual(await events.next(), {
    event: "comment",
    data: "keep-alive",
  });
  await events.cancel();
  // The server sees the disconnect a few event-loop turns later.
  for (let turn = 0; turn < 50 && timers.size > 0; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }

  assert.equal(timers.size, 0);
  await server[Symbol.asyncDispose]();
  await service.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a server with a dashboard connected shuts down once the app's signal is aborted", async () => {
  const dir = await Deno.makeTempDir();
  const service = await startService(testConfig(dir, 8));
  const shutdown = new AbortController();
  const server = serveOnLoopback(
    createApp(service, { signal: shutdown.signal }),
  );
  const events = new SseReader((await fetch(`${server.url}/events`)).body!);
  assert.equal((await events.next())?.event, "status");

  shutdown.abort();
  await server[Symbol.asyncDispose]();

  assert.equal(await events.next(), null);
  await service.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("GET /events carries the lab's active alerts in status and each change as an alert event", async () => {
  const dir = await Deno.makeTempDir();
  const config = await calibratedConfig(dir);
  config.monitoring.alert_window_handoffs = 20;
  const history = openHistory(`${dir}/history.sqlite`);
  for (let i = 0; i < 20; i++) {
    history.recordHandoff({
      atMs: LAB_EPOCH_MS - 1000 + i,
      zSourceUm: 0,
      zTargetUm: 0.5,
      success: true,
      elapsedMs: 420,
      mappingErrorUm: 0.1,
      cacheHit: false,
    });
  }
  history.close();
  const { service } = await startLab(config);
  const lab = service.lab!;
  await waitFor(lab.monitor, (s) => s.context.checks >= 1);
  const events = new SseReader(
    (await createApp(service).request("/events")).body!,
  );

  const status = await events.until<StatusPayload>("status");
  assert.deepEqual(status.alerts.map((alert) => alert.kind), ["handoff_time"]);
  assert.equal(status.alerts[0].threshold, 350);
  assert.ok(status.alerts[0].value > 350);

  await runHandoffs(service, 20);
  lab.checkAlertsNow();
  const cleared = await events.until<AlertChangeView>("alert");
  assert.equal(cleared.kind, "handoff_time");
  assert.equal(cleared.state, "cleared");

  await events.cancel();
  await service.stop();
  await Deno.remove(dir, { recursive: true });
});
