/**
 * The errors a line transport raises, worded once: what failed, on which
 * port, and what to check.
 *
 * @module
 */

import {
  DeviceDisconnectedError,
  DeviceFaultError,
  DeviceTimeoutError,
} from "../drivers/errors.ts";
import type { DeviceKind } from "../drivers/types.ts";

/** What the messages name. */
export interface PortIdentity {
  /** The device on the port. */
  device: DeviceKind;
  /** The port's path. */
  path: string;
  /** Its line speed. */
  baudRate: number;
  /** The configuration key that names the port, if known. */
  portSetting?: string;
}

/** Builds the transport's errors for one port. */
export class TransportErrors {
  readonly #port: PortIdentity;
  readonly #name: string;

  /** @param port the device and port the messages name */
  constructor(port: PortIdentity) {
    this.#port = port;
    this.#name = port.device.replace("_", " ");
  }

  /** The port could not be opened. */
  cannotOpen(cause: Error): DeviceDisconnectedError {
    const setting = this.#port.portSetting ?? "the configuration";
    return new DeviceDisconnectedError(
      this.#port.device,
      `Cannot open the ${this.#name} port ${this.#port.path}: ${cause.message}; check that the device is plugged in, that ${setting} names it, and that this user may open it (dialout group)`,
      { cause },
    );
  }

  /** The open port went away. */
  lost(cause: Error): DeviceDisconnectedError {
    return new DeviceDisconnectedError(
      this.#port.device,
      `The ${this.#name} port ${this.#port.path} went away: ${cause.message}; reconnecting`,
      { cause },
    );
  }

  /** The transport was closed for good. */
  closed(action: string): DeviceDisconnectedError {
    return new DeviceDisconnectedError(
      this.#port.device,
      `Cannot ${action} on ${this.#port.path}: the ${this.#name} transport was closed; open a new one`,
    );
  }

  /** A command came while the port is not connected. */
  notConnected(command: string, state: string): DeviceDisconnectedError {
    return new DeviceDisconnectedError(
      this.#port.device,
      `Cannot send ${command} to the ${this.#name}: its port ${this.#port.path} is ${state}; check the cable and power (the port is retried by itself)`,
    );
  }

  /** No reply came in time. */
  timeout(command: string, timeoutMs: number): DeviceTimeoutError {
    return new DeviceTimeoutError(
      this.#port.device,
      `The ${this.#name} on ${this.#port.path} did not answer ${command} within ${timeoutMs} ms; check that it is powered, connected and set to ${this.#port.baudRate} baud`,
      timeoutMs,
    );
  }

  /** The device answered a fault. */
  fault(command: string, line: string): DeviceFaultError {
    return new DeviceFaultError(
      this.#port.device,
      `The ${this.#name} on ${this.#port.path} answered "${line}" to ${command}; check the device's state and clear its fault`,
      line,
    );
  }
}
