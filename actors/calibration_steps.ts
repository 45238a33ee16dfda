/**
 * The steps of the calibration procedure, each an async function that a
 * calibration machine state invokes: verify the hardware, characterise both
 * lenses, collect mapping points, fit and evaluate on held-out points,
 * validate with real handoffs, and decide whether the result is fit for
 * production.
 *
 * Limitation: collecting points needs fields at different heights, which
 * only the simulator's stage can present; on a real scanner the scanning
 * software has to move the stage (not built yet).
 *
 * @module
 */

import {
  depthOfFieldUm,
  type LensId,
  type LensProfile,
} from "../domain/lens.ts";
import type { Clock } from "../domain/clock.ts";
import type { Scanner } from "../drivers/types.ts";
import type { CalibrationPoint } from "../mapping/types.ts";
import {
  type MappingOptions,
  ParfocalMapping,
} from "../mapping/parfocal_mapping.ts";
import { autofocusMachine } from "../machines/autofocus_machine.ts";
import { handoffMachine } from "../machines/handoff_machine.ts";
import type { HandoffResult } from "../machines/handoff_types.ts";
import type { DeviceSession } from "./device_session.ts";
import type { HandoffSettings } from "./handoff_settings.ts";
import { prepareScanPosition } from "./scan_position.ts";

/** Everything the steps work with. */
export interface CalibrationEnvironment {
  /** Turret and focus through their actors. */
  session: DeviceSession;
  /** The devices (camera, temperature, stage). */
  scanner: Scanner;
  /** Clock for timing. */
  clock: Clock;
  /** Both lens profiles. */
  lenses: Record<LensId, LensProfile>;
  /** How handoffs run during validation. */
  handoff: HandoffSettings;
  /** Mapping options from configuration. */
  mappingOptions: MappingOptions;
  /** Name of this scanner, stored in the calibration file. */
  scannerName: string;
}

/** What one calibration run does. */
export interface CalibrationPlan {
  /** Mapping points to collect. */
  pointCount: number;
  /** Lens-A heights the points span, um. */
  zRangeUm: [number, number];
  /** Handoffs run to validate the result. */
  validationHandoffs: number;
  /** Every n-th point is held out of the fit to evaluate it. */
  holdOutEvery: number;
}

/** One hardware check. */
export interface HardwareCheck {
  device: string;
  pass: boolean;
  detail: string;
}

/** Measured behaviour of one lens. */
export interface LensCharacterisation {
  lens: LensId;
  zRangeUm: [number, number];
  speedUmPerS: number;
}

/** The fit and its evaluation. */
export interface FitOutcome {
  mapping: ParfocalMapping;
  heldOutRmsUm: number;
  heldOutMaxUm: number;
  heldOutCount: number;
}

/** Result of the performance validation. */
export interface PerformanceValidation {
  handoffs: number;
  avgHandoffTimeMs: number;
  successRate: number;
  targetMetRate: number;
  meanMappingErrorUm: number;
}

/** Thresholds a calibration must meet to be called ready for production. */
export const PRODUCTION_TARGETS = {
  maxAvgHandoffMs: 300,
  minSuccessRate: 0.99,
  maxRmsErrorUm: 0.1,
} as const;

/**
 * Checks that every device answers: temperature, both lens positions,
 * a focus move, a frame of the configured size and the illumination.
 */
export async function verifyHardware(
  env: CalibrationEnvironment,
  signal?: AbortSignal,
): Promise<HardwareCheck[]> {
  const checks: HardwareCheck[] = [];
  const check = async (device: string, work: () => Promise<string>) => {
    try {
      checks.push({ device, pass: true, detail: await work() });
    } catch (error) {
      signal?.throwIfAborted();
      checks.push({
        device,
        pass: false,
        detail: error instanceof Error ? error.message : String(error),
      });
    }
  };

  await check("temperature", async () => {
    const temperatureC = await env.scanner.temperature.readC(signal);
    return `${temperatureC.toFixed(2)} C`;
  });
  await check("turret", async () => {
    const toBMs = await env.session.switchLens("B", signal);
    const toAMs = await env.session.switchLens("A", signal);
    return `switches in ${Math.max(toAMs, toBMs).toFixed(1)} ms`;
  });
  await check("focus_motor", async () => {
    const moved = await env.session.moveFocus(0, signal);
    return `at ${moved.zUm.toFixed(3)} um`;
  });
  await check("camera", async () => {
    const frame = await env.scanner.camera.capture(signal);
    return `${frame.widthPx}x${frame.heightPx} frame`;
  });
  await check("illumination", async () => {
    const level = await env.scanner.illumination.readBrightness(signal);
    return `brightness ${level}`;
  });
  return checks;
}

/**
 * Drives focus across each lens's range and measures the speed.
 *
 * @throws {DeviceError} when a move fails
 */
export async function characteriseLenses(
  env: CalibrationEnvironment,
  signal?: AbortSignal,
): Promise<LensCharacterisation[]> {
  const results: LensCharacterisation[] = [];
  for (const lens of [env.lenses.A, env.lenses.B]) {
    await env.session.switchLens(lens.id, signal);
    const low = await env.session.moveFocus(lens.zMinUm, signal);
    const high = await env.session.moveFocus(lens.zMaxUm, signal);
    const travelMs = Math.max(1e-3, high.elapsedMs - lens.settleMs);
    results.push({
      lens: lens.id,
      zRangeUm: [low.zUm, high.zUm],
      speedUmPerS: (high.zUm - low.zUm) / travelMs * 1000,
    });
    await env.session.moveFocus(0, signal);
  }
  return results;
}

/** Lens-A heights for `count` points spread evenly over `rangeUm`. */
export function calibrationHeights(
  count: number,
  rangeUm: [number, number],
): number[] {
  const [lowUm, highUm] = rangeUm;
  if (count === 1) return [(lowUm + highUm) / 2];
  return Array.from(
    { length: count },
    (_, i) => lowUm + (highUm - lowUm) * i / (count - 1),
  );
}

/**
 * Measures lens-A and lens-B focus on fields across the range.
 *
 * @param onPoint called after each point with its index
 * @throws {Error} when the scanner has no stage, or a focus is not found
 */
export async function collectPoints(
  env: CalibrationEnvironment,
  plan: CalibrationPlan,
  onPoint: (index: number, point: CalibrationPoint) => void,
  signal?: AbortSignal,
): Promise<CalibrationPoint[]> {
  const stage = env.scanner.stage;
  if (!stage) {
    throw new Error(
      "Cannot collect calibration points: this scanner has no stage the controller can move; calibrate on the simulator or load a calibration file",
    );
  }
  const points: CalibrationPoint[] = [];
  const heightsUm = calibrationHeights(plan.pointCount, plan.zRangeUm);

  for (const [index, order] of visitOrder(heightsUm.length).entries()) {
    const heightUm = heightsUm[order];
    await prepareScanPosition(env.session, stage, heightUm, signal);
    const zAUm = await findFocus(env, "A", heightUm, 4, signal);

    await env.session.switchLens("B", signal);
    const guessUm = clampToLens(
      env.lenses.B,
      zAUm + nearestOffsetUm(points, zAUm),
    );
    const widthUm = points.length === 0 ? 8 : 2;
    const zBUm = await findFocus(env, "B", guessUm, widthUm, signal);
    const temperatureC = await env.scanner.temperature.readC(signal);

    const point = { zAUm, zBUm, temperatureC };
    points.push(point);
    onPoint(index, point);
  }
  return points;
}

/**
 * The order to visit `count` heights in: a golden-ratio stride through
 * them, so the temperature drifting during a calibration is not tied to
 * z and the fit can tell the two apart.
 */
export function visitOrder(count: number): number[] {
  let stride = Math.max(1, Math.round(count * GOLDEN_RATIO_CONJUGATE));
  while (greatestCommonDivisor(stride, count) !== 1) stride++;
  return Array.from({ length: count }, (_, i) => (i * stride) % count);
}

const GOLDEN_RATIO_CONJUGATE = 0.618;

function greatestCommonDivisor(a: number, b: number): number {
  return b === 0 ? a : greatestCommonDivisor(b, a % b);
}

/** Lens-B minus lens-A focus of the collected point nearest in z, or 0. */
function nearestOffsetUm(points: CalibrationPoint[], zAUm: number): number {
  let nearest: CalibrationPoint | undefined;
  for (const point of points) {
    if (
      !nearest || Math.abs(point.zAUm - zAUm) < Math.abs(nearest.zAUm - zAUm)
    ) {
      nearest = point;
    }
  }
  return nearest ? nearest.zBUm - nearest.zAUm : 0;
}

/**
 * Sharper than a handoff's search needs to be: a focus curve is not quite
 * symmetric (defocus on one side blurs more), so a peak fitted through
 * frames a depth of field apart lands a little to one side. A calibration
 * point carries that offset into every prediction, so it is refined with
 * frames a third as far apart around the first answer.
 */
const REFINE_DEPTH_FRACTION = 1 / 3;

async function findFocus(
  env: CalibrationEnvironment,
  lensId: LensId,
  startZUm: number,
  uncertaintyUm: number,
  signal?: AbortSignal,
): Promise<number> {
  const lens = env.lenses[lensId];
  const depthUm = depthOfFieldUm(lens);
  const search = (fromUm: number, depthHintUm: number, withinUm: number) =>
    env.session.run(autofocusMachine, {
      focusRef: env.session.focusRef,
      camera: env.scanner.camera,
      clock: env.clock,
      lens,
      strategy: "fast",
      metric: env.handoff.metric[lensId],
      request: {
        startZUm: fromUm,
        zMinUm: lens.zMinUm,
        zMaxUm: lens.zMaxUm,
        depthOfFieldUm: depthHintUm,
        uncertaintyUm: withinUm,
        maxFrames: 30,
      },
    }, signal);

  const coarse = await search(startZUm, depthUm, uncertaintyUm);
  if (coarse.outcome !== "found" || coarse.zUm === null) {
    throw new Error(
      `Calibration could not find lens ${lensId} focus near ${
        startZUm.toFixed(2)
      } um: ${coarse.reason}; check the slide and the illumination`,
    );
  }
  const fineDepthUm = depthUm * REFINE_DEPTH_FRACTION;
  const fine = await search(coarse.zUm, fineDepthUm, fineDepthUm);
  return fine.outcome === "found" && fine.zUm !== null ? fine.zUm : coarse.zUm;
}

function clampToLens(lens: LensProfile, zUm: number): number {
  return Math.min(lens.zMaxUm, Math.max(lens.zMinUm, zUm));
}

/**
 * Fits on all but every `holdOutEvery`-th point, evaluates on those, then
 * refits on every point for the mapping that is kept.
 *
 * @throws {RangeError} when there are too few points to fit
 */
export function fitAndEvaluate(
  env: CalibrationEnvironment,
  points: CalibrationPoint[],
  plan: CalibrationPlan,
  calibratedAt: Date,
): FitOutcome {
  const meta = { scannerName: env.scannerName, calibratedAt };
  const heldOut = points.filter((_, i) =>
    i % plan.holdOutEvery === plan.holdOutEvery - 1
  );
  const training = points.filter((_, i) =>
    i % plan.holdOutEvery !== plan.holdOutEvery - 1
  );
  const trial = ParfocalMapping.fit(training, env.mappingOptions, meta);
  const evaluation = trial.evaluate(heldOut);
  return {
    mapping: ParfocalMapping.fit(points, env.mappingOptions, meta),
    heldOutRmsUm: evaluation.rmsErrorUm,
    heldOutMaxUm: evaluation.maxErrorUm,
    heldOutCount: heldOut.length,
  };
}

/**
 * Runs `plan.validationHandoffs` handoffs with the new mapping at heights
 * across the range and measures time, success and mapping error.
 */
export async function validatePerformance(
  env: CalibrationEnvironment,
  mapping: ParfocalMapping,
  plan: CalibrationPlan,
  signal?: AbortSignal,
): Promise<PerformanceValidation> {
  const results: HandoffResult[] = [];
  const stage = env.scanner.stage;
  for (
    const zAUm of calibrationHeights(plan.validationHandoffs, plan.zRangeUm)
  ) {
    if (stage) await prepareScanPosition(env.session, stage, zAUm, signal);
    results.push(
      await env.session.run(handoffMachine, {
        zSourceUm: zAUm,
        turretRef: env.session.turretRef,
        focusRef: env.session.focusRef,
        camera: env.scanner.camera,
        temperature: env.scanner.temperature,
        mapping,
        clock: env.clock,
        lensB: env.lenses.B,
        strategy: env.handoff.strategy,
        metric: env.handoff.metric.B,
        concurrent: env.handoff.concurrent,
        maxFrames: env.handoff.maxFrames,
      }, signal),
    );
  }
  const ok = results.filter((result) => result.success);
  const mean = (values: number[]) =>
    values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
  return {
    handoffs: results.length,
    avgHandoffTimeMs: mean(results.map((result) => result.elapsed_ms)),
    successRate: results.length === 0 ? 0 : ok.length / results.length,
    targetMetRate: results.length === 0
      ? 0
      : ok.filter((result) =>
        result.elapsed_ms <= PRODUCTION_TARGETS.maxAvgHandoffMs
      ).length / results.length,
    meanMappingErrorUm: mean(ok.map((result) => result.mapping_error_um)),
  };
}

/**
 * Whether the calibration is fit for production, and why not.
 *
 * @returns the verdict and one reason per target missed
 */
export function decideReadiness(
  fit: Pick<FitOutcome, "heldOutRmsUm">,
  performance: PerformanceValidation,
): { ready: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (performance.avgHandoffTimeMs > PRODUCTION_TARGETS.maxAvgHandoffMs) {
    reasons.push(
      `average handoff ${
        performance.avgHandoffTimeMs.toFixed(1)
      } ms exceeds ${PRODUCTION_TARGETS.maxAvgHandoffMs} ms`,
    );
  }
  if (performance.successRate < PRODUCTION_TARGETS.minSuccessRate) {
    reasons.push(
      `success rate ${(performance.successRate * 100).toFixed(1)}% is below ${
        PRODUCTION_TARGETS.minSuccessRate * 100
      }%`,
    );
  }
  if (fit.heldOutRmsUm > PRODUCTION_TARGETS.maxRmsErrorUm) {
    reasons.push(
      `held-out RMS ${
        fit.heldOutRmsUm.toFixed(3)
      } um exceeds ${PRODUCTION_TARGETS.maxRmsErrorUm} um`,
    );
  }
  return { ready: reasons.length === 0, reasons };
}
