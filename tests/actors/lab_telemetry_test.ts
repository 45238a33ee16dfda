import assert from "node:assert/strict";
import { TELEMETRY_BUFFER_FILE } from "../../telemetry/from_config.ts";
import { Collector } from "../telemetry/_collector.ts";
import { calibratedConfig, runHandoffs, startLab } from "./_lab_fixture.ts";

const API_KEY = "tele-secret-3f9a";

Deno.test("handoff summaries are buffered on disk through an outage and a restart, then delivered in order", async () => {
  const dir = await Deno.makeTempDir();
  const collector = new Collector();
  collector.start();
  collector.failWith = 503;
  const config = await calibratedConfig(dir);
  config.system.enable_telemetry = true;
  config.monitoring.telemetry = {
    enable: true,
    endpoint: collector.url,
    api_key: API_KEY,
    upload_interval_s: 60,
  };
  const spool = `${dir}/${TELEMETRY_BUFFER_FILE}`;

  const first = await startLab(config);
  const uploader = first.service.lab!.telemetry!;
  await runHandoffs(first.service, 3);
  first.clock.advance(60_000);
  await uploader.settled();
  assert.equal(collector.requests, 1);
  assert.equal(collector.batches.length, 0);
  assert.equal(uploader.stats().failedAttempts, 1);
  assert.equal((await Deno.readTextFile(spool)).trim().split("\n").length, 3);

  await collector.stop();
  await runHandoffs(first.service, 2);
  first.clock.advance(5_000);
  await uploader.settled();
  assert.equal(uploader.stats().failedAttempts, 2);
  assert.equal((await Deno.readTextFile(spool)).trim().split("\n").length, 5);
  await first.service.stop();
  assert.equal((await Deno.readTextFile(spool)).trim().split("\n").length, 5);

  collector.failWith = null;
  collector.start();
  const second = await startLab(config);
  second.clock.advance(0);
  await second.service.lab!.telemetry!.settled();

  const events = collector.events;
  assert.equal(events.length, 5);
  assert.deepEqual(events.map((event) => event.type), Array(5).fill("handoff"));
  assert.deepEqual(
    events.map((event) => event.z_source),
    [-8, -7, -6, -8, -7],
  );
  assert.ok(events.every((event) => event.success === true));
  assert.ok(collector.batches.every((batch) => batch.apiKey === API_KEY));
  assert.equal(collector.batches[0].scanner, config.system.name);
  await assert.rejects(Deno.stat(spool), Deno.errors.NotFound);
  const logged = JSON.stringify([
    ...first.logger.lines,
    ...second.logger.lines,
  ]);
  assert.ok(logged.includes("Cannot post telemetry"));
  assert.ok(!logged.includes(API_KEY));

  await second.service.stop();
  await collector.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("telemetry stays off unless both switches are on, and nothing is posted", async () => {
  const dir = await Deno.makeTempDir();
  const collector = new Collector();
  collector.start();
  const config = await calibratedConfig(dir);
  config.system.enable_telemetry = false;
  config.monitoring.telemetry = {
    enable: true,
    endpoint: collector.url,
    api_key: API_KEY,
    upload_interval_s: 60,
  };

  const { service, clock } = await startLab(config);
  assert.equal(service.lab!.telemetry, null);
  await runHandoffs(service, 1);
  clock.advance(120_000);
  await service.stop();
  assert.equal(collector.requests, 0);
  await collector.stop();
  await Deno.remove(dir, { recursive: true });
});
