/**
 * `serve --inspect URL`: streams every actor's registration, events and
 * snapshots to a Stately inspector (`@statelyai/inspect`) over a WebSocket,
 * so the machines can be watched live.
 *
 * The events are the package's own (`createInspector`), sent through an
 * adapter on Deno's `WebSocket` that reconnects with backoff on an injected
 * clock and stops cleanly. Contexts, events and outputs are reduced to
 * plain data first: device drivers, the simulated world, frames' pixels and
 * actor references would otherwise be serialised on every transition.
 *
 * Limits: events sent while the socket is down are kept up to
 * `maxDeferredEvents` (oldest dropped); the inspector's replies are ignored.
 *
 * @module
 */

import {
  createInspector,
  type StatelyInspectionEvent,
} from "@statelyai/inspect";
import type { AnyActorRef, AnyEventObject, InspectionEvent } from "xstate";
import { type Clock, RealClock, type TimerId } from "../domain/clock.ts";

/** Options of {@linkcode attachInspector}. */
export interface InspectorOptions {
  /** Clock of the reconnect backoff; the wall clock by default. */
  clock?: Clock;
  /** Events kept while disconnected; 5000 by default. */
  maxDeferredEvents?: number;
  /** First reconnect delay, ms, doubling up to 30 s; 1000 by default. */
  reconnectMs?: number;
  /** Told when the connection opens or drops, for the operator. */
  onConnection?: (state: "open" | "closed", url: string) => void;
  /** Told when an event could not be converted; it is dropped. */
  onError?: (error: unknown) => void;
}

/** An attached inspector. */
export interface ServiceInspector {
  /** Pass as the service's `inspect` option. */
  inspect: (event: InspectionEvent) => void;
  /** Resolves once the socket first opens, or with false after `stop`. */
  opened: Promise<boolean>;
  /**
   * Waits for the socket to open, at most `timeoutMs` on the clock.
   *
   * @returns true when it opened in time
   */
  waitOpen(timeoutMs: number): Promise<boolean>;
  /** Closes the socket and stops reconnecting. */
  stop(): void;
}

const MAX_RECONNECT_MS = 30_000;
const MAX_DEPTH = 5;
const MAX_ITEMS = 50;

/**
 * Connects to an inspector at `url` (ws:// or wss://).
 *
 * @param url the inspector's WebSocket address
 * @param options clock, queue size and connection callback
 * @returns the observer to give the service, and how to stop
 * @throws {TypeError} when `url` is not a ws:// or wss:// address
 */
export function attachInspector(
  url: string,
  options: InspectorOptions = {},
): ServiceInspector {
  const protocol = URL.canParse(url) ? new URL(url).protocol : "";
  if (protocol !== "ws:" && protocol !== "wss:") {
    throw new TypeError(
      `Cannot attach the inspector to "${url}": give a WebSocket address such as ws://127.0.0.1:8181`,
    );
  }
  const clock = options.clock ?? new RealClock();
  const adapter = new DenoWebSocketAdapter(url, { ...options, clock });
  const inspector = createInspector(adapter);
  inspector.start();

  // An inspector must never break the controller: a failure drops the event.
  const guarded = (work: () => void) => {
    try {
      work();
    } catch (error) {
      options.onError?.(error);
    }
  };
  const inspect = (event: InspectionEvent) => {
    const actor = event.actorRef as AnyActorRef;
    switch (event.type) {
      case "@xstate.actor":
        // Registration comes from the actor's constructor, before it has a
        // snapshot; its first snapshot follows as its own event.
        guarded(() => inspector.actor(actor));
        break;
      case "@xstate.event":
        guarded(() =>
          inspector.event(actor, plainEvent(event.event), {
            source: event.sourceRef as AnyActorRef | undefined,
          })
        );
        break;
      case "@xstate.snapshot":
        guarded(() =>
          inspector.snapshot(actor, plainSnapshot(event.snapshot), {
            event: plainEvent(event.event),
          })
        );
        break;
    }
  };
  const waitOpen = async (timeoutMs: number) => {
    let timer: TimerId | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = clock.setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([adapter.opened, late]);
    } finally {
      clock.clearTimeout(timer!);
    }
  };
  return {
    inspect,
    opened: adapter.opened,
    waitOpen,
    stop: () => inspector.stop(),
  };
}

/** Sends inspection events over Deno's WebSocket, reconnecting until stopped. */
class DenoWebSocketAdapter {
  readonly opened: Promise<boolean>;
  readonly #url: string;
  readonly #clock: Clock;
  readonly #maxDeferred: number;
  readonly #firstDelayMs: number;
  readonly #onConnection: InspectorOptions["onConnection"];
  #resolveOpened!: (opened: boolean) => void;
  #socket: WebSocket | undefined;
  #deferred: string[] = [];
  #delayMs: number;
  #retry: TimerId | undefined;
  #stopped = false;

  constructor(url: string, options: InspectorOptions) {
    this.#url = url;
    this.#clock = options.clock ?? new RealClock();
    this.#maxDeferred = options.maxDeferredEvents ?? 5000;
    this.#firstDelayMs = options.reconnectMs ?? 1000;
    this.#delayMs = this.#firstDelayMs;
    this.#onConnection = options.onConnection;
    this.opened = new Promise((resolve) => this.#resolveOpened = resolve);
  }

  start(): void {
    if (this.#stopped || this.#socket) return;
    const socket = new WebSocket(this.#url);
    this.#socket = socket;
    socket.onopen = () => {
      this.#delayMs = this.#firstDelayMs;
      this.#resolveOpened(true);
      this.#onConnection?.("open", this.#url);
      for (const text of this.#deferred.splice(0)) socket.send(text);
    };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#onConnection?.("closed", this.#url);
      this.#scheduleReconnect();
    };
    // A failed connection also closes; onclose handles both.
    socket.onerror = () => {};
  }

  stop(): void {
    this.#stopped = true;
    this.#resolveOpened(false);
    if (this.#retry !== undefined) this.#clock.clearTimeout(this.#retry);
    this.#retry = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close();
  }

  send(event: StatelyInspectionEvent): void {
    const text = JSON.stringify(event);
    if (this.#socket?.readyState === WebSocket.OPEN) {
      this.#socket.send(text);
      return;
    }
    this.#deferred.push(text);
    if (this.#deferred.length > this.#maxDeferred) this.#deferred.shift();
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    const delayMs = this.#delayMs;
    this.#delayMs = Math.min(MAX_RECONNECT_MS, delayMs * 2);
    this.#retry = this.#clock.setTimeout(() => {
      this.#retry = undefined;
      this.start();
    }, delayMs);
  }
}

/** A snapshot as the inspector sees it: status, value, plain context. */
function plainSnapshot(snapshot: unknown): {
  status?: "active" | "done" | "error" | "stopped";
  value?: unknown;
  context?: unknown;
  output?: unknown;
} {
  const view = snapshot as {
    status?: "active" | "done" | "error" | "stopped";
    value?: unknown;
    context?: unknown;
    output?: unknown;
    error?: unknown;
  };
  return {
    status: view.status,
    value: toPlain(view.value),
    context: toPlain(view.context),
    output: toPlain(view.output ?? view.error),
  };
}

function plainEvent(event: AnyEventObject): AnyEventObject {
  return { ...(toPlain(event) as object), type: event.type };
}

/**
 * Keeps data and drops what only the process can use: functions become
 * nothing, actors their id, class instances their class name, binary
 * buffers their size; long arrays keep their last items.
 */
function toPlain(value: unknown, depth = 0): unknown {
  if (typeof value === "function") return undefined;
  if (value === null || typeof value !== "object") return value;
  if (ArrayBuffer.isView(value)) {
    return `[${value.constructor.name} ${value.byteLength} bytes]`;
  }
  if (value instanceof Error) {
    return { name: value.name, message: value.message };
  }
  if (value instanceof Date) return value.toISOString();
  if ("sessionId" in value && "send" in value) {
    return `actor:${(value as AnyActorRef).id}`;
  }
  if (depth >= MAX_DEPTH) return "[…]";
  if (Array.isArray(value)) {
    return value.slice(-MAX_ITEMS).map((item) => toPlain(item, depth + 1));
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    return `[${proto?.constructor?.name ?? "object"}]`;
  }
  const plain: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const converted = toPlain(item, depth + 1);
    if (converted !== undefined) plain[key] = converted;
  }
  return plain;
}
