/**
 * Test helper: the real focus stack urjc-adipose-s1, decoded once per
 * process, and OpenCV's reference values for it.
 *
 * @module
 */

import { decode } from "fast-png";
import type { GrayImage } from "../../domain/frame.ts";

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
 * Decodes every slice of the real stack, `1.png` first.
 *
 * @returns the 17 slices as 8-bit grayscale images
 * @throws {Error} when a slice is not 8-bit grayscale
 */
export async function loadRealStack(): Promise<GrayImage[]> {
  if (cache) return cache;
  const slices: GrayImage[] = [];
  for (let i = 1; i <= REAL_SLICE_COUNT; i++) {
    const bytes = await Deno.readFile(new URL(`${i}.png`, REAL_STACK_DIR));
    const png = decode(bytes);
    if (png.channels !== 1 || png.depth !== 8) {
      throw new Error(
        `Cannot use slice ${i}.png: it has ${png.channels} channels of ${png.depth} bits, expected 8-bit grayscale`,
      );
    }
    slices.push({
      widthPx: png.width,
      heightPx: png.height,
      pixels: new Uint8Array(
        png.data.buffer,
        png.data.byteOffset,
        png.data.length,
      ),
    });
  }
  cache = slices;
  return slices;
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
