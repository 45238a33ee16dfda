/**
 * What a handoff reports: the HTTP contract's fields plus what an operator
 * needs to understand a failure.
 *
 * @module
 */

import type { DeviceKind } from "../drivers/types.ts";
import type { FocusSample } from "../focus/types.ts";

/** The answer to one A->B handoff, as `POST /handoff` renders it. */
export interface HandoffResult {
  /** True when lens B is in place and focus was found and validated. */
  success: boolean;
  /** Lens-A focus the handoff started from, um. */
  z_source: number;
  /** Lens-B focus the handoff ended at, um. */
  z_target: number;
  /** Lens-B focus the mapping predicted, um. */
  z_predicted: number;
  /** Whole handoff, ms. */
  elapsed_ms: number;
  /** |found - predicted|, um: how wrong the mapping was. */
  mapping_error_um: number;
  /** Turret switch time, ms. */
  lens_switch_ms: number;
  /** Move to the prediction, ms (overlaps the switch when concurrent). */
  focus_move_ms: number;
  /** Image-based fine search, ms. */
  focus_search_ms: number;
  /** Move to the found focus and checking frame, ms. */
  validation_ms: number;
  /** Frames exposed by the search and the validation. */
  frames: number;
  /** Whether the prediction came from the mapping's cache. */
  cache_hit: boolean;
  /** Temperature the prediction used, degrees C. */
  temperature_c: number;
  /** The mapping's confidence in its prediction, 0..1. */
  confidence: number;
  /** Scored frames of the fine search. */
  samples: FocusSample[];
  /** Present when the handoff failed: which device and what happened. */
  error?: { device: DeviceKind | "autofocus" | "mapping"; message: string };
}
