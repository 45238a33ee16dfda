/**
 * Reads and writes on a non-blocking file descriptor through libc, with a
 * wait for readiness that does not block the event loop and that
 * {@linkcode FdIo.cancel} ends at once.
 *
 * The wait is a `poll` on a worker thread over two descriptors: the device
 * and an `eventfd`. Cancelling writes to the `eventfd`, which wakes every
 * pending wait, and then waits for them to return, so no FFI call is left
 * running once `cancel()` resolves.
 *
 * @module
 */

import {
  EAGAIN,
  EFD_NONBLOCK_CLOEXEC,
  EINTR,
  errno,
  libc,
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLNVAL,
  POLLOUT,
} from "./_libc.ts";
import { SerialIoError } from "./io_error.ts";

const POLLFD_BYTES = 8;

/** Cancellable reads and writes on one non-blocking descriptor. */
export class FdIo {
  readonly #fd: number;
  readonly #label: string;
  readonly #wakeFd: number;
  readonly #waits = new Set<Promise<number>>();
  #cancelled = false;
  #wakeClosed = false;

  /**
   * @param fd an open descriptor in non-blocking mode; the caller closes it
   * @param label what the descriptor is, for messages (usually its path)
   * @throws SerialIoError when no `eventfd` can be created
   */
  constructor(fd: number, label: string) {
    this.#fd = fd;
    this.#label = label;
    this.#wakeFd = libc().eventfd(0, EFD_NONBLOCK_CLOEXEC);
    if (this.#wakeFd < 0) {
      throw new SerialIoError(
        `Cannot watch ${label}: eventfd failed (errno ${errno()}); check the process's open-file limit`,
        "disconnected",
        errno(),
      );
    }
  }

  /** Whether {@linkcode FdIo.cancel} has been called. */
  get cancelled(): boolean {
    return this.#cancelled;
  }

  /**
   * Reads at least one byte into `target`, waiting as long as it takes.
   *
   * @param target where the bytes go; at most its length is read
   * @returns the number of bytes read, always at least one
   * @throws SerialIoError `canceled` after cancel(), `disconnected` on
   *   hang-up, end of file or an I/O error
   */
  async read(target: Uint8Array): Promise<number> {
    for (;;) {
      this.#throwIfCancelled("read");
      const count = Number(
        libc().read(this.#fd, target, BigInt(target.length)),
      );
      if (count > 0) return count;
      if (count === 0) {
        throw this.#lost("read", "end of file: the other side closed");
      }
      const code = errno();
      if (code === EINTR) continue;
      if (code !== EAGAIN) throw this.#lost("read", `errno ${code}`, code);
      await this.#waitFor(POLLIN, "read");
    }
  }

  /**
   * Writes all of `data`, waiting whenever the device's buffer is full.
   *
   * @param data the bytes to send
   * @throws SerialIoError `canceled` after cancel(), `disconnected` when
   *   the device went away
   */
  async write(data: Uint8Array): Promise<void> {
    let sent = 0;
    while (sent < data.length) {
      this.#throwIfCancelled("write");
      const rest = data.subarray(sent);
      const count = Number(libc().write(this.#fd, rest, BigInt(rest.length)));
      if (count > 0) {
        sent += count;
        continue;
      }
      const code = count < 0 ? errno() : EAGAIN;
      if (code === EINTR) continue;
      if (code !== EAGAIN) throw this.#lost("write", `errno ${code}`, code);
      await this.#waitFor(POLLOUT, "write");
    }
  }

  /**
   * Ends every pending and future read and write with a `canceled` error,
   * and resolves once no wait is left running. Does not close the device.
   */
  async cancel(): Promise<void> {
    if (!this.#cancelled) {
      this.#cancelled = true;
      const one = new Uint8Array(new BigUint64Array([1n]).buffer);
      libc().write(this.#wakeFd, one, 8n);
    }
    while (this.#waits.size > 0) {
      await Promise.allSettled([...this.#waits]);
    }
    if (!this.#wakeClosed) {
      this.#wakeClosed = true;
      libc().close(this.#wakeFd);
    }
  }

  async #waitFor(events: number, operation: string): Promise<void> {
    const pollFds = new Uint8Array(POLLFD_BYTES * 2);
    const view = new DataView(pollFds.buffer);
    view.setInt32(0, this.#fd, true);
    view.setInt16(4, events, true);
    view.setInt32(POLLFD_BYTES, this.#wakeFd, true);
    view.setInt16(POLLFD_BYTES + 4, POLLIN, true);

    const wait = libc().poll(pollFds, 2n, -1);
    this.#waits.add(wait);
    let ready: number;
    try {
      ready = await wait;
    } finally {
      this.#waits.delete(wait);
    }

    this.#throwIfCancelled(operation);
    // A failed poll (EINTR on the worker) is retried by the caller's loop.
    if (ready <= 0) return;
    const revents = view.getInt16(6, true);
    if (revents & POLLNVAL) throw this.#lost(operation, "descriptor closed");
    if ((revents & (POLLERR | POLLHUP)) && !(revents & events)) {
      throw this.#lost(operation, "hang-up");
    }
  }

  #throwIfCancelled(operation: string): void {
    if (!this.#cancelled) return;
    throw new SerialIoError(
      `Cannot ${operation} ${this.#label}: the port was closed`,
      "canceled",
    );
  }

  #lost(operation: string, why: string, code?: number): SerialIoError {
    return new SerialIoError(
      `Cannot ${operation} ${this.#label}: the device went away (${why}); check the cable and that the device is powered`,
      "disconnected",
      code,
    );
  }
}
