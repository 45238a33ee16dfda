/**
 * The line protocol every serial driver shares: one command in flight per
 * port, replies matched in order, a timeout per command, and a port that
 * reconnects by itself after it went away.
 *
 * A command says what its reply looks like (`reply`) and what a fault
 * reply looks like (`fault`); any other line (a stray message, a reply that
 * came too late) goes to `onUnsolicited` and is never taken for the reply.
 * Lines equal to a command sent earlier are device echoes and are dropped.
 * After a timeout or an abort the next command first waits a short quiet
 * period and drops what arrives in it, so a late reply cannot answer it.
 *
 * Limitations: a stray line that looks exactly like the awaited reply is
 * taken for it (the protocols carry no sequence numbers). A port that
 * fails its first open is not retried in the background: call `open()`
 * again.
 *
 * @module
 */

import { type Clock, RealClock, type TimerId } from "../domain/clock.ts";
import type { DeviceKind } from "../drivers/types.ts";
import { Backoff, type BackoffOptions } from "./_backoff.ts";
import { LineSplitter } from "./_line_splitter.ts";
import {
  openSerialPort,
  type PortConnection,
  type PortOpener,
} from "./port_connection.ts";
import { TransportErrors } from "./_transport_errors.ts";
import { type TransportJob, TransportQueue } from "./_transport_queue.ts";

export type { BackoffOptions } from "./_backoff.ts";

/** Where the port is: `closed` is final, the others change by themselves. */
export type ConnectionState =
  | "idle"
  | "connecting"
  | "connected"
  | "disconnected"
  | "closed";

/** Detail of a `statechange` event. */
export interface ConnectionStateChange {
  /** The new state. */
  state: ConnectionState;
  /** Which device. */
  device: DeviceKind;
  /** The port's path. */
  path: string;
  /** Why the port was lost or could not be reopened, if it was. */
  error?: Error;
  /** When `disconnected`: delay before the next reopen attempt, ms. */
  retryInMs?: number;
}

/** A line a reply must (or must not) look like. */
export type ReplyPattern = RegExp | ((line: string) => boolean);

/** Receives one line of serial traffic (`--> CMD`, `<-- REPLY`). */
export type TrafficLogger = (message: string) => void;

/** Options of {@linkcode LineTransport}. */
export interface LineTransportOptions {
  /** The device on the port, for errors. */
  device: DeviceKind;
  /** The port's path, e.g. `/dev/ttyUSB0`. */
  path: string;
  /** Line speed, e.g. 115200. */
  baudRate: number;
  /** Clock for timeouts and backoff; the wall clock by default. */
  clock?: Clock;
  /** Opens the port; `SerialPortStream` with the FFI binding by default. */
  openPort?: PortOpener;
  /** Appended to each command; `"\n"` by default. */
  lineEnding?: string;
  /** Receives lines that answer no command; they are dropped by default. */
  onUnsolicited?: (line: string) => void;
  /** Receives the traffic at debug level; silent by default. */
  log?: TrafficLogger;
  /** Reconnection delays; 50 ms doubling up to 5 s by default. */
  backoff?: BackoffOptions;
  /** Quiet wait before the command after a timeout, ms; default 20. */
  resyncQuietMs?: number;
  /** The configuration key that names the port, for messages. */
  portSetting?: string;
}

/** Options of a command that expects a reply. */
export interface RequestOptions {
  /** What the reply looks like. */
  reply: ReplyPattern;
  /** What a fault reply looks like; `ERROR`/`ERR ...` by default. */
  fault?: ReplyPattern;
  /** How long to wait for the reply, ms. */
  timeoutMs: number;
  /** Abandons the wait (or the queued command). */
  signal?: AbortSignal;
}

const DEFAULT_FAULT = /^ERR(OR)?\b/;
const MAX_ECHOES = 8;

function matches(pattern: ReplyPattern, line: string): boolean {
  return typeof pattern === "function" ? pattern(line) : pattern.test(line);
}

/** A serial port speaking a line protocol, shared by one device's driver. */
export class LineTransport extends EventTarget {
  readonly #options: LineTransportOptions;
  readonly #clock: Clock;
  readonly #openPort: PortOpener;
  readonly #backoff: Backoff;
  readonly #splitter = new LineSplitter();
  readonly #queue: TransportQueue;
  readonly #errors: TransportErrors;
  #state: ConnectionState = "idle";
  #connection: PortConnection | undefined;
  #generation = 0;
  #opening: Promise<void> | undefined;
  #reconnectTimer: TimerId | undefined;
  #echoes: string[] = [];
  #resyncNeeded = false;
  #wasConnected = false;
  #draining = false;
  #closing: Promise<void> | undefined;

  /** @param options port, device and behaviour; see {@linkcode LineTransportOptions} */
  constructor(options: LineTransportOptions) {
    super();
    this.#options = options;
    this.#clock = options.clock ?? new RealClock();
    this.#openPort = options.openPort ?? openSerialPort;
    this.#backoff = new Backoff(options.backoff);
    this.#queue = new TransportQueue((job) => this.#run(job));
    this.#errors = new TransportErrors(options);
  }

  /** The port's path. */
  get path(): string {
    return this.#options.path;
  }

  /** The connection state now. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** Commands sent and not yet answered, plus those queued behind them. */
  get pendingCommands(): number {
    return this.#queue.size;
  }

  /**
   * Calls `listener` on every state change.
   *
   * @returns a function that removes the listener
   */
  onStateChange(listener: (change: ConnectionStateChange) => void): () => void {
    const handler = (event: Event) =>
      listener((event as CustomEvent<ConnectionStateChange>).detail);
    this.addEventListener("statechange", handler);
    return () => this.removeEventListener("statechange", handler);
  }

  /**
   * Opens the port. Once open, a lost port is reopened in the background
   * with growing delays until it is back or `close()` is called.
   *
   * @throws DeviceDisconnectedError naming the port when it cannot be opened
   */
  async open(signal?: AbortSignal): Promise<void> {
    if (this.#state === "connected") return;
    if (this.#state === "closed") throw this.#errors.closed("open the port");
    signal?.throwIfAborted();
    if (this.#state === "connecting") {
      await this.#opening?.catch(() => undefined);
      if (this.#isConnected()) return;
    }
    if (this.#reconnectTimer !== undefined) {
      this.#clock.clearTimeout(this.#reconnectTimer);
      this.#reconnectTimer = undefined;
    }
    try {
      await this.#connect();
    } catch (error) {
      // close() may have run while the port was opening.
      if (this.#isClosed()) throw this.#errors.closed("open the port");
      // A port that was up before keeps being retried in the background.
      if (this.#wasConnected) this.#scheduleReconnect(error as Error);
      else this.#setState("disconnected", { error: error as Error });
      throw this.#errors.cannotOpen(error as Error);
    }
  }

  /**
   * Sends `command` and resolves with its reply.
   *
   * @returns the reply line, without its terminator
   * @throws DeviceTimeoutError when no reply came within `timeoutMs`
   * @throws DeviceFaultError when the device answered a fault
   * @throws DeviceDisconnectedError when the port is or goes away
   * @throws the signal's reason when aborted
   */
  request(command: string, options: RequestOptions): Promise<string> {
    return this.#enqueue(command, options).then((line) => line ?? "");
  }

  /**
   * Sends `command`, which has no reply; resolves once it is written.
   *
   * @throws DeviceDisconnectedError when the port is or goes away
   * @throws the signal's reason when aborted while queued
   */
  async send(command: string, signal?: AbortSignal): Promise<void> {
    await this.#enqueue(command, { timeoutMs: 0, signal });
  }

  /** Closes the port for good; pending commands fail as disconnected. */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    this.#setState("closed", {});
    if (this.#reconnectTimer !== undefined) {
      this.#clock.clearTimeout(this.#reconnectTimer);
      this.#reconnectTimer = undefined;
    }
    this.#queue.failAll(this.#errors.closed("finish the command"));
    await this.#opening?.catch(() => undefined);
    const connection = this.#connection;
    this.#connection = undefined;
    await connection?.close();
  }

  #enqueue(
    command: string,
    options: Partial<RequestOptions> & { timeoutMs: number },
  ): Promise<string | undefined> {
    if (this.#state === "closed") {
      return Promise.reject(this.#errors.closed(`send ${command}`));
    }
    if (this.#state !== "connected") {
      return Promise.reject(this.#errors.notConnected(command, this.#state));
    }
    return this.#queue.add({
      command,
      reply: options.reply,
      fault: options.fault ?? DEFAULT_FAULT,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    }, () => {
      this.#resyncNeeded = true;
    });
  }

  async #run(job: TransportJob): Promise<void> {
    if (this.#resyncNeeded) {
      this.#resyncNeeded = false;
      this.#draining = true;
      try {
        await this.#clock.sleep(
          this.#options.resyncQuietMs ?? 20,
          job.signal,
        );
      } finally {
        this.#draining = false;
      }
    }
    const connection = this.#connection;
    if (job.settled) return;
    if (connection === undefined) {
      throw this.#errors.notConnected(job.command, this.#state);
    }

    this.#options.log?.(`--> ${job.command}`);
    this.#echoes = [...this.#echoes, job.command].slice(-MAX_ECHOES);
    if (job.reply !== undefined) {
      this.#queue.awaitReply(job, this.#clock, () => {
        this.#resyncNeeded = true;
        return this.#errors.timeout(job.command, job.timeoutMs);
      });
    }
    await connection.write(job.command + (this.#options.lineEnding ?? "\n"));
    if (job.reply === undefined) this.#queue.settle(job, { line: undefined });
  }

  #onData(generation: number, chunk: Uint8Array): void {
    if (generation !== this.#generation) return;
    for (const line of this.#splitter.push(chunk)) this.#onLine(line);
  }

  #onLine(line: string): void {
    const echoIndex = this.#echoes.indexOf(line);
    if (echoIndex >= 0) {
      this.#echoes = this.#echoes.slice(echoIndex + 1);
      this.#options.log?.(`<-- ${line} (echo)`);
      return;
    }
    const job = this.#queue.awaiting;
    if (job !== undefined && job.reply !== undefined && !this.#draining) {
      if (matches(job.reply, line)) {
        this.#options.log?.(`<-- ${line}`);
        this.#queue.settle(job, { line });
        return;
      }
      if (matches(job.fault, line)) {
        this.#options.log?.(`<-- ${line} (fault)`);
        this.#queue.settle(job, {
          error: this.#errors.fault(job.command, line),
        });
        return;
      }
    }
    this.#options.log?.(`<-- ${line} (unsolicited)`);
    this.#options.onUnsolicited?.(line);
  }

  #onLost(generation: number, error: Error): void {
    if (generation !== this.#generation || this.#state === "closed") return;
    this.#connection = undefined;
    this.#generation++;
    this.#queue.failAll(this.#errors.lost(error));
    this.#scheduleReconnect(error);
  }

  #scheduleReconnect(error: Error): void {
    const delayMs = this.#backoff.next();
    this.#setState("disconnected", { error, retryInMs: delayMs });
    this.#reconnectTimer = this.#clock.setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#connect().then(
        () => this.#backoff.reset(),
        (failure: Error) => {
          if (this.#state !== "closed") this.#scheduleReconnect(failure);
        },
      );
    }, delayMs);
  }

  #connect(): Promise<void> {
    const generation = ++this.#generation;
    this.#setState("connecting", {});
    this.#splitter.reset();
    this.#echoes = [];
    this.#resyncNeeded = false;
    const opening = this.#openPort(this.path, this.#options.baudRate, {
      onData: (chunk) => this.#onData(generation, chunk),
      onLost: (error) => this.#onLost(generation, error),
    }).then(async (connection) => {
      if (this.#state === "closed") {
        await connection.close();
        throw this.#errors.closed("open the port");
      }
      this.#connection = connection;
      this.#wasConnected = true;
      this.#setState("connected", {});
    });
    this.#opening = opening;
    return opening;
  }

  #isClosed(): boolean {
    return this.#state === "closed";
  }

  #isConnected(): boolean {
    return this.#state === "connected";
  }

  #setState(
    state: ConnectionState,
    extra: Pick<ConnectionStateChange, "error" | "retryInMs">,
  ): void {
    if (this.#state === "closed") return;
    this.#state = state;
    const detail: ConnectionStateChange = {
      state,
      device: this.#options.device,
      path: this.path,
      ...extra,
    };
    this.dispatchEvent(new CustomEvent("statechange", { detail }));
  }
}
