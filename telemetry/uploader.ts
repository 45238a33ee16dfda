/**
 * The telemetry uploader: events are queued in memory by a synchronous
 * `enqueue`, posted in batches as JSON to the configured endpoint with the
 * API key in a header, and spooled to a bounded JSON-lines file while the
 * endpoint cannot take them. Retries back off exponentially on the injected
 * clock; buffered events go out first, so delivery keeps enqueue order.
 *
 * Each event carries an `event_id` (a UUID) that stays the same through
 * retries and restarts. Delivery is exactly once unless the process dies
 * between the endpoint's 2xx and the next spool rewrite (at most
 * {@linkcode SPOOL_CHECKPOINT_BATCHES} batches later); then those events are
 * posted again and the endpoint can drop them by `event_id`.
 *
 * Limits: the request timeout runs on a real timer, because a simulated
 * clock would expire it while the request is still on the wire.
 *
 * @module
 */

import type { Clock, TimerId } from "../domain/clock.ts";
import { type LoggerLike, SILENT_LOGGER } from "../logging/logger_like.ts";
import { DiskBuffer, lineBytes } from "./_disk_buffer.ts";

/** Spooled batches delivered between two rewrites of the spool file. */
export const SPOOL_CHECKPOINT_BATCHES = 20;

/** Options of {@linkcode createTelemetryUploader}. */
export interface TelemetryOptions {
  /** Where batches are posted. */
  endpoint: string;
  /** The API key sent with each batch; none when undefined. */
  apiKey?: string;
  /** Header that carries the key; default "X-API-Key". */
  apiKeyHeader?: string;
  /** The spool file, e.g. `var/telemetry_buffer.jsonl`. */
  bufferPath: string;
  /** Times the upload interval and the backoff. */
  clock: Clock;
  /** Sent with every batch as `scanner`. */
  scannerName?: string;
  /** Time between uploads; default 60 000 ms. */
  uploadIntervalMs?: number;
  /** Events per request; default 100. */
  batchSize?: number;
  /** Most bytes kept in the spool (and in memory); default 5 MiB. */
  maxBufferBytes?: number;
  /** First retry delay; default 5 000 ms, doubling up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  /** Longest retry delay; default 600 000 ms. */
  maxBackoffMs?: number;
  /** Longest wait for a reply; default 10 000 ms. */
  requestTimeoutMs?: number;
  /** Where failures and dropped events are reported. */
  logger?: LoggerLike;
  /** The HTTP client; `fetch` by default. */
  fetch?: typeof fetch;
}

/** Counters for diagnostics and tests. */
export interface TelemetryStats {
  /** Events in memory, not yet posted or spooled. */
  queued: number;
  /** Bytes in the spool file. */
  bufferedBytes: number;
  /** Events the endpoint accepted. */
  delivered: number;
  /** Events dropped because the buffer was full. */
  dropped: number;
  /** Failed posts since start. */
  failedAttempts: number;
  /** Failed posts since the last success. */
  consecutiveFailures: number;
  /** Why the last post failed; null after a success. */
  lastError: string | null;
}

/** A running uploader. */
export interface TelemetryUploader {
  /** Queues an event; never waits. `event_id` is added and reserved. */
  enqueue(event: Record<string, unknown>): void;
  /**
   * Tries to deliver everything pending now, even during a backoff.
   *
   * @returns true when nothing is left to send
   */
  flush(): Promise<boolean>;
  /** Waits for the upload in progress, if any, to finish. */
  settled(): Promise<void>;
  /** Counters. */
  stats(): TelemetryStats;
  /** Stops the timers, tries a last delivery and spools what is left. */
  close(): Promise<void>;
}

/**
 * Starts an uploader. Events spooled by an earlier run are sent first.
 *
 * @param options endpoint, key, spool file, clock and limits
 * @returns the uploader; call `close()` on shutdown
 */
export function createTelemetryUploader(
  options: TelemetryOptions,
): TelemetryUploader {
  return new Uploader(options);
}

class Uploader implements TelemetryUploader {
  readonly #options: TelemetryOptions;
  readonly #logger: LoggerLike;
  readonly #disk: DiskBuffer;
  readonly #batchSize: number;
  readonly #maxBytes: number;
  #memory: string[] = [];
  #memoryBytes = 0;
  #unreportedDrops = 0;
  #timer: TimerId | undefined;
  #running: Promise<boolean> | undefined;
  #closed = false;
  #counters = {
    delivered: 0,
    dropped: 0,
    failedAttempts: 0,
    consecutiveFailures: 0,
    lastError: null as string | null,
  };

  constructor(options: TelemetryOptions) {
    this.#options = options;
    this.#logger = options.logger ?? SILENT_LOGGER;
    this.#disk = new DiskBuffer(options.bufferPath);
    this.#batchSize = Math.max(1, options.batchSize ?? 100);
    this.#maxBytes = options.maxBufferBytes ?? 5 * 1024 * 1024;
    if (this.#disk.bytes > 0) this.#arm(0);
  }

  enqueue(event: Record<string, unknown>): void {
    if (this.#closed) {
      this.#drop(1, "the uploader is closed");
      return;
    }
    const line = JSON.stringify({ ...event, event_id: crypto.randomUUID() });
    this.#memory.push(line);
    this.#memoryBytes += lineBytes(line);
    this.#trimMemory();

    const full = this.#memory.length >= this.#batchSize;
    if (full && this.#counters.consecutiveFailures === 0 && !this.#running) {
      this.#arm(0);
    } else if (this.#timer === undefined && !this.#running) {
      this.#arm(this.#options.uploadIntervalMs ?? 60_000);
    }
  }

  async flush(): Promise<boolean> {
    await this.settled();
    this.#disarm();
    return await this.#run();
  }

  async settled(): Promise<void> {
    while (this.#running) await this.#running;
  }

  stats(): TelemetryStats {
    return {
      queued: this.#memory.length,
      bufferedBytes: this.#disk.bytes,
      ...this.#counters,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    this.#disarm();
  }

  #arm(delayMs: number): void {
    this.#disarm();
    this.#timer = this.#options.clock.setTimeout(() => {
      this.#timer = undefined;
      void this.#run();
    }, delayMs);
  }

  #disarm(): void {
    if (this.#timer === undefined) return;
    this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #run(): Promise<boolean> {
    if (this.#running) return this.#running;
    const unreported = this.#unreportedDrops;
    this.#unreportedDrops = 0;
    if (unreported > 0) this.#warnDropped(unreported, "the queue was full");
    this.#running = this.#deliverAll().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Posts batches until everything is out or a post fails. */
  async #deliverAll(): Promise<boolean> {
    try {
      if (this.#disk.bytes > 0) await this.#deliverSpool();
      while (this.#memory.length > 0) {
        const batch = this.#memory.slice(0, this.#batchSize);
        await this.#post(batch);
        this.#takeFromMemory(batch.length);
        this.#delivered(batch.length);
      }
      return true;
    } catch (error) {
      await this.#onFailure(error);
      return false;
    }
  }

  /**
   * Posts the spool batch by batch. The file is rewritten every few batches
   * and at the end rather than after each one, which would copy a full
   * spool hundreds of times after a long outage.
   */
  async #deliverSpool(): Promise<void> {
    const spooled = await this.#disk.readLines();
    let sent = 0;
    try {
      while (sent < spooled.length) {
        const batch = spooled.slice(sent, sent + this.#batchSize);
        await this.#post(batch);
        sent += batch.length;
        this.#delivered(batch.length);
        if ((sent / this.#batchSize) % SPOOL_CHECKPOINT_BATCHES === 0) {
          await this.#disk.replace(spooled.slice(sent));
        }
      }
    } finally {
      await this.#disk.replace(spooled.slice(sent));
    }
  }

  #delivered(count: number): void {
    this.#counters.delivered += count;
    this.#counters.consecutiveFailures = 0;
    this.#counters.lastError = null;
  }

  async #post(batch: readonly string[]): Promise<void> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
    };
    if (this.#options.apiKey) {
      headers[this.#options.apiKeyHeader ?? "X-API-Key"] = this.#options.apiKey;
    }
    const body = `{"scanner":${
      JSON.stringify(this.#options.scannerName ?? null)
    },"events":[${batch.join(",")}]}`;
    const abort = new AbortController();
    const timeout = setTimeout(
      () => abort.abort(new Error("no reply in time")),
      this.#options.requestTimeoutMs ?? 10_000,
    );
    try {
      const response = await (this.#options.fetch ?? fetch)(
        this.#options.endpoint,
        { method: "POST", headers, body, signal: abort.signal },
      );
      await response.body?.cancel();
      if (!response.ok) {
        throw new Error(`the endpoint answered ${response.status}`);
      }
    } finally {
      clearTimeout(timeout);
    }
  }

  async #onFailure(error: unknown): Promise<void> {
    const counters = this.#counters;
    counters.failedAttempts++;
    counters.consecutiveFailures++;
    counters.lastError = error instanceof Error ? error.message : String(error);

    try {
      await this.#spoolMemory();
    } catch (spoolError) {
      this.#logger.error(
        "Cannot write the telemetry buffer {path}: {cause}; events stay in memory",
        { path: this.#disk.path, cause: String(spoolError) },
      );
    }

    const initialMs = this.#options.initialBackoffMs ?? 5_000;
    const delayMs = Math.min(
      this.#options.maxBackoffMs ?? 600_000,
      initialMs * 2 ** (counters.consecutiveFailures - 1),
    );
    this.#logger.warn(
      "Cannot post telemetry to {endpoint}: {cause}; retrying in {delayMs} ms",
      { endpoint: this.#options.endpoint, cause: counters.lastError, delayMs },
    );
    if (!this.#closed) this.#arm(delayMs);
  }

  /** Moves the memory queue to the end of the spool, then bounds it. */
  async #spoolMemory(): Promise<void> {
    const lines = this.#memory;
    await this.#disk.append(lines);
    this.#takeFromMemory(lines.length);
    if (this.#disk.bytes <= this.#maxBytes) return;

    const spooled = await this.#disk.readLines();
    let bytes = this.#disk.bytes;
    let first = 0;
    while (bytes > this.#maxBytes && first < spooled.length) {
      bytes -= lineBytes(spooled[first]);
      first++;
    }
    await this.#disk.replace(spooled.slice(first));
    this.#drop(first, `the buffer reached ${this.#maxBytes} bytes`);
  }

  /** Drops from memory quietly; the next upload reports the count once. */
  #trimMemory(): void {
    while (this.#memoryBytes > this.#maxBytes && this.#memory.length > 1) {
      this.#memoryBytes -= lineBytes(this.#memory.shift()!);
      this.#counters.dropped++;
      this.#unreportedDrops++;
    }
  }

  #takeFromMemory(count: number): void {
    for (const line of this.#memory.splice(0, count)) {
      this.#memoryBytes -= lineBytes(line);
    }
  }

  #drop(count: number, why: string): void {
    if (count === 0) return;
    this.#counters.dropped += count;
    this.#warnDropped(count, why);
  }

  #warnDropped(count: number, why: string): void {
    this.#logger.warn(
      "Dropped {count} oldest telemetry events because {why}; {total} dropped since start",
      { count, why, total: this.#counters.dropped },
    );
  }
}
