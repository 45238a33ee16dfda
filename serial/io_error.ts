/**
 * The error the serial layer raises for a failed read or write, shaped as
 * `@serialport/stream` expects: `canceled` when the port was closed on
 * purpose, `disconnected` when the device went away.
 *
 * @module
 */

/** Why a serial read or write could not complete. */
export class SerialIoError extends Error {
  /** The port was closed while the call waited; not a fault. */
  readonly canceled: boolean;
  /** The device went away (hang-up, I/O error, end of file). */
  readonly disconnected: boolean;
  /** The C library's error number, when one was reported. */
  readonly errno: number | undefined;

  /**
   * @param message what failed, on which port, and what to check
   * @param kind `canceled` for a close, `disconnected` for a lost device
   * @param errno the C library's error number, if known
   */
  constructor(
    message: string,
    kind: "canceled" | "disconnected",
    errno?: number,
  ) {
    super(message);
    this.name = "SerialIoError";
    this.canceled = kind === "canceled";
    this.disconnected = kind === "disconnected";
    this.errno = errno;
  }
}
