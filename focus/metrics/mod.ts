/**
 * The focus metrics by configuration name, and the default per lens.
 *
 * Every metric takes a frame and optional {@linkcode MetricOptions}: a region
 * of interest and a subsampling step. Higher scores mean sharper frames;
 * scores of different metrics are not comparable with each other.
 *
 * Limitations: a region is scored as if it were cropped out (3x3 kernels
 * mirror at its edges, larger windows stay inside it), and subsampling
 * evaluates the kernel on every n-th row and column at full resolution, so
 * a subsampled score estimates the full score instead of measuring a
 * coarser image.
 *
 * @module
 */

import type { LensId } from "../../domain/lens.ts";
import type { FocusMetric, FocusMetricName } from "../types.ts";
import { bandEnergy } from "./band.ts";
import { brenner } from "./gradient.ts";
import { tenengrad } from "./tenengrad.ts";
import { laplacianEnergy, laplacianVariance } from "./laplacian.ts";
import { normalizedVariance, vollathF4 } from "./statistics.ts";

/** Every metric the engine offers, by its configuration name. */
export const FOCUS_METRICS: Readonly<Record<FocusMetricName, FocusMetric>> =
  Object.freeze({
    tenengrad,
    brenner,
    laplacian_variance: laplacianVariance,
    laplacian_energy: laplacianEnergy,
    normalized_variance: normalizedVariance,
    vollath_f4: vollathF4,
    band_energy: bandEnergy,
  });

/** Every metric name, in a stable order for menus and validation. */
export const FOCUS_METRIC_NAMES: readonly FocusMetricName[] = Object.freeze(
  Object.keys(FOCUS_METRICS) as FocusMetricName[],
);

/**
 * The metric each lens uses when configuration names none: Tenengrad for
 * both. On the real stack its curve is smooth and unimodal with a 4.6x
 * peak-to-floor ratio (the Laplacian's is 2x over a bumpy floor), and its
 * Sobel smoothing tolerates camera noise that a Laplacian amplifies (on
 * the simulated smear the Laplacian's floor is 70-95% of its peak,
 * Tenengrad's under 30%). Its WebAssembly SIMD kernel scores a full frame
 * faster than OpenCV's native Laplacian variance.
 */
export const DEFAULT_METRIC_BY_LENS: Readonly<
  Record<LensId, FocusMetricName>
> = Object.freeze({ A: "tenengrad", B: "tenengrad" });

/**
 * The metric to use with a lens when configuration names none.
 *
 * @param lens the objective in the light path
 * @returns the name of a metric in {@linkcode FOCUS_METRICS}
 */
export function defaultMetricFor(lens: LensId): FocusMetricName {
  return DEFAULT_METRIC_BY_LENS[lens];
}

/**
 * Whether a string names a metric, for validating configuration.
 *
 * @param name a candidate metric name
 */
export function isFocusMetricName(name: string): name is FocusMetricName {
  return Object.hasOwn(FOCUS_METRICS, name);
}
