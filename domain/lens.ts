/**
 * The two objectives of a dual-lens scanner and their optical profile.
 *
 * @module
 */

/** Which objective is in the light path: A scans at 20x, B analyses at 60x. */
export type LensId = "A" | "B";

/** Every lens the turret carries, in turret order. */
export const LENS_IDS: readonly LensId[] = ["A", "B"];

/** What the controller knows of one objective, from configuration. */
export interface LensProfile {
  /** Which objective this is. */
  id: LensId;
  /** Human-readable name, as configured ("Analysis Lens 60x"). */
  name: string;
  /** Nominal magnification, e.g. 60. */
  magnification: number;
  /** Numerical aperture, e.g. 1.2. */
  na: number;
  /** Lowest focus position the lens may be driven to, in micrometres. */
  zMinUm: number;
  /** Highest focus position the lens may be driven to, in micrometres. */
  zMaxUm: number;
  /** Focus travel speed with this lens, in micrometres per second. */
  focusSpeedUmPerS: number;
  /** Time the focus needs to settle after a move, in milliseconds. */
  settleMs: number;
}

/** Wavelength used for depth-of-field estimates: green, mid-visible. */
export const ILLUMINATION_WAVELENGTH_UM = 0.55;

/** Refractive index between the objective and the slide (air). */
export const IMMERSION_INDEX = 1.0;

/**
 * Depth of field of a lens in micrometres, from lambda * n / NA^2.
 *
 * @param lens the objective
 * @returns the axial distance over which the image stays sharp
 */
export function depthOfFieldUm(lens: Pick<LensProfile, "na">): number {
  return ILLUMINATION_WAVELENGTH_UM * IMMERSION_INDEX / (lens.na * lens.na);
}

/**
 * Whether `zUm` lies within the lens's allowed focus range.
 *
 * @param lens the objective
 * @param zUm a focus position in micrometres
 */
export function isWithinRange(lens: LensProfile, zUm: number): boolean {
  return Number.isFinite(zUm) && zUm >= lens.zMinUm && zUm <= lens.zMaxUm;
}
