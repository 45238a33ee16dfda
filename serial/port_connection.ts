/**
 * One open serial port as the line transport sees it: write text, get
 * chunks, hear when the port is lost. The real implementation is
 * `SerialPortStream` on {@linkcode FfiBinding}; tests can pass an
 * in-memory one to drive the transport on a simulated clock.
 *
 * @module
 */

import { SerialPortStream } from "@serialport/stream";
import type { Buffer } from "node:buffer";
import { FfiBinding } from "./ffi_binding.ts";

/** What a connection reports to its owner. */
export interface PortConnectionHandlers {
  /** Bytes arrived. */
  onData(chunk: Uint8Array): void;
  /** The port went away (unplugged, hang-up, I/O error); it is closed. */
  onLost(error: Error): void;
}

/** An open port. */
export interface PortConnection {
  /**
   * Sends text as bytes.
   *
   * @throws Error when the port is lost or closed
   */
  write(text: string): Promise<void>;
  /** Closes the port; no handler is called after it resolves. */
  close(): Promise<void>;
}

/**
 * Opens a port and wires its events to `handlers`.
 *
 * @param path the port's path
 * @param baudRate line speed
 * @param handlers where data and loss are reported
 * @returns the open connection
 * @throws Error from the system when the port cannot be opened
 */
export type PortOpener = (
  path: string,
  baudRate: number,
  handlers: PortConnectionHandlers,
) => Promise<PortConnection>;

/**
 * Opens a real serial port (or pseudo-terminal) through `SerialPortStream`
 * and the FFI binding: 8 data bits, no parity, one stop bit, locked.
 */
export const openSerialPort: PortOpener = (path, baudRate, handlers) => {
  const stream = new SerialPortStream({
    binding: FfiBinding,
    path,
    baudRate,
    autoOpen: false,
  });
  let closed = false;
  const streamClosed = new Promise<void>((resolve) =>
    stream.once("close", () => resolve())
  );
  stream.on("data", (chunk: Buffer) => {
    if (!closed) handlers.onData(chunk);
  });
  stream.on("close", (error: Error | null) => {
    if (closed || error === null) return;
    closed = true;
    handlers.onLost(error);
  });
  // The stream also reports a lost port through "close"; "error" only
  // repeats it, and an unhandled "error" event would throw.
  stream.on("error", () => undefined);

  const connection: PortConnection = {
    write: (text) =>
      new Promise((resolve, reject) => {
        stream.write(text, (error) => error ? reject(error) : resolve());
      }),
    close: () => {
      closed = true;
      // After a loss the stream is already closing itself; wait for it so
      // no read is left pending in the binding.
      if (stream.isOpen) {
        return new Promise((resolve) => stream.close(() => resolve()));
      }
      return stream.closing ? streamClosed : Promise.resolve();
    },
  };
  return new Promise((resolve, reject) => {
    stream.open((error) => error ? reject(error) : resolve(connection));
  });
};
