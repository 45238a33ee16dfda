/**
 * The device part of `main.ts validate`: each device answers, the turret
 * switches in under 50 ms, the focus lands within 0.1 um and settles in
 * under 100 ms, the camera has the resolution and frame rate, the LED
 * covers its range, and the temperature sensor reads steady values in the
 * operating range. Thresholds are the deployment guide's.
 *
 * Limits: the serial focus drive reports the position it was sent to (its
 * protocol has no position query), so precision is checked as reported.
 * The simulated camera renders a crop of the configured sensor, so its
 * frames are compared with the size it declares.
 *
 * @module
 */

import type { Config } from "../config/schema.ts";
import type { Clock, TimerId } from "../domain/clock.ts";
import { createScanner } from "../drivers/create_scanner.ts";
import type { Scanner } from "../drivers/types.ts";
import type { ValidationCheck } from "./validation_checks.ts";

/** Slowest lens switch the handoff budget allows, ms. */
export const MAX_SWITCH_MS = 50;
/** Largest focus position error, um. */
export const MAX_FOCUS_ERROR_UM = 0.1;
/** Slowest settle of a short focus move, ms. */
export const MAX_FOCUS_SETTLE_MS = 100;
/** Smallest sensor, in pixels (2 megapixels). */
export const MIN_SENSOR_PX = 2e6;
/** Slowest camera the focus search can use, frames per second. */
export const MIN_FRAME_RATE_FPS = 10;
/** Operating temperature range, degrees C. */
export const OPERATING_RANGE_C: readonly [number, number] = [18, 28];
/** Most two readings a second apart may differ, degrees C. */
export const MAX_TEMPERATURE_JUMP_C = 0.5;

/** Longest any one check may wait for a device, ms. */
const CHECK_TIMEOUT_MS = 5_000;
/** Frames timed for the frame rate. */
const TIMED_FRAMES = 5;
/** Focus targets visited with lens A in place, um. */
const FOCUS_TARGETS_UM = [-1.23, 0.57, 2.5, 0] as const;

type Outcome = { pass: boolean; detail: string; fix?: string };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `work` with a signal that aborts after {@linkcode CHECK_TIMEOUT_MS}
 * on the clock, and turns its outcome (or error) into a check.
 */
async function check(
  clock: Clock,
  name: string,
  fixOnError: string,
  work: (signal: AbortSignal) => Promise<Outcome>,
): Promise<ValidationCheck> {
  const controller = new AbortController();
  let timer: TimerId | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => {
      const error = new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`);
      controller.abort(error);
      reject(error);
    }, CHECK_TIMEOUT_MS);
  });
  try {
    const outcome = await Promise.race([work(controller.signal), late]);
    return {
      name,
      pass: outcome.pass,
      detail: outcome.detail,
      fix: outcome.pass ? null : outcome.fix ?? fixOnError,
    };
  } catch (error) {
    return { name, pass: false, detail: messageOf(error), fix: fixOnError };
  } finally {
    clock.clearTimeout(timer!);
  }
}

async function timed(clock: Clock, work: () => Promise<void>) {
  const startedMs = clock.now();
  await work();
  return clock.now() - startedMs;
}

/**
 * Builds the configured scanner and checks every device.
 *
 * @param config the validated configuration
 * @param clock the clock to time on
 * @returns one check per device property, in a fixed order
 */
export async function deviceChecks(
  config: Config,
  clock: Clock,
): Promise<ValidationCheck[]> {
  let scanner: Scanner;
  try {
    scanner = (await createScanner(config, { clock })).scanner;
  } catch (error) {
    return [{
      name: "devices",
      pass: false,
      detail: `Cannot build the scanner: ${messageOf(error)}`,
      fix: "Correct the hardware section of the configuration",
    }];
  }
  try {
    return await checkScanner(scanner, config, clock);
  } finally {
    await scanner.close().catch(() => undefined);
  }
}

async function checkScanner(
  scanner: Scanner,
  config: Config,
  clock: Clock,
): Promise<ValidationCheck[]> {
  const hardware = config.hardware;
  const checks: ValidationCheck[] = [];
  const cable = (what: string, key: string) =>
    `Check the ${what}'s power and cable, and that hardware.${key} names its driver and port`;

  checks.push(
    await check(
      clock,
      "turret answers",
      cable("turret", "lens_turret"),
      async (signal) => {
        await scanner.turret.init(signal);
        return { pass: true, detail: `${hardware.lens_turret.driver} is up` };
      },
    ),
  );
  checks.push(
    await check(
      clock,
      "turret switch time",
      cable("turret", "lens_turret"),
      async (signal) => {
        await scanner.turret.switchTo("A", signal);
        const toBMs = await timed(
          clock,
          () => scanner.turret.switchTo("B", signal),
        );
        const toAMs = await timed(
          clock,
          () => scanner.turret.switchTo("A", signal),
        );
        const slowestMs = Math.max(toAMs, toBMs);
        return {
          pass: slowestMs < MAX_SWITCH_MS,
          detail: `A->B ${toBMs.toFixed(1)} ms, B->A ${
            toAMs.toFixed(1)
          } ms (limit ${MAX_SWITCH_MS} ms)`,
          fix: `The turret needs ${
            slowestMs.toFixed(1)
          } ms to switch: check it for mechanical drag and its supply voltage; a handoff budgets under ${MAX_SWITCH_MS} ms`,
        };
      },
    ),
  );

  checks.push(
    await check(
      clock,
      "focus motor answers",
      cable("focus motor", "focus_motor"),
      async (signal) => {
        await scanner.focus.init(signal);
        return { pass: true, detail: `${hardware.focus_motor.driver} is up` };
      },
    ),
  );
  checks.push(
    await check(
      clock,
      "focus precision",
      cable("focus motor", "focus_motor"),
      async (signal) => {
        let worstErrorUm = 0;
        let slowestMs = 0;
        for (const targetUm of FOCUS_TARGETS_UM) {
          const moveMs = await timed(
            clock,
            () => scanner.focus.moveTo(targetUm, signal),
          );
          slowestMs = Math.max(slowestMs, moveMs);
          worstErrorUm = Math.max(
            worstErrorUm,
            Math.abs(scanner.focus.positionUm() - targetUm),
          );
        }
        const configuredUm = hardware.focus_motor.precision_um;
        return {
          pass: worstErrorUm <= MAX_FOCUS_ERROR_UM &&
            slowestMs < MAX_FOCUS_SETTLE_MS &&
            configuredUm <= MAX_FOCUS_ERROR_UM,
          detail: `${FOCUS_TARGETS_UM.length} moves: worst error ${
            worstErrorUm.toFixed(3)
          } um (limit ${MAX_FOCUS_ERROR_UM}), slowest ${
            slowestMs.toFixed(1)
          } ms (limit ${MAX_FOCUS_SETTLE_MS} ms), precision_um ${configuredUm}`,
          fix:
            `The focus drive must land within ${MAX_FOCUS_ERROR_UM} um and settle in under ${MAX_FOCUS_SETTLE_MS} ms: check hardware.focus_motor.precision_um, the piezo controller's servo mode and that nothing touches the objective`,
        };
      },
    ),
  );

  checks.push(
    await check(
      clock,
      "camera resolution",
      "Check the camera's cable and hardware.camera",
      async (signal) => {
        await scanner.camera.init(signal);
        const [sensorW, sensorH] = hardware.camera.resolution;
        const [declaredW, declaredH] = scanner.camera.resolutionPx;
        const frame = await scanner.camera.capture(signal);
        const sizeMatches = frame.widthPx === declaredW &&
          frame.heightPx === declaredH;
        const sensorPx = sensorW * sensorH;
        return {
          pass: sizeMatches && sensorPx >= MIN_SENSOR_PX,
          detail: `sensor ${sensorW}x${sensorH} (${
            (sensorPx / 1e6).toFixed(1)
          } MP, at least ${
            MIN_SENSOR_PX / 1e6
          }); frames ${frame.widthPx}x${frame.heightPx}, driver declares ${declaredW}x${declaredH}`,
          fix: sizeMatches
            ? `Use a camera of at least ${
              MIN_SENSOR_PX / 1e6
            } MP and set hardware.camera.resolution to its size`
            : "The camera delivers frames of another size than it declares: check its mode and hardware.camera.resolution",
        };
      },
    ),
  );
  checks.push(
    await check(
      clock,
      "camera frame rate",
      "Check the camera's cable and hardware.camera",
      async (signal) => {
        const elapsedMs = await timed(clock, async () => {
          for (let i = 0; i < TIMED_FRAMES; i++) {
            await scanner.camera.capture(signal);
          }
        });
        const fps = TIMED_FRAMES / Math.max(elapsedMs, 1e-3) * 1000;
        return {
          pass: fps >= MIN_FRAME_RATE_FPS,
          detail: `${
            fps.toFixed(1)
          } frames/s over ${TIMED_FRAMES} frames (at least ${MIN_FRAME_RATE_FPS})`,
          fix:
            `Shorten hardware.camera.exposure_ms (now ${hardware.camera.exposure_ms} ms) or check the camera's link speed; the focus search needs ${MIN_FRAME_RATE_FPS} frames/s`,
        };
      },
    ),
  );

  checks.push(
    await check(
      clock,
      "illumination range",
      cable("LED controller", "illumination"),
      async (signal) => {
        const light = scanner.illumination;
        await light.init(signal);
        const levels = [
          0,
          hardware.illumination.max_brightness,
          hardware.illumination.default_brightness,
        ];
        const wrong: string[] = [];
        for (const level of levels) {
          await light.setBrightness(level, signal);
          const readBack = await light.readBrightness(signal);
          if (readBack !== level) wrong.push(`set ${level}, read ${readBack}`);
        }
        return {
          pass: wrong.length === 0,
          detail: wrong.length === 0
            ? `levels ${levels.join(", ")} set and read back`
            : wrong.join("; "),
          fix:
            "The LED controller does not hold the levels it is sent: check hardware.illumination.max_brightness and the controller's firmware",
        };
      },
    ),
  );

  checks.push(
    await check(
      clock,
      "temperature sensor",
      "Check the temperature sensor's connection",
      async (signal) => {
        const firstC = await scanner.temperature.readC(signal);
        await clock.sleep(1000, signal);
        const secondC = await scanner.temperature.readC(signal);
        const [lowC, highC] = OPERATING_RANGE_C;
        const steady = Number.isFinite(firstC) && Number.isFinite(secondC) &&
          Math.abs(secondC - firstC) <= MAX_TEMPERATURE_JUMP_C;
        const inRange = secondC >= lowC && secondC <= highC;
        return {
          pass: steady && inRange,
          detail: `${firstC.toFixed(2)} C, then ${
            secondC.toFixed(2)
          } C a second later (operating range ${lowC}..${highC} C)`,
          fix: steady
            ? `The room is outside the ${lowC}..${highC} C operating range: fix the room's climate before calibrating`
            : `Readings jump by more than ${MAX_TEMPERATURE_JUMP_C} C: check the sensor's mounting and cable`,
        };
      },
    ),
  );
  return checks;
}
