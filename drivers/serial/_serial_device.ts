/**
 * What every serial driver shares: its options and how it builds its line
 * transport.
 *
 * @module
 */

import type { Clock } from "../../domain/clock.ts";
import {
  type BackoffOptions,
  type ConnectionStateChange,
  LineTransport,
  type TrafficLogger,
} from "../../serial/line_transport.ts";
import type { PortOpener } from "../../serial/port_connection.ts";
import type { DeviceKind, DeviceLinkChange } from "../types.ts";

/** Options every serial driver takes. */
export interface SerialDeviceOptions {
  /** The port's path, e.g. `/dev/ttyUSB0`. */
  path: string;
  /** Clock for timeouts, polls and backoff; the wall clock by default. */
  clock?: Clock;
  /** Receives serial traffic (`--> CMD`, `<-- REPLY`) at debug level. */
  log?: TrafficLogger;
  /** Opens the port; `SerialPortStream` on the FFI binding by default. */
  openPort?: PortOpener;
  /** Reconnection delays after the port went away. */
  backoff?: BackoffOptions;
}

/**
 * A protocol status word: capitals, digits and underscores, like `OK`,
 * `COMPLETE` or `JAMMED`. Lines of another shape (free text, comments)
 * are the device's chatter, never a reply.
 */
export const STATUS_WORD = /^[A-Z][A-Z0-9_]*$/;

/**
 * Builds the transport of one device.
 *
 * @param device which device is on the port
 * @param baudRate the protocol's line speed
 * @param portSetting the configuration key naming the port, for messages
 * @param options the driver's options
 * @returns a transport, not yet open
 */
export function createTransport(
  device: DeviceKind,
  baudRate: number,
  portSetting: string,
  options: SerialDeviceOptions,
): LineTransport {
  return new LineTransport({
    device,
    path: options.path,
    baudRate,
    clock: options.clock,
    openPort: options.openPort,
    log: options.log,
    backoff: options.backoff,
    portSetting,
  });
}

/**
 * Reports a transport's losses and returns as link changes. Only the
 * `connected` and `disconnected` states are passed on: a reconnect attempt
 * in progress is still disconnected to the controller.
 *
 * @param transport the device's line transport
 * @param listener receives each change
 * @returns a function that stops the reports
 */
export function watchLink(
  transport: LineTransport,
  listener: (change: DeviceLinkChange) => void,
): () => void {
  return transport.onStateChange((change) => {
    if (change.state === "connected") {
      listener({ state: "connected", port: change.path });
    } else if (change.state === "disconnected") {
      listener({
        state: "disconnected",
        port: change.path,
        message: describeLoss(change),
      });
    }
  });
}

function describeLoss(change: ConnectionStateChange): string {
  const name = change.device.replace("_", " ");
  const reason = change.error?.message ?? "no reason given";
  const retry = change.retryInMs === undefined
    ? "it is not retried until the service restarts"
    : `it is reopened by itself (next try in ${change.retryInMs} ms)`;
  // Most causes already say what to check; the others get the usual.
  const advice = /\bcheck\b/.test(reason)
    ? ""
    : `; check the ${name}'s cable and power`;
  return `the ${name} port ${change.path} is disconnected: ${reason}; ${retry}${advice}`;
}
