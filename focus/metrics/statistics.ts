/**
 * Statistical metrics: normalized variance of the intensities and
 * Vollath's F4 autocorrelation. Both ignore the local kernel shape, so they
 * are robust to pixel noise but flatter near focus than gradient metrics.
 *
 * @module
 */

import type { GrayImage } from "../../domain/frame.ts";
import type { MetricOptions } from "../types.ts";
import { gridCount, resolveScan, rowOffset } from "./_scan.ts";

/**
 * Normalized variance: the intensity variance divided by the mean, so that
 * a brighter lamp does not read as sharper.
 *
 * @param image the frame to score
 * @param options region and subsampling
 * @returns variance / mean in grey levels; 0 for an all-black region
 * @throws {RangeError} when the options do not fit the frame
 */
export function normalizedVariance(
  image: GrayImage,
  options?: MetricOptions,
): number {
  const scan = resolveScan(image, options, 3);
  const { pixels: p, widthPx: w, heightPx: h, step } = scan;
  let sum = 0;
  let sumSq = 0;
  for (let y = 0; y < h; y += step) {
    const c = rowOffset(scan, y);
    let rowSum = 0;
    let rowSq = 0;
    for (let x = 0; x < w; x += step) {
      const v = p[c + x];
      rowSum += v;
      rowSq += v * v;
    }
    sum += rowSum;
    sumSq += rowSq;
  }
  const count = gridCount(0, w, step) * gridCount(0, h, step);
  const mean = sum / count;
  if (mean === 0) return 0;
  return Math.max(0, sumSq / count - mean * mean) / mean;
}

/**
 * Vollath's F4: the autocorrelation at lag 1 minus that at lag 2, along
 * rows and along columns, per evaluated pixel. It cancels the uniform
 * background that plain autocorrelation would reward.
 *
 * @param image the frame to score
 * @param options region and subsampling
 * @returns mean of I(x)I(x+1) - I(x)I(x+2) over both axes, grey levels squared
 * @throws {RangeError} when the options do not fit the frame
 */
export function vollathF4(image: GrayImage, options?: MetricOptions): number {
  const scan = resolveScan(image, options, 3);
  const { pixels: p, stridePx, widthPx: w, heightPx: h, step } = scan;
  const down1 = stridePx;
  const down2 = 2 * stridePx;
  let sum = 0;
  for (let y = 0; y < h - 2; y += step) {
    const c = rowOffset(scan, y);
    let rowSum = 0;
    for (let x = 0; x < w - 2; x += step) {
      const here = p[c + x];
      rowSum += here *
        (p[c + x + 1] - p[c + x + 2] + p[c + x + down1] - p[c + x + down2]);
    }
    sum += rowSum;
  }
  return sum / (2 * gridCount(0, w - 2, step) * gridCount(0, h - 2, step));
}
