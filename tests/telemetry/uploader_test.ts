import assert from "node:assert/strict";
import {
  createTelemetryUploader,
  type TelemetryOptions,
} from "../../telemetry/uploader.ts";
import { RecordingLogger } from "../monitoring/_recording_logger.ts";
import { Collector } from "./_collector.ts";
import { ManualClock } from "./_manual_clock.ts";

const API_KEY = "test-telemetry-key";

async function withSetup(
  fn: (
    env: {
      collector: Collector;
      clock: ManualClock;
      logger: RecordingLogger;
      bufferPath: string;
      options: TelemetryOptions;
    },
  ) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "telemetry_test_" });
  const collector = new Collector();
  collector.start();
  const clock = new ManualClock();
  const logger = new RecordingLogger();
  const bufferPath = `${dir}/telemetry_buffer.jsonl`;
  try {
    await fn({
      collector,
      clock,
      logger,
      bufferPath,
      options: {
        endpoint: collector.url,
        apiKey: API_KEY,
        bufferPath,
        clock,
        logger,
        scannerName: "Test Scanner",
        uploadIntervalMs: 60_000,
        initialBackoffMs: 5_000,
        batchSize: 3,
      },
    });
  } finally {
    await collector.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

async function spooledCount(path: string): Promise<number> {
  try {
    return (await Deno.readTextFile(path)).split("\n").filter(Boolean).length;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
}

Deno.test("queued events are posted in batches with the API key at the upload interval", async () => {
  await withSetup(async ({ collector, clock, options }) => {
    const uploader = createTelemetryUploader({ ...options, batchSize: 100 });
    try {
      uploader.enqueue({ type: "handoff", n: 1 });
      uploader.enqueue({ type: "handoff", n: 2 });
      clock.advance(59_999);
      await uploader.settled();
      assert.equal(collector.requests, 0);

      clock.advance(1);
      await uploader.settled();

      assert.equal(collector.batches.length, 1);
      const [batch] = collector.batches;
      assert.equal(batch.apiKey, API_KEY);
      assert.equal(batch.scanner, "Test Scanner");
      assert.deepEqual(batch.events.map((e) => e.n), [1, 2]);
      assert.equal(typeof batch.events[0].event_id, "string");
      assert.equal(uploader.stats().delivered, 2);
      assert.deepEqual(clock.pendingDelaysMs, []);
    } finally {
      await uploader.close();
    }
  });
});

Deno.test("a full batch goes out at once without waiting for the interval", async () => {
  await withSetup(async ({ collector, clock, options }) => {
    const uploader = createTelemetryUploader(options);
    try {
      for (let n = 1; n <= 3; n++) uploader.enqueue({ n });
      clock.advance(0);
      await uploader.settled();
      assert.deepEqual(collector.events.map((e) => e.n), [1, 2, 3]);
    } finally {
      await uploader.close();
    }
  });
});

Deno.test("through an outage events are spooled, retried with backoff and delivered once, in order", async () => {
  await withSetup(async ({ collector, clock, logger, bufferPath, options }) => {
    const uploader = createTelemetryUploader(options);
    try {
      collector.failWith = 503;
      for (let n = 1; n <= 2; n++) uploader.enqueue({ n });
      clock.advance(60_000);
      await uploader.settled();
      assert.equal(collector.requests, 1);
      assert.equal(await spooledCount(bufferPath), 2);
      assert.deepEqual(clock.pendingDelaysMs, [5_000]);
      assert.match(String(uploader.stats().lastError), /503/);

      await collector.stop();
      for (let n = 3; n <= 7; n++) uploader.enqueue({ n });
      clock.advance(5_000);
      await uploader.settled();
      assert.equal(uploader.stats().consecutiveFailures, 2);
      assert.equal(await spooledCount(bufferPath), 7);
      assert.deepEqual(clock.pendingDelaysMs, [10_000]);

      collector.start();
      collector.failWith = null;
      uploader.enqueue({ n: 8 });
      clock.advance(9_999);
      await uploader.settled();
      assert.equal(collector.batches.length, 0);
      clock.advance(1);
      await uploader.settled();

      const delivered = collector.events;
      assert.deepEqual(delivered.map((e) => e.n), [1, 2, 3, 4, 5, 6, 7, 8]);
      assert.equal(new Set(delivered.map((e) => e.event_id)).size, 8);
      assert.deepEqual(
        collector.batches.map((b) => b.events.length),
        [3, 3, 1, 1],
      );
      assert.equal(await spooledCount(bufferPath), 0);
      assert.equal(uploader.stats().consecutiveFailures, 0);
      assert.equal(uploader.stats().delivered, 8);
      assert.deepEqual(
        logger.at("warn").map((l) => l.properties?.delayMs).filter(Boolean),
        [5_000, 10_000],
      );
    } finally {
      await uploader.close();
    }
  });
});

Deno.test("events spooled before a restart are delivered by the next uploader", async () => {
  await withSetup(async ({ collector, options, bufferPath }) => {
    collector.failWith = 503;
    const first = createTelemetryUploader(options);
    first.enqueue({ n: 1 });
    first.enqueue({ n: 2 });
    await first.close();
    assert.equal(await spooledCount(bufferPath), 2);

    collector.failWith = null;
    const second = createTelemetryUploader(options);
    try {
      second.enqueue({ n: 3 });
      assert.equal(await second.flush(), true);
      assert.deepEqual(collector.events.map((e) => e.n), [1, 2, 3]);
    } finally {
      await second.close();
    }
  });
});

Deno.test("a full spool drops its oldest events and counts them in a warning", async () => {
  await withSetup(async ({ collector, logger, options, bufferPath }) => {
    collector.failWith = 503;
    const uploader = createTelemetryUploader({
      ...options,
      batchSize: 100,
      maxBufferBytes: 300,
    });
    try {
      for (let n = 1; n <= 10; n++) uploader.enqueue({ n });
      assert.equal(await uploader.flush(), false);

      const spooledBytes = (await Deno.stat(bufferPath)).size;
      assert.ok(spooledBytes <= 300, `${spooledBytes} bytes spooled`);
      const dropped = uploader.stats().dropped;
      assert.ok(dropped > 0);
      const warning = logger.at("warn").findLast((l) => l.properties?.total);
      assert.equal(warning?.properties?.total, dropped);

      collector.failWith = null;
      assert.equal(await uploader.flush(), true);
      const numbers = collector.events.map((e) => e.n as number);
      assert.equal(numbers.length, 10 - dropped);
      assert.deepEqual(numbers, numbers.toSorted((a, b) => a - b));
      assert.equal(numbers.at(-1), 10);
    } finally {
      await uploader.close();
    }
  });
});

Deno.test("close delivers what is queued and stops every timer", async () => {
  await withSetup(async ({ collector, clock, options }) => {
    const uploader = createTelemetryUploader(options);
    uploader.enqueue({ n: 1 });
    assert.deepEqual(clock.pendingDelaysMs, [60_000]);

    await uploader.close();

    assert.deepEqual(collector.events.map((e) => e.n), [1]);
    assert.deepEqual(clock.pendingDelaysMs, []);
  });
});
