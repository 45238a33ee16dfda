/**
 * `GET /events`: the dashboard's live feed as server-sent events.
 *
 * Named events (see `http/dashboard/README.md` for their data):
 * `status` on connect and after every change the controller emits,
 * `handoff` per completed handoff, `calibration` while one runs and when it
 * ends, and `alert` when an alert is raised or cleared. Each event has an
 * increasing `id:`; the first carries `retry:`.
 *
 * Limits: a reconnecting client gets a fresh `status` instead of the events
 * it missed (`Last-Event-ID` is not replayed); no event is kept.
 *
 * @module
 */

import { Hono } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import type { ScannerService } from "../actors/scanner_service.ts";
import type { Clock } from "../domain/clock.ts";
import { RealClock } from "../domain/clock.ts";
import { type AlertView, statusPayload } from "./status_payload.ts";

/** Default time between keep-alive comments, ms. */
export const DEFAULT_KEEP_ALIVE_MS = 15_000;
/** Default reconnect delay a client is told, ms. */
export const DEFAULT_RETRY_MS = 1_000;

/** An alert being raised or cleared, as the `alert` event carries it. */
export interface AlertChangeView extends AlertView {
  /** Whether the alert starts or ends. */
  state: "raised" | "cleared";
}

/** Where the active alerts come from, when the service has alerts. */
export interface AlertFeed {
  /** The alerts active now. */
  active(): AlertView[];
  /** Calls `handler` on every change; returns the unsubscribe. */
  onChange(handler: (change: AlertChangeView) => void): () => void;
}

/** Options of {@linkcode eventsRoutes}. */
export interface EventsRouteOptions {
  /** Ends every open stream when aborted, so a server can shut down. */
  signal?: AbortSignal;
  /**
   * Active alerts and their changes; default the lab operations' alerts
   * (`service.lab.alerts`), none without lab operations.
   */
  alerts?: AlertFeed;
  /** Time between keep-alive comments, ms; default 15 s, 0 for none. */
  keepAliveMs?: number;
  /** Reconnect delay a client is told, ms; default 1 s. */
  retryMs?: number;
  /** Clock of the keep-alive; the wall clock by default (it is network time). */
  clock?: Pick<Clock, "setTimeout" | "clearTimeout">;
}

/**
 * Writes events in order, one at a time; after the stream ends, queued
 * events are dropped (Hono's `write` already ignores a closed stream).
 */
class EventWriter {
  #queue: Promise<void> = Promise.resolve();
  #nextId = 1;
  #retryMs: number | undefined;

  constructor(readonly stream: SSEStreamingApi, retryMs: number) {
    this.#retryMs = retryMs;
  }

  send(event: string, data: unknown): void {
    const id = String(this.#nextId++);
    const retry = this.#retryMs;
    this.#retryMs = undefined;
    this.#enqueue(() =>
      this.stream.writeSSE({ event, id, retry, data: JSON.stringify(data) })
    );
  }

  comment(text: string): void {
    this.#enqueue(async () => {
      await this.stream.write(`: ${text}\n\n`);
    });
  }

  #enqueue(write: () => Promise<void>): void {
    this.#queue = this.#queue.then(() => {
      if (this.stream.aborted || this.stream.closed) return;
      return write();
    });
  }
}

/**
 * The `/events` route over a running controller.
 *
 * @param service the running controller
 * @param options shutdown signal, alerts and keep-alive
 * @returns a Hono app to mount at the root
 */
export function eventsRoutes(
  service: ScannerService,
  options: EventsRouteOptions = {},
): Hono {
  const keepAliveMs = options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  const clock = options.clock ?? new RealClock();
  const alerts = options.alerts ?? service.lab?.alerts;
  const app = new Hono();

  app.get("/events", (c) =>
    streamSSE(c, async (stream) => {
      const writer = new EventWriter(
        stream,
        options.retryMs ?? DEFAULT_RETRY_MS,
      );
      const sendStatus = () =>
        writer.send(
          "status",
          statusPayload(service, alerts?.active() ?? []),
        );

      sendStatus();
      const running = service.calibrationStatus();
      if (running.running && running.progress) {
        writer.send("calibration", { running: true, ...running.progress });
      }

      const stops = [
        service.on("handoff.completed", (event) => {
          writer.send("handoff", event.result);
          sendStatus();
        }),
        service.on("status.changed", sendStatus),
        service.on("calibration.progress", (event) =>
          writer.send("calibration", { running: true, ...event.progress })),
        service.on("calibration.finished", ({ report }) => {
          writer.send("calibration", {
            running: false,
            report: {
              completed: report.completed,
              ready: report.ready,
              failure: report.failure,
            },
          });
          sendStatus();
        }),
        alerts?.onChange((change) =>
          writer.send("alert", change)
        ) ??
          (() => {}),
      ];

      let keepAlive: ReturnType<Clock["setTimeout"]> | undefined;
      const armKeepAlive = () => {
        keepAlive = clock.setTimeout(() => {
          writer.comment("keep-alive");
          armKeepAlive();
        }, keepAliveMs);
      };
      if (keepAliveMs > 0) armKeepAlive();

      await untilEnded(stream, options.signal);
      if (keepAlive !== undefined) clock.clearTimeout(keepAlive);
      for (const stop of stops) stop();
    }));

  return app;
}

/** Resolves when the client disconnects or the server is shutting down. */
function untilEnded(
  stream: SSEStreamingApi,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      signal?.removeEventListener("abort", done);
      resolve();
    };
    stream.onAbort(done);
    signal?.addEventListener("abort", done, { once: true });
  });
}
