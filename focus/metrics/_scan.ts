/**
 * Shared geometry of every metric: which rectangle of a frame is read, how
 * densely, and how a 3x3 neighbourhood is completed at its edges.
 *
 * @module
 */

import type { GrayImage } from "../../domain/frame.ts";
import type { MetricOptions } from "../types.ts";

/** The rectangle a metric reads and the grid it evaluates on. */
export interface Scan {
  /** The frame's pixels, row-major. */
  pixels: Uint8Array;
  /** Row length of the frame, in pixels. */
  stridePx: number;
  /** Left edge of the region, in frame pixels. */
  x0Px: number;
  /** Top edge of the region, in frame pixels. */
  y0Px: number;
  /** Width of the region, in pixels. */
  widthPx: number;
  /** Height of the region, in pixels. */
  heightPx: number;
  /** Distance between evaluated rows and columns, in pixels. */
  step: number;
}

/**
 * Resolves a metric's options against a frame.
 *
 * @param image the frame to score
 * @param options region and subsampling; the whole frame, every pixel by default
 * @param minSizePx smallest region side the metric can work with
 * @returns the region and evaluation grid
 * @throws {RangeError} when the frame's buffer does not match its size, the
 *   region leaves the frame or is too small, or the subsampling is not a
 *   positive integer
 */
export function resolveScan(
  image: GrayImage,
  options: MetricOptions | undefined,
  minSizePx: number,
): Scan {
  const { widthPx, heightPx, pixels } = image;
  if (pixels.length !== widthPx * heightPx) {
    throw new RangeError(
      `Cannot score a ${widthPx}x${heightPx} frame: it holds ${pixels.length} pixels instead of ${
        widthPx * heightPx
      }; pass the frame's own width and height`,
    );
  }
  const roi = options?.roi ??
    { xPx: 0, yPx: 0, widthPx: widthPx, heightPx: heightPx };
  const step = options?.subsample ?? 1;
  if (!Number.isInteger(step) || step < 1) {
    throw new RangeError(
      `Cannot subsample every ${step} pixels: use a positive integer (1 reads every pixel)`,
    );
  }
  const inside = Number.isInteger(roi.xPx) && Number.isInteger(roi.yPx) &&
    Number.isInteger(roi.widthPx) && Number.isInteger(roi.heightPx) &&
    roi.xPx >= 0 && roi.yPx >= 0 &&
    roi.xPx + roi.widthPx <= widthPx && roi.yPx + roi.heightPx <= heightPx;
  if (!inside) {
    throw new RangeError(
      `Cannot score region ${roi.widthPx}x${roi.heightPx} at (${roi.xPx}, ${roi.yPx}): it must lie in whole pixels inside the ${widthPx}x${heightPx} frame`,
    );
  }
  if (roi.widthPx < minSizePx || roi.heightPx < minSizePx) {
    throw new RangeError(
      `Cannot score a ${roi.widthPx}x${roi.heightPx} region: this metric needs at least ${minSizePx}x${minSizePx} pixels`,
    );
  }
  return {
    pixels,
    stridePx: widthPx,
    x0Px: roi.xPx,
    y0Px: roi.yPx,
    widthPx: roi.widthPx,
    heightPx: roi.heightPx,
    step,
  };
}

/**
 * Offset of the row above or below row `y` of the region, mirrored at the
 * region's edges without repeating the edge row (OpenCV's
 * BORDER_REFLECT_101), so that a region scores like a cropped frame.
 *
 * @param scan the resolved region
 * @param y row inside the region, 0-based, may be -1 or `heightPx`
 * @returns the offset of that row's first region pixel in `scan.pixels`
 */
export function rowOffset(scan: Scan, y: number): number {
  const last = scan.heightPx - 1;
  const mirrored = y < 0 ? -y : y > last ? 2 * last - y : y;
  return (scan.y0Px + mirrored) * scan.stridePx + scan.x0Px;
}

/**
 * How many grid positions of one axis fall in `[first, end)`.
 *
 * @param first first evaluated position
 * @param end one past the last usable position
 * @param step grid spacing
 */
export function gridCount(first: number, end: number, step: number): number {
  return end <= first ? 0 : Math.floor((end - 1 - first) / step) + 1;
}
