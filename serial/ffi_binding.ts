/**
 * A `@serialport/bindings-interface` binding for Deno on Linux: the native
 * open, termios and close calls of `@serialport/bindings-cpp`, with reads,
 * writes and the wait for data done through libc over FFI (see
 * {@linkcode FdIo}). Use it as the `binding` of `SerialPortStream`.
 *
 * Permissions: `--allow-ffi` naming {@linkcode LIBC_PATH} and
 * {@linkcode nativeBindingPath}, and `--allow-read` of `node_modules` to load
 * the package. Listing ports is not supported (no udev scan here).
 *
 * @module
 */

import type {
  BindingInterface,
  BindingPortInterface,
  OpenOptions,
  PortInfo,
  PortStatus,
  SetOptions,
  UpdateOptions,
} from "@serialport/bindings-interface";
import { Buffer } from "node:buffer";
import { callNative, nativeSerial } from "./_native.ts";
import { FdIo } from "./fd_io.ts";
import { SerialIoError } from "./io_error.ts";

export { LIBC_PATH } from "./_libc.ts";
export { nativeBindingPath } from "./_native.ts";

const DEFAULT_OPEN_OPTIONS = {
  dataBits: 8,
  lock: true,
  stopBits: 1,
  parity: "none",
  rtscts: false,
  xon: false,
  xoff: false,
  xany: false,
  hupcl: true,
} as const;

/** An open port: native descriptor plus libc reads and writes. */
export class FfiPortBinding implements BindingPortInterface {
  /** The options the port was opened with, defaults filled in. */
  readonly openOptions: Required<OpenOptions>;
  readonly #fd: number;
  readonly #io: FdIo;
  #writing: Promise<void> = Promise.resolve();
  #closed = false;

  /**
   * @param fd the descriptor from the native open (non-blocking)
   * @param openOptions the options it was opened with
   */
  constructor(fd: number, openOptions: Required<OpenOptions>) {
    this.#fd = fd;
    this.openOptions = openOptions;
    this.#io = new FdIo(fd, `serial port ${openOptions.path}`);
  }

  /** Whether the port is open. */
  get isOpen(): boolean {
    return !this.#closed;
  }

  /**
   * Ends pending reads and writes (`canceled`), then closes the port.
   *
   * @throws Error when the port is already closed
   */
  async close(): Promise<void> {
    this.#assertOpen("close");
    this.#closed = true;
    await this.#io.cancel();
    await callNative<void>((done) => nativeSerial().close(this.#fd, done));
  }

  /**
   * Reads at least one byte into `buffer` at `offset`.
   *
   * @returns the buffer and the number of bytes read
   * @throws SerialIoError `canceled` on close, `disconnected` when the
   *   device goes away
   */
  async read(
    buffer: Buffer,
    offset: number,
    length: number,
  ): Promise<{ buffer: Buffer; bytesRead: number }> {
    if (buffer.length < offset + length) {
      throw new RangeError(
        `Cannot read ${length} bytes at offset ${offset}: the buffer holds ${buffer.length}`,
      );
    }
    this.#assertOpen("read");
    const bytesRead = await this.#io.read(
      buffer.subarray(offset, offset + length),
    );
    return { buffer, bytesRead };
  }

  /**
   * Writes all of `buffer`; resolves once the system has taken it.
   *
   * @throws SerialIoError `canceled` on close, `disconnected` when the
   *   device goes away
   */
  write(buffer: Buffer): Promise<void> {
    this.#assertOpen("write");
    this.#writing = this.#io.write(buffer);
    return this.#writing;
  }

  /** Changes the baud rate. */
  update(options: UpdateOptions): Promise<void> {
    this.#assertOpen("update");
    return callNative<void>((done) =>
      nativeSerial().update(this.#fd, options, done)
    );
  }

  /** Sets the modem control lines (not supported by pseudo-terminals). */
  set(options: SetOptions): Promise<void> {
    this.#assertOpen("set");
    return callNative<void>((done) =>
      nativeSerial().set(this.#fd, options, done)
    );
  }

  /** Reads the modem status lines. */
  get(): Promise<PortStatus> {
    this.#assertOpen("get");
    return callNative((done) => nativeSerial().get(this.#fd, done));
  }

  /** The baud rate the system reports. */
  getBaudRate(): Promise<{ baudRate: number }> {
    this.#assertOpen("getBaudRate");
    return callNative((done) => nativeSerial().getBaudRate(this.#fd, done));
  }

  /** Discards unread input and unsent output. */
  flush(): Promise<void> {
    this.#assertOpen("flush");
    return callNative<void>((done) => nativeSerial().flush(this.#fd, done));
  }

  /** Waits for the pending write, then for the output to be transmitted. */
  async drain(): Promise<void> {
    this.#assertOpen("drain");
    await this.#writing.catch(() => undefined);
    await callNative<void>((done) => nativeSerial().drain(this.#fd, done));
  }

  #assertOpen(operation: string): void {
    if (!this.#closed) return;
    throw new SerialIoError(
      `Cannot ${operation} serial port ${this.openOptions.path}: the port is not open`,
      "canceled",
    );
  }
}

/**
 * The binding for `SerialPortStream`: `new SerialPortStream({ binding:
 * FfiBinding, path, baudRate })`.
 */
export const FfiBinding: BindingInterface<FfiPortBinding> = {
  /**
   * Not supported: configuration names each port.
   *
   * @returns an empty list
   */
  list(): Promise<PortInfo[]> {
    return Promise.resolve([]);
  },

  /**
   * Opens and configures a port (8N1 raw by default, locked).
   *
   * @param options path and baud rate, plus optional line settings
   * @returns the open port
   * @throws Error from the system when the port cannot be opened (missing,
   *   busy, no permission)
   */
  async open(options: OpenOptions): Promise<FfiPortBinding> {
    const openOptions = {
      ...DEFAULT_OPEN_OPTIONS,
      vmin: 1,
      vtime: 0,
      ...options,
    } as Required<OpenOptions>;
    const fd = await callNative<number>((done) =>
      nativeSerial().open(openOptions.path, openOptions, done)
    );
    return new FfiPortBinding(fd, openOptions);
  },
};
