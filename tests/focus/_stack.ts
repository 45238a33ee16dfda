/**
 * Test helper: the real focus stack urjc-adipose-s1, decoded once per
 * process, and OpenCV's reference values for it.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import type { GrayImage } from "../../domain/frame.ts";
import { loadImageStack } from "../../drivers/image_stack.ts";

/** Where the real stack lives, relative to the repository root. */
export const REAL_STACK_DIR = new URL(
  "../../../shared/data/urjc-adipose-s1/",
  import.meta.url,
);

/** The slice an expert chose as best focus, 0-based. */
export const REAL_BEST_INDEX = 10;

/** Number of slices in the real stack. */
export const REAL_SLICE_COUNT = 17;

let cache: GrayImage[] | undefined;

/**
 * Loads every slice of the real stack once per process, `1.png` first.
 *
 * @returns the 17 slices as 8-bit grayscale images
 */
export async function loadRealStack(): Promise<GrayImage[]> {
  cache ??= await loadImageStack(fileURLToPath(REAL_STACK_DIR));
  return cache;
}

/**
 * Reads `opencv_focus_curves.csv` from the real stack.
 *
 * @returns per slice, the variance of the Laplacian and Tenengrad
 */
export async function loadOpenCvCurves(): Promise<
  { varLaplacian: number; tenengrad: number }[]
> {
  const text = await Deno.readTextFile(
    new URL("opencv_focus_curves.csv", REAL_STACK_DIR),
  );
  return text.trim().split("\n").slice(1).map((line) => {
    const [, , varLaplacian, tenengrad] = line.split(",");
    return { varLaplacian: Number(varLaplacian), tenengrad: Number(tenengrad) };
  });
}
