/**
 * A camera frame as the focus engine sees it.
 *
 * @module
 */

import type { LensId } from "./lens.ts";

/** An 8-bit grayscale image, row-major, one byte per pixel. */
export interface GrayImage {
  /** Width in pixels. */
  widthPx: number;
  /** Height in pixels. */
  heightPx: number;
  /** `widthPx * heightPx` intensities, row after row. */
  pixels: Uint8Array;
}

/** A captured frame and where it was taken. */
export interface Frame extends GrayImage {
  /** The lens in the light path when the frame was exposed. */
  lens: LensId;
  /** Focus position reported by the motor at exposure, in micrometres. */
  zUm: number;
  /** Clock time at the end of the exposure, in milliseconds. */
  capturedAtMs: number;
}

/** A rectangle inside a frame, in pixels. */
export interface RegionOfInterest {
  /** Left edge in pixels. */
  xPx: number;
  /** Top edge in pixels. */
  yPx: number;
  /** Width in pixels. */
  widthPx: number;
  /** Height in pixels. */
  heightPx: number;
}
