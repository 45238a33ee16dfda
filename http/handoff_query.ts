/**
 * Validation of `POST /handoff`'s `z_source`.
 *
 * @module
 */

import type { LensProfile } from "../domain/lens.ts";

/** A parsed `z_source`, or why it was refused. */
export type ZSourceParse =
  | { ok: true; zSourceUm: number }
  | { ok: false; message: string };

/**
 * Parses `z_source` against lens A's range.
 *
 * @param raw the query value, if any
 * @param lensA the scanning lens's profile
 */
export function parseZSource(
  raw: string | undefined,
  lensA: LensProfile,
): ZSourceParse {
  if (raw === undefined || raw.trim() === "") {
    return {
      ok: false,
      message:
        "z_source is missing: give lens A's focus in micrometres, e.g. /handoff?z_source=3",
    };
  }
  const zSourceUm = Number(raw);
  if (!Number.isFinite(zSourceUm)) {
    return {
      ok: false,
      message: `z_source must be a number of micrometres, got "${
        raw.slice(0, 40)
      }"`,
    };
  }
  if (zSourceUm < lensA.zMinUm || zSourceUm > lensA.zMaxUm) {
    return {
      ok: false,
      message:
        `z_source ${zSourceUm} um is outside lens A's range ${lensA.zMinUm}..${lensA.zMaxUm} um`,
    };
  }
  return { ok: true, zSourceUm };
}
