/**
 * The command queue of a line transport: one command in flight, the rest
 * waiting in order, each with its own timeout and abort signal.
 *
 * @module
 */

import type { Clock, TimerId } from "../domain/clock.ts";
import type { ReplyPattern } from "./line_transport.ts";

/** A command, queued or in flight. */
export interface TransportJob {
  /** The command text, without terminator. */
  readonly command: string;
  /** What the reply looks like; absent for a command without reply. */
  readonly reply?: ReplyPattern;
  /** What a fault reply looks like. */
  readonly fault: ReplyPattern;
  /** How long to wait for the reply, ms. */
  readonly timeoutMs: number;
  /** Abandons the command. */
  readonly signal?: AbortSignal;
  /** Whether the command has succeeded or failed. */
  readonly settled: boolean;
}

/** How a command ended: its reply line, or an error. */
export type JobOutcome = { line: string | undefined } | { error: unknown };

interface Entry extends TransportJob {
  settled: boolean;
  started: boolean;
  awaitingReply: boolean;
  resolve(line: string | undefined): void;
  reject(error: unknown): void;
  timer?: TimerId;
  clock?: Clock;
  onAbort?: () => void;
}

/** Runs commands one at a time, in the order they were added. */
export class TransportQueue {
  readonly #run: (job: TransportJob) => Promise<void>;
  #waiting: Entry[] = [];
  #current: Entry | undefined;
  #pumpScheduled = false;

  /** @param run writes a command; the queue settles it later */
  constructor(run: (job: TransportJob) => Promise<void>) {
    this.#run = run;
  }

  /** The command in flight if it is waiting for its reply. */
  get awaiting(): TransportJob | undefined {
    return this.#current?.awaitingReply ? this.#current : undefined;
  }

  /** Commands in flight or waiting. */
  get size(): number {
    return (this.#current === undefined ? 0 : 1) + this.#waiting.length;
  }

  /**
   * Queues a command.
   *
   * @param spec the command and how to wait for it
   * @param onAbortInFlight called when a started command is aborted (its
   *   reply may still come)
   * @returns its reply line (`undefined` for a command without reply)
   */
  add(
    spec: Omit<TransportJob, "settled">,
    onAbortInFlight: () => void,
  ): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const signal = spec.signal;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const entry: Entry = {
        ...spec,
        settled: false,
        started: false,
        awaitingReply: false,
        resolve,
        reject,
      };
      if (signal !== undefined) {
        entry.onAbort = () => {
          if (entry.started) onAbortInFlight();
          this.settle(entry, { error: signal.reason });
        };
        signal.addEventListener("abort", entry.onAbort, { once: true });
      }
      this.#waiting.push(entry);
      this.#schedulePump();
    });
  }

  /**
   * Marks the command in flight as written and waiting for its reply, and
   * starts its timeout.
   *
   * @param job the command in flight
   * @param clock the clock the timeout runs on
   * @param onTimeout builds the timeout error
   */
  awaitReply(job: TransportJob, clock: Clock, onTimeout: () => Error): void {
    const entry = job as Entry;
    if (entry.settled) return;
    entry.awaitingReply = true;
    entry.clock = clock;
    entry.timer = clock.setTimeout(() => {
      entry.timer = undefined;
      this.settle(entry, { error: onTimeout() });
    }, job.timeoutMs);
  }

  /**
   * Ends a command; the next one starts after the current turn, so lines
   * that arrived with this reply cannot answer it.
   *
   * @param job the command
   * @param outcome its reply or error; ignored if it already ended
   */
  settle(job: TransportJob, outcome: JobOutcome): void {
    const entry = job as Entry;
    if (entry.settled) return;
    entry.settled = true;
    entry.awaitingReply = false;
    if (entry.timer !== undefined) entry.clock?.clearTimeout(entry.timer);
    if (entry.onAbort) {
      entry.signal?.removeEventListener("abort", entry.onAbort);
    }
    this.#waiting = this.#waiting.filter((other) => other !== entry);
    if (this.#current === entry) this.#current = undefined;
    if ("error" in outcome) entry.reject(outcome.error);
    else entry.resolve(outcome.line);
    this.#schedulePump();
  }

  /**
   * Fails the command in flight and every queued one.
   *
   * @param error the error each of them rejects with
   */
  failAll(error: Error): void {
    const entries = [
      ...(this.#current ? [this.#current] : []),
      ...this.#waiting,
    ];
    for (const entry of entries) this.settle(entry, { error });
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#current !== undefined) return;
    const entry = this.#waiting.shift();
    if (entry === undefined) return;
    this.#current = entry;
    entry.started = true;
    this.#run(entry).catch((error) => this.settle(entry, { error }));
  }
}
