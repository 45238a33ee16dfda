/**
 * Laplacian metrics: the 4-neighbour Laplacian [0,1,0; 1,-4,1; 0,1,0] with
 * mirrored borders (OpenCV's `Laplacian(img, CV_64F, ksize=1)`), reduced to
 * its variance or its energy in one pass with exact integer sums.
 *
 * @module
 */

import type { GrayImage } from "../../domain/frame.ts";
import type { MetricOptions } from "../types.ts";
import { resolveScan, rowOffset, type Scan } from "./_scan.ts";

interface Moments {
  count: number;
  sum: number;
  sumSq: number;
}

/** First and second moments of the Laplacian over the scan's grid. */
function laplacianMoments(scan: Scan): Moments {
  const { pixels: p, widthPx: w, heightPx: h, step } = scan;
  const lastX = w - 1;
  const hasLastX = lastX % step === 0;
  let count = 0;
  let sum = 0;
  let sumSq = 0;
  for (let y = 0; y < h; y += step) {
    const c = rowOffset(scan, y);
    const u = rowOffset(scan, y - 1);
    const d = rowOffset(scan, y + 1);
    // Integer per-row sums stay exact: |L| <= 1020, so a row of L^2 is
    // below 2^31 for any frame under 2000 pixels wide and exact in a double.
    let rowSum = 2 * p[c + 1] + p[u] + p[d] - 4 * p[c];
    let rowSq = rowSum * rowSum;
    for (let x = step; x < lastX; x += step) {
      const v = p[c + x - 1] + p[c + x + 1] + p[u + x] + p[d + x] -
        4 * p[c + x];
      rowSum += v;
      rowSq += v * v;
    }
    if (hasLastX) {
      const v = 2 * p[c + lastX - 1] + p[u + lastX] + p[d + lastX] -
        4 * p[c + lastX];
      rowSum += v;
      rowSq += v * v;
    }
    sum += rowSum;
    sumSq += rowSq;
    count += Math.floor((w - 1) / step) + 1;
  }
  return { count, sum, sumSq };
}

/**
 * Variance of the Laplacian: the focus score most labs compute with OpenCV,
 * and equal to `cv2.Laplacian(img, cv2.CV_64F).var()` on a full frame.
 *
 * @param image the frame to score
 * @param options region (scored as if cropped) and subsampling
 * @returns the population variance of the Laplacian, in grey levels squared
 * @throws {RangeError} when the options do not fit the frame
 */
export function laplacianVariance(
  image: GrayImage,
  options?: MetricOptions,
): number {
  const { count, sum, sumSq } = laplacianMoments(
    resolveScan(image, options, 3),
  );
  const mean = sum / count;
  return Math.max(0, sumSq / count - mean * mean);
}

/**
 * Energy of the Laplacian: its mean square. Unlike the variance it keeps
 * the Laplacian's mean, which is near zero on real frames, so the two rank
 * frames alike; the energy is one subtraction cheaper.
 *
 * @param image the frame to score
 * @param options region (scored as if cropped) and subsampling
 * @returns the mean squared Laplacian, in grey levels squared
 * @throws {RangeError} when the options do not fit the frame
 */
export function laplacianEnergy(
  image: GrayImage,
  options?: MetricOptions,
): number {
  const { count, sumSq } = laplacianMoments(resolveScan(image, options, 3));
  return sumSq / count;
}
