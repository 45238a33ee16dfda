/**
 * Errors a caller branches on when a device misbehaves. Each names the
 * device and keeps what happened, so a message can say what to check.
 *
 * @module
 */

import type { DeviceKind } from "./types.ts";

/** Something a device did or failed to do. */
export class DeviceError extends Error {
  /** Which device failed. */
  readonly device: DeviceKind;

  /**
   * @param device the device that failed
   * @param message what could not be done, why, and what to do
   * @param options the underlying cause, if any
   */
  constructor(device: DeviceKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DeviceError";
    this.device = device;
  }
}

/** A device did not answer within the time the command allows. */
export class DeviceTimeoutError extends DeviceError {
  /** How long the caller waited, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * @param device the device that stayed silent
   * @param message what was asked and what to check
   * @param timeoutMs how long the caller waited
   */
  constructor(
    device: DeviceKind,
    message: string,
    timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super(device, message, options);
    this.name = "DeviceTimeoutError";
    this.timeoutMs = timeoutMs;
  }
}

/** The device's port went away (unplugged, closed, I/O error). */
export class DeviceDisconnectedError extends DeviceError {
  /**
   * @param device the device whose port went away
   * @param message which port and what to check
   */
  constructor(device: DeviceKind, message: string, options?: ErrorOptions) {
    super(device, message, options);
    this.name = "DeviceDisconnectedError";
  }
}

/** The device answered, but with a fault (`ERROR`, an unexpected reply). */
export class DeviceFaultError extends DeviceError {
  /** The reply that signalled the fault, as received. */
  readonly reply: string;

  /**
   * @param device the faulting device
   * @param message what was asked, what came back and what to do
   * @param reply the raw reply line
   */
  constructor(
    device: DeviceKind,
    message: string,
    reply: string,
    options?: ErrorOptions,
  ) {
    super(device, message, options);
    this.name = "DeviceFaultError";
    this.reply = reply;
  }
}
