/**
 * Gradient metrics in plain TypeScript: Tenengrad (squared 3x3 Sobel
 * gradient, mirrored borders, no threshold) and Brenner (squared
 * differences two pixels apart, inside the region only).
 *
 * @module
 */

import type { GrayImage } from "../../domain/frame.ts";
import type { MetricOptions } from "../types.ts";
import { gridCount, resolveScan, rowOffset, type Scan } from "./_scan.ts";

/**
 * Sum of gx^2 + gy^2 over the 3x3 Sobel gradients at grid columns
 * `fromX, fromX + step, ...` below `toX` of every grid row, with borders
 * mirrored at the region's edges (REFLECT_101).
 *
 * @param scan the resolved region
 * @param fromX first column, region coordinates
 * @param toX one past the last column
 * @returns the exact integer sum (below 2^53 for any camera frame)
 */
export function sobelEnergySum(scan: Scan, fromX: number, toX: number): number {
  const { pixels: p, widthPx: w, heightPx: h, step } = scan;
  const lastX = w - 1;
  let sum = 0;
  for (let y = 0; y < h; y += step) {
    const c = rowOffset(scan, y);
    const u = rowOffset(scan, y - 1);
    const d = rowOffset(scan, y + 1);
    let rowSum = 0;
    for (let x = fromX; x < toX; x += step) {
      const xl = x === 0 ? 1 : x - 1;
      const xr = x === lastX ? lastX - 1 : x + 1;
      const gx = p[u + xr] - p[u + xl] + 2 * (p[c + xr] - p[c + xl]) +
        p[d + xr] - p[d + xl];
      const gy = p[d + xl] - p[u + xl] + 2 * (p[d + x] - p[u + x]) +
        p[d + xr] - p[u + xr];
      rowSum += gx * gx + gy * gy;
    }
    sum += rowSum;
  }
  return sum;
}

/**
 * Tenengrad in plain TypeScript: the mean of gx^2 + gy^2 over the 3x3
 * Sobel gradients, as OpenCV's `Sobel(img, CV_64F, ...)` with its default
 * borders. The reference for the SIMD kernel, and its fallback.
 *
 * @param image the frame to score
 * @param options region (scored as if cropped) and subsampling
 * @returns the mean squared gradient magnitude, in grey levels squared
 * @throws {RangeError} when the options do not fit the frame
 */
export function tenengradScalar(
  image: GrayImage,
  options?: MetricOptions,
): number {
  const scan = resolveScan(image, options, 3);
  const count = gridCount(0, scan.widthPx, scan.step) *
    gridCount(0, scan.heightPx, scan.step);
  return sobelEnergySum(scan, 0, scan.widthPx) / count;
}

/**
 * Brenner: the mean of squared differences between pixels two apart, in
 * both directions. Cheap and steep near focus; reads no border pixels.
 *
 * @param image the frame to score
 * @param options region and subsampling
 * @returns the mean of dx^2 + dy^2 at distance 2, in grey levels squared
 * @throws {RangeError} when the options do not fit the frame
 */
export function brenner(image: GrayImage, options?: MetricOptions): number {
  const scan = resolveScan(image, options, 3);
  const { pixels: p, stridePx, widthPx: w, heightPx: h, step } = scan;
  const down = 2 * stridePx;
  let sum = 0;
  for (let y = 0; y < h - 2; y += step) {
    const c = rowOffset(scan, y);
    let rowSum = 0;
    for (let x = 0; x < w - 2; x += step) {
      const here = p[c + x];
      const dx = p[c + x + 2] - here;
      const dy = p[c + x + down] - here;
      rowSum += dx * dx + dy * dy;
    }
    sum += rowSum;
  }
  return sum / (gridCount(0, w - 2, step) * gridCount(0, h - 2, step));
}
