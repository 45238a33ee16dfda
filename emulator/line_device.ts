/**
 * The common body of an emulated serial device: it takes the lines a
 * driver sends one at a time, answers each as its protocol says, and acts
 * out the fault rules set on {@linkcode LineDevice.faults}.
 *
 * Replies end with CRLF, as many real controllers send them.
 *
 * @module
 */

import type { Clock } from "../domain/clock.ts";
import type { SimulatedWorld } from "../drivers/simulated/world.ts";
import type { EmulatedPort } from "./_emulated_port.ts";
import { type EmulatorFault, FaultSwitch } from "./fault_switch.ts";

/** What every emulated device shares. */
export interface DeviceContext {
  /** The simulated scanner the devices act on. */
  world: SimulatedWorld;
  /** Real time, since drivers talk over real pseudo-terminals. */
  clock: Clock;
  /** Receives each line of traffic, seen from the device. */
  log?: (line: string) => void;
  /** How long a port closed by a `close` fault stays away, ms. */
  reopenAfterMs: number;
}

const LINE_END = "\r\n";
const DEFAULT_STRAY = "# controller note: temperature 22.4 C";

/** An emulated device speaking a line protocol on one port. */
export abstract class LineDevice {
  /** Fault rules; empty means the device behaves. */
  readonly faults = new FaultSwitch();
  /** The device's name in the traffic log. */
  readonly name: string;
  protected readonly context: DeviceContext;
  /** Ends every wait when the emulator closes. */
  protected readonly lifetime = new AbortController();
  #port: EmulatedPort | undefined;
  #queue: Promise<void> = Promise.resolve();
  readonly #background = new Set<Promise<void>>();

  /**
   * @param name the device's name in the log
   * @param context world, clock, logger and reopen delay
   */
  constructor(name: string, context: DeviceContext) {
    this.name = name;
    this.context = context;
  }

  /** Connects the device to its port. */
  attach(port: EmulatedPort): void {
    this.#port = port;
  }

  /**
   * Queues a line received from the driver; lines are handled in order,
   * each after the previous one's reply.
   *
   * @param line the command, without terminator
   */
  receive(line: string): void {
    this.#queue = this.#queue.then(() => this.#handle(line)).catch(() =>
      undefined
    );
  }

  /** Stops acting: ends waits and waits for the handlers to finish. */
  async stop(): Promise<void> {
    this.lifetime.abort(new Error(`${this.name} emulator stopped`));
    await this.#queue;
    await Promise.allSettled([...this.#background]);
  }

  /**
   * Answers one command as the protocol says.
   *
   * @param command the command line
   * @param fault the fault rule firing for it, if any
   * @returns the reply line, or `undefined` for none
   */
  protected abstract respond(
    command: string,
    fault: EmulatorFault | undefined,
  ): Promise<string | undefined>;

  /** Waits on the emulator's clock; ends early when the emulator stops. */
  protected sleep(delayMs: number): Promise<void> {
    return this.context.clock.sleep(delayMs, this.lifetime.signal);
  }

  async #handle(command: string): Promise<void> {
    const fault = this.faults.take(command);
    this.context.log?.(
      `${this.name} <-- ${command}${fault ? ` [fault: ${fault.kind}]` : ""}`,
    );
    if (fault?.kind === "silent") return;
    if (fault?.kind === "echo") await this.#send(command);
    if (fault?.kind === "close") {
      // With no delay the port goes before the device answers, so the
      // reply is surely lost; with a delay the device acts meanwhile.
      if ((fault.delayMs ?? 0) === 0) {
        await this.#port?.drop(this.context.reopenAfterMs);
      } else this.#dropPortAfter(fault.delayMs ?? 0);
    }

    const reply = await this.respond(command, fault);
    if (reply === undefined || fault?.kind === "drop") return;

    switch (fault?.kind) {
      case "stray":
        await this.#send(fault.text ?? DEFAULT_STRAY);
        await this.#send(reply);
        break;
      case "split": {
        const cut = Math.max(1, Math.floor(reply.length / 2));
        this.context.log?.(`${this.name} --> ${reply} (in two chunks)`);
        await this.#write(reply.slice(0, cut));
        await this.sleep(fault.delayMs ?? 50);
        await this.#write(reply.slice(cut) + LINE_END);
        break;
      }
      case "merge":
        this.context.log?.(`${this.name} --> ${reply} (twice, one chunk)`);
        await this.#write(reply + LINE_END + reply + LINE_END);
        break;
      default:
        await this.#send(reply);
    }
  }

  #dropPortAfter(delayMs: number): void {
    const task = this.sleep(delayMs)
      .then(() => this.#port?.drop(this.context.reopenAfterMs))
      .catch(() => undefined);
    this.#background.add(task);
    task.finally(() => this.#background.delete(task));
  }

  async #send(line: string): Promise<void> {
    this.context.log?.(`${this.name} --> ${line}`);
    await this.#write(line + LINE_END);
  }

  async #write(text: string): Promise<void> {
    if (this.lifetime.signal.aborted) return;
    await this.#port?.write(text);
  }
}
