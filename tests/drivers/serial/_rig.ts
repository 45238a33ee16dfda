/**
 * Emulators on pseudo-terminals with serial drivers on the other side,
 * for the driver tests. Real time, short timeouts.
 *
 * @module
 */

import { defaultConfig } from "../../../config/load.ts";
import { lensProfiles } from "../../../config/lenses.ts";
import type { Config } from "../../../config/schema.ts";
import { RealClock } from "../../../domain/clock.ts";
import { SerialFocusMotor } from "../../../drivers/serial/focus_motor.ts";
import { SerialIllumination } from "../../../drivers/serial/illumination.ts";
import { SerialTurret } from "../../../drivers/serial/turret.ts";
import {
  type RunningEmulators,
  startEmulators,
} from "../../../emulator/start_emulators.ts";

/** The emulators, the three drivers, and the traffic each logged. */
export interface SerialRig {
  config: Config;
  emulators: RunningEmulators;
  turret: SerialTurret;
  focus: SerialFocusMotor;
  illumination: SerialIllumination;
  /** Driver-side traffic, per device. */
  traffic: { turret: string[]; focus: string[]; illumination: string[] };
  /** Closes drivers, then emulators. */
  close(): Promise<void>;
}

/** Starts the emulators and creates (not initialises) the drivers. */
export async function startRig(): Promise<SerialRig> {
  const config = defaultConfig();
  const clock = new RealClock();
  const emulators = await startEmulators(config, { reopenAfterMs: 30 });
  const traffic = {
    turret: [] as string[],
    focus: [] as string[],
    illumination: [] as string[],
  };
  const backoff = { initialDelayMs: 5, maxDelayMs: 20 };
  const turret = new SerialTurret({
    path: emulators.ports.turret,
    clock,
    backoff,
    switchTimeMs: config.hardware.lens_turret.switch_time_ms,
    timeoutMs: 150,
    log: (line) => traffic.turret.push(line),
  });
  const focus = new SerialFocusMotor({
    path: emulators.ports.focus,
    clock,
    backoff,
    lenses: lensProfiles(config),
    lensInPlace: () => turret.currentLens(),
    precisionUm: config.hardware.focus_motor.precision_um,
    replyTimeoutMs: 150,
    log: (line) => traffic.focus.push(line),
  });
  const illumination = new SerialIllumination({
    path: emulators.ports.illumination,
    clock,
    backoff,
    maxBrightness: config.hardware.illumination.max_brightness,
    defaultBrightness: config.hardware.illumination.default_brightness,
    timeoutMs: 150,
    log: (line) => traffic.illumination.push(line),
  });
  return {
    config,
    emulators,
    turret,
    focus,
    illumination,
    traffic,
    close: async () => {
      await Promise.all([turret.close(), focus.close(), illumination.close()]);
      await emulators.close();
    },
  };
}

/** Resolves when the driver's port is connected again. */
export function reconnected(transport: {
  state: string;
  onStateChange(listener: (change: { state: string }) => void): () => void;
}): Promise<void> {
  if (transport.state === "connected") return Promise.resolve();
  return new Promise((resolve) => {
    const stop = transport.onStateChange((change) => {
      if (change.state !== "connected") return;
      stop();
      resolve();
    });
  });
}
