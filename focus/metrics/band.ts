/**
 * A frequency-band metric: the energy of a difference of box blurs. The
 * 3x3 mean minus the 7x7 mean passes spatial periods of roughly 3 to 10
 * pixels and rejects both the lamp's slow shading and single-pixel noise,
 * which a Laplacian amplifies.
 *
 * @module
 */

import type { GrayImage } from "../../domain/frame.ts";
import type { MetricOptions } from "../types.ts";
import { gridCount, resolveScan } from "./_scan.ts";

/** Half-width of the inner (sharp) box, in pixels. */
const INNER_RADIUS_PX = 1;
/** Half-width of the outer (blurred) box, in pixels. */
const OUTER_RADIUS_PX = 3;

/**
 * Band energy: the mean square of (3x3 box mean - 7x7 box mean), evaluated
 * where the outer box fits inside the region.
 *
 * @param image the frame to score
 * @param options region (at least 7x7) and subsampling
 * @returns the band-pass energy, in grey levels squared
 * @throws {RangeError} when the options do not fit the frame
 */
export function bandEnergy(image: GrayImage, options?: MetricOptions): number {
  const scan = resolveScan(image, options, 2 * OUTER_RADIUS_PX + 1);
  const { pixels: p, stridePx, x0Px, y0Px, widthPx: w, heightPx: h, step } =
    scan;

  // Summed-area table of the region, one zero row and column in front.
  const satWidth = w + 1;
  const sat = new Float64Array(satWidth * (h + 1));
  for (let y = 0; y < h; y++) {
    const src = (y0Px + y) * stridePx + x0Px;
    const above = y * satWidth;
    const here = above + satWidth;
    let run = 0;
    for (let x = 0; x < w; x++) {
      run += p[src + x];
      sat[here + x + 1] = sat[above + x + 1] + run;
    }
  }

  const boxSum = (x: number, y: number, r: number): number => {
    const top = (y - r) * satWidth;
    const bottom = (y + r + 1) * satWidth;
    return sat[bottom + x + r + 1] - sat[bottom + x - r] -
      sat[top + x + r + 1] + sat[top + x - r];
  };
  const innerArea = (2 * INNER_RADIUS_PX + 1) ** 2;
  const outerArea = (2 * OUTER_RADIUS_PX + 1) ** 2;
  const r = OUTER_RADIUS_PX;
  let sum = 0;
  for (let y = r; y < h - r; y += step) {
    for (let x = r; x < w - r; x += step) {
      const band = boxSum(x, y, INNER_RADIUS_PX) / innerArea -
        boxSum(x, y, OUTER_RADIUS_PX) / outerArea;
      sum += band * band;
    }
  }
  return sum / (gridCount(r, w - r, step) * gridCount(r, h - r, step));
}
