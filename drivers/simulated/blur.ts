/**
 * Separable Gaussian blur for the simulated camera's defocus.
 *
 * @module
 */

/** Blur below this sigma leaves the image as it is, px. */
const NEGLIGIBLE_SIGMA_PX = 0.05;

function kernel(sigmaPx: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigmaPx));
  const weights = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const w = Math.exp(-(i * i) / (2 * sigmaPx * sigmaPx));
    weights[i + radius] = w;
    sum += w;
  }
  for (let i = 0; i < weights.length; i++) weights[i] /= sum;
  return weights;
}

/**
 * Blurs columns `fromX..toX - 1` of an image with a Gaussian; pixels
 * beyond the border repeat the border. Columns outside the range are left
 * at zero in the result, so strips blurred differently can be joined.
 *
 * @param src intensities, row after row
 * @param widthPx image width
 * @param heightPx image height
 * @param sigmaPx standard deviation of the blur, px
 * @param fromX first column to produce
 * @param toX one past the last column to produce
 * @returns the blurred image
 */
export function gaussianBlur(
  src: Float32Array,
  widthPx: number,
  heightPx: number,
  sigmaPx: number,
  fromX = 0,
  toX = widthPx,
): Float32Array {
  const out = new Float32Array(src.length);
  if (sigmaPx < NEGLIGIBLE_SIGMA_PX) {
    for (let y = 0; y < heightPx; y++) {
      const row = y * widthPx;
      out.set(src.subarray(row + fromX, row + toX), row + fromX);
    }
    return out;
  }

  const weights = kernel(sigmaPx);
  const radius = (weights.length - 1) / 2;
  // Vertical first, over the columns the horizontal pass will read; whole
  // rows are accumulated at a time so the inner loop runs along memory.
  const colFrom = Math.max(0, fromX - radius);
  const colTo = Math.min(widthPx, toX + radius);
  const vertical = new Float32Array(src.length);
  for (let y = 0; y < heightPx; y++) {
    const outRow = y * widthPx;
    for (let k = -radius; k <= radius; k++) {
      const w = weights[k + radius];
      const inRow = Math.min(heightPx - 1, Math.max(0, y + k)) * widthPx;
      for (let x = colFrom; x < colTo; x++) {
        vertical[outRow + x] += w * src[inRow + x];
      }
    }
  }

  // Horizontal on a padded copy of each row, so the border needs no checks.
  const padded = new Float32Array(widthPx + 2 * radius);
  for (let y = 0; y < heightPx; y++) {
    const row = y * widthPx;
    for (let i = fromX; i < toX + 2 * radius; i++) {
      const x = Math.min(widthPx - 1, Math.max(0, i - radius));
      padded[i] = vertical[row + x];
    }
    for (let x = fromX; x < toX; x++) {
      let acc = 0;
      for (let k = 0; k < weights.length; k++) {
        acc += weights[k] * padded[x + k];
      }
      out[row + x] = acc;
    }
  }
  return out;
}
