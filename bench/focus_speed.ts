/**
 * Metric speed on a real frame: our default metric against OpenCV's native
 * Laplacian variance (Debian's python3-opencv, when installed) and against
 * opencv-js, all timed in the same run on the same PNG.
 *
 * @module
 */

import cvModule from "@techstark/opencv-js";
import type { GrayImage } from "../domain/frame.ts";

/** One timed implementation. */
export interface Timing {
  /** What was timed. */
  label: string;
  /** Median time of one call, ms. */
  medianMs: number;
  /** The value it computed, to check that like is timed against like. */
  value: number;
}

/** The native OpenCV measurement, or why there is none. */
export type NativeTiming =
  | { kind: "measured"; laplacian: Timing; tenengrad: Timing; note: string }
  | { kind: "absent"; note: string };

/**
 * Median time of `calls` calls of `fn` after a warm-up.
 *
 * @param fn the computation; its last result is returned as `value`
 * @param calls how many timed calls
 */
export function timeMedian(
  fn: () => number,
  calls: number,
): { medianMs: number; value: number } {
  let value = 0;
  for (let i = 0; i < Math.min(20, calls); i++) value = fn();
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    value = fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(calls / 2)], value };
}

const NATIVE_SCRIPT = `
import json, sys, time
try:
    import cv2
    import numpy as np
except ImportError as error:
    print(json.dumps({"missing": str(error)}))
    sys.exit(0)
img = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)
calls = int(sys.argv[2])
def laplacian():
    return cv2.Laplacian(img, cv2.CV_64F, ksize=1).var()
def tenengrad():
    gx = cv2.Sobel(img, cv2.CV_64F, 1, 0, ksize=3)
    gy = cv2.Sobel(img, cv2.CV_64F, 0, 1, ksize=3)
    return float(np.mean(gx * gx + gy * gy))
def median(fn):
    for _ in range(min(20, calls)):
        value = fn()
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return {"median_ms": times[calls // 2] * 1000, "value": value}
print(json.dumps({
    "version": cv2.__version__,
    "threads": cv2.getNumThreads(),
    "laplacian": median(laplacian),
    "tenengrad": median(tenengrad),
}))
`;

/** Interpreters to try: Debian's first, since pyenv shims may shadow it. */
const PYTHONS = ["/usr/bin/python3", "python3"];

/**
 * Times OpenCV's native Laplacian variance and Tenengrad on a PNG through
 * a Python interpreter that has `cv2`.
 *
 * @param pngPath the frame, as a file path
 * @param calls timed calls per metric
 */
export async function timeNativeOpenCv(
  pngPath: string,
  calls: number,
): Promise<NativeTiming> {
  const misses: string[] = [];
  for (const python of PYTHONS) {
    let output: Deno.CommandOutput;
    try {
      output = await new Deno.Command(python, {
        args: ["-c", NATIVE_SCRIPT, pngPath, String(calls)],
        stdout: "piped",
        stderr: "piped",
      }).output();
    } catch (error) {
      misses.push(`${python}: ${(error as Error).name}`);
      continue;
    }
    const text = new TextDecoder().decode(output.stdout).trim();
    if (!output.success || text === "") {
      misses.push(`${python}: exited with code ${output.code}`);
      continue;
    }
    const result = JSON.parse(text);
    if (result.missing) {
      misses.push(`${python}: ${result.missing}`);
      continue;
    }
    const note =
      `OpenCV ${result.version} via ${python}, ${result.threads} threads`;
    return {
      kind: "measured",
      note,
      laplacian: {
        label: "OpenCV native Laplacian + var",
        medianMs: result.laplacian.median_ms,
        value: result.laplacian.value,
      },
      tenengrad: {
        label: "OpenCV native Sobel Tenengrad",
        medianMs: result.tenengrad.median_ms,
        value: result.tenengrad.value,
      },
    };
  }
  return {
    kind: "absent",
    note: `not installed (python3-opencv; tried ${misses.join("; ")})`,
  };
}

// deno-lint-ignore no-explicit-any
type OpenCvJs = any;

/**
 * Waits for the opencv-js runtime. The module object is a thenable that
 * resolves to itself, so it is handed back wrapped: returning it from an
 * async function would make the promise adopt it forever.
 */
async function openCvJs(): Promise<{ cv: OpenCvJs }> {
  const cv: OpenCvJs = cvModule;
  if (!cv.Mat) {
    await new Promise<void>((resolve) => {
      cv.onRuntimeInitialized = () => resolve();
    });
  }
  return { cv };
}

/**
 * Times opencv-js's Laplacian + variance (meanStdDev) on a frame.
 *
 * @param image the frame
 * @param calls timed calls
 */
export async function timeOpenCvJs(
  image: GrayImage,
  calls: number,
): Promise<Timing> {
  const { cv } = await openCvJs();
  const src = new cv.Mat(image.heightPx, image.widthPx, cv.CV_8UC1);
  src.data.set(image.pixels);
  const lap = new cv.Mat();
  const mean = new cv.Mat();
  const std = new cv.Mat();
  try {
    const { medianMs, value } = timeMedian(() => {
      cv.Laplacian(src, lap, cv.CV_64F, 1, 1, 0, cv.BORDER_DEFAULT);
      cv.meanStdDev(lap, mean, std);
      return std.doubleAt(0, 0) ** 2;
    }, calls);
    return { label: "opencv-js 4.5.2 Laplacian + var", medianMs, value };
  } finally {
    for (const mat of [src, lap, mean, std]) mat.delete();
  }
}
