/**
 * Turns a driver's link changes (its port going away and coming back) into
 * events for the machine that invokes or spawns the watcher. Drivers with
 * no port (the simulator) report nothing, and the watcher stays quiet.
 *
 * @module
 */

import { fromCallback } from "xstate";
import type { DeviceKind, OnConnectionChange } from "../drivers/types.ts";

/** What a machine hears about a device's port. */
export type LinkEvent =
  | {
    type: "link.disconnected";
    device: DeviceKind;
    port: string;
    message: string;
  }
  | { type: "link.connected"; device: DeviceKind; port: string };

/** A port that is away, as machine contexts keep it. */
export interface LostLink {
  /** The port's path. */
  port: string;
  /** What happened and what to check. */
  message: string;
}

/** A driver that may report link changes. */
export interface LinkSource {
  /** Present on drivers with a port. */
  onConnectionChange?: OnConnectionChange;
}

/** What the watcher needs. */
export interface LinkWatchInput {
  /** The drivers to watch, by device; those without a port are skipped. */
  sources: Partial<Record<DeviceKind, LinkSource>>;
}

/** Sends `link.disconnected` and `link.connected` to its parent. */
export const watchLink = fromCallback<LinkEvent, LinkWatchInput>(
  ({ input, sendBack }) => {
    const entries = Object.entries(input.sources) as [
      DeviceKind,
      LinkSource,
    ][];
    const stops = entries.map(([device, source]) =>
      source.onConnectionChange?.((change) => {
        if (change.state === "connected") {
          sendBack({ type: "link.connected", device, port: change.port });
          return;
        }
        sendBack({
          type: "link.disconnected",
          device,
          port: change.port,
          message: change.message ?? `the port ${change.port} is disconnected`,
        });
      })
    );
    return () => {
      for (const stop of stops) stop?.();
    };
  },
);
