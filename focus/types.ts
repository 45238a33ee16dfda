/**
 * Contracts of the focus engine: metrics score frames, searches decide
 * where to sample next. Both are pure: the autofocus machine owns the
 * devices, the clock and the frame budget, and asks a search what to do.
 *
 * @module
 */

import type { GrayImage, RegionOfInterest } from "../domain/frame.ts";

/** The focus metrics the engine offers, by configuration name. */
export type FocusMetricName =
  | "tenengrad"
  | "brenner"
  | "laplacian_variance"
  | "laplacian_energy"
  | "normalized_variance"
  | "vollath_f4"
  | "band_energy";

/** Where and how densely a metric reads a frame. */
export interface MetricOptions {
  /** Region to score; the whole frame by default. */
  roi?: RegionOfInterest;
  /** Read every n-th row and column; 1 (every pixel) by default. */
  subsample?: number;
}

/** A focus metric: higher means sharper. */
export type FocusMetric = (image: GrayImage, options?: MetricOptions) => number;

/** One scored frame. */
export interface FocusSample {
  /** Focus position of the frame, in micrometres. */
  zUm: number;
  /** The metric's score of the frame. */
  score: number;
}

/** The search strategies, named after `system.optimization_level`. */
export type SearchStrategyName = "standard" | "fast" | "ultra_fast";

/** What a search wants next. */
export type SearchStep =
  | { kind: "sample"; zUm: number }
  | { kind: "found"; zUm: number; peakScore: number; method: string }
  | { kind: "not_found"; reason: string };

/** Bounds and hints of one search. */
export interface SearchRequest {
  /** Where to start: the prediction or the last confirmed focus, um. */
  startZUm: number;
  /** Lowest z the search may sample, um. */
  zMinUm: number;
  /** Highest z the search may sample, um. */
  zMaxUm: number;
  /** Depth of field of the lens in use, um; sets the step sizes. */
  depthOfFieldUm: number;
  /** How far from `startZUm` focus may plausibly be, um. */
  uncertaintyUm: number;
  /** Most frames the search may ask for before it must give an answer. */
  maxFrames: number;
}

/**
 * A running search. The caller samples where `next` says and passes every
 * sample so far back in; `next` never returns a z outside the bounds.
 */
export interface FocusSearch {
  /** Decides the next step from every sample taken so far, in order. */
  next(samples: readonly FocusSample[]): SearchStep;
}
