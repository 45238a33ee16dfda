/**
 * Lens profiles from configuration.
 *
 * @module
 */

import type { LensId, LensProfile } from "../domain/lens.ts";
import type { Config, LensConfig } from "./schema.ts";

function toProfile(id: LensId, lens: LensConfig): LensProfile {
  return {
    id,
    name: lens.name,
    magnification: lens.magnification,
    na: lens.na,
    zMinUm: lens.z_range_um[0],
    zMaxUm: lens.z_range_um[1],
    focusSpeedUmPerS: lens.focus_speed_um_per_s,
    settleMs: lens.settle_time_ms,
  };
}

/**
 * Both lens profiles of a configuration, keyed by lens.
 *
 * @param config a validated configuration
 */
export function lensProfiles(config: Config): Record<LensId, LensProfile> {
  return {
    A: toProfile("A", config.lenses.lens_a),
    B: toProfile("B", config.lenses.lens_b),
  };
}
