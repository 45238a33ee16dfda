/**
 * Small in-memory devices for machine tests: each call takes simulated time
 * and can be told to fail or hang, so the machines' fault paths are exercised
 * without a simulator or a port.
 */

import { createActor } from "xstate";
import type { Clock, SimulatedClock } from "../../domain/clock.ts";
import { turretMachine } from "../../machines/turret_machine.ts";
import { focusMotorMachine } from "../../machines/focus_motor_machine.ts";
import { DeviceSession } from "../../actors/device_session.ts";
import type { LensId } from "../../domain/lens.ts";
import type { FocusMotor, Turret } from "../../drivers/types.ts";
import { DeviceFaultError } from "../../drivers/errors.ts";

/** What the next call does. */
export type FakeBehaviour = "ok" | "fail" | "hang";

/** A turret whose switches take `switchMs` of simulated time. */
export class FakeTurret implements Turret {
  lens: LensId | null = "A";
  next: FakeBehaviour = "ok";
  commands: LensId[] = [];

  constructor(private clock: Clock, private switchMs = 25) {}

  init(): Promise<void> {
    return Promise.resolve();
  }

  async switchTo(lens: LensId, signal?: AbortSignal): Promise<void> {
    this.commands.push(lens);
    const behaviour = this.next;
    this.next = "ok";
    if (behaviour === "hang") {
      this.lens = null;
      await new Promise((_, reject) =>
        signal?.addEventListener("abort", () => reject(signal.reason))
      );
    }
    await this.clock.sleep(this.switchMs, signal);
    if (behaviour === "fail") {
      this.lens = null;
      throw new DeviceFaultError(
        "turret",
        "turret answered JAMMED to SWITCH_LENS_B",
        "JAMMED",
      );
    }
    this.lens = lens;
  }

  currentLens(): LensId | null {
    return this.lens;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A focus motor moving at `speedUmPerS` in simulated time. */
export class FakeFocusMotor implements FocusMotor {
  zUm = 0;
  next: FakeBehaviour = "ok";

  constructor(private clock: Clock, private speedUmPerS = 300) {}

  init(): Promise<void> {
    return Promise.resolve();
  }

  async moveTo(zUm: number, signal?: AbortSignal): Promise<void> {
    const behaviour = this.next;
    this.next = "ok";
    if (behaviour === "hang") {
      await new Promise((_, reject) =>
        signal?.addEventListener("abort", () => reject(signal.reason))
      );
    }
    await this.clock.sleep(
      Math.abs(zUm - this.zUm) / this.speedUmPerS * 1000,
      signal,
    );
    if (behaviour === "fail") {
      throw new DeviceFaultError(
        "focus_motor",
        "piezo answered ERROR to MOV?",
        "ERROR",
      );
    }
    this.zUm = zUm;
  }

  positionUm(): number {
    return this.zUm;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The turret and focus machines over `turret` and `motor` on `clock`, with
 * a session to talk to them and `stop()` to end both.
 */
export function startDeviceMachines<T extends Turret, M extends FocusMotor>(
  clock: SimulatedClock,
  turret: T,
  motor: M,
) {
  const turretRef = createActor(turretMachine, {
    clock,
    input: { turret, clock, switchTimeoutMs: 200 },
  }).start();
  const focusRef = createActor(focusMotorMachine, {
    clock,
    input: { motor, clock, slowestSpeedUmPerS: 300, longestSettleMs: 8 },
  }).start();
  const session = new DeviceSession({ turretRef, focusRef, clock });
  const stop = () => {
    turretRef.stop();
    focusRef.stop();
  };
  return { clock, turret, motor, turretRef, focusRef, session, stop };
}
