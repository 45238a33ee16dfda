/**
 * The emulator's end of one serial port: a pseudo-terminal behind a
 * symbolic link whose path never changes, so a port that the emulator
 * closes (a pulled cable) can come back at the same path.
 *
 * @module
 */

import type { Clock, TimerId } from "../domain/clock.ts";
import { cString, errno, libc } from "../serial/_libc.ts";
import { openPseudoTerminal, type PseudoTerminal } from "../serial/pty.ts";

// Links go through libc, which the emulator loads anyway: Deno.symlink
// would need unscoped --allow-read and --allow-write.
function link(target: string, path: string): void {
  unlink(path);
  if (libc().symlink(cString(target), cString(path)) === 0) return;
  throw new Error(
    `Cannot link ${path} to ${target}: symlink failed (errno ${errno()}); check that the folder exists and is writable`,
  );
}

function unlink(path: string): void {
  libc().unlink(cString(path));
}

/** A port the emulator can close and bring back. */
export class EmulatedPort {
  /** Stable path for drivers: a link to the current pseudo-terminal. */
  readonly path: string;
  readonly #clock: Clock;
  readonly #onLine: (line: string) => void;
  #pty: PseudoTerminal | undefined;
  #reading: Promise<void> = Promise.resolve();
  #reopenTimer: TimerId | undefined;
  #reopening: Promise<void> | undefined;
  #closed = false;

  private constructor(
    path: string,
    clock: Clock,
    onLine: (line: string) => void,
  ) {
    this.path = path;
    this.#clock = clock;
    this.#onLine = onLine;
  }

  /**
   * Opens a pseudo-terminal and links `path` to it.
   *
   * @param path where the link goes; must not exist
   * @param clock times the reopening after {@linkcode EmulatedPort.drop}
   * @param onLine receives each line a driver sends, without terminator
   * @returns the open port
   */
  static async open(
    path: string,
    clock: Clock,
    onLine: (line: string) => void,
  ): Promise<EmulatedPort> {
    const port = new EmulatedPort(path, clock, onLine);
    await port.#attach();
    return port;
  }

  /** Whether the port is up (not dropped or closed). */
  get isUp(): boolean {
    return this.#pty !== undefined;
  }

  /**
   * Sends text to the driver; dropped silently while the port is down.
   *
   * @param text what to send, terminators included
   */
  async write(text: string): Promise<void> {
    await this.#pty?.write(text).catch(() => undefined);
  }

  /**
   * Closes the port as a pulled cable would, and brings it back at the
   * same path after `reopenAfterMs`.
   *
   * @param reopenAfterMs how long the port stays away
   */
  async drop(reopenAfterMs: number): Promise<void> {
    const pty = this.#pty;
    if (pty === undefined || this.#closed) return;
    this.#pty = undefined;
    await pty.close();
    await this.#reading;
    unlink(this.path);
    this.#reopenTimer = this.#clock.setTimeout(() => {
      this.#reopenTimer = undefined;
      this.#reopening = this.#attach();
    }, reopenAfterMs);
  }

  /** Closes the port for good and removes its link. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#reopenTimer !== undefined) {
      this.#clock.clearTimeout(this.#reopenTimer);
    }
    await this.#reopening;
    const pty = this.#pty;
    this.#pty = undefined;
    await pty?.close();
    await this.#reading;
    unlink(this.path);
  }

  async #attach(): Promise<void> {
    if (this.#closed) return;
    const pty = openPseudoTerminal();
    try {
      link(pty.path, this.path);
    } catch (error) {
      await pty.close();
      throw error;
    }
    this.#pty = pty;
    this.#reading = this.#readLines(pty);
  }

  async #readLines(pty: PseudoTerminal): Promise<void> {
    const decoder = new TextDecoder();
    const chunk = new Uint8Array(1024);
    let pending = "";
    for (;;) {
      let count: number;
      try {
        count = await pty.read(chunk);
      } catch {
        return;
      }
      pending += decoder.decode(chunk.subarray(0, count), { stream: true });
      const lines = pending.split(/[\r\n]/);
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (line.trim().length > 0) this.#onLine(line.trim());
      }
    }
  }
}
