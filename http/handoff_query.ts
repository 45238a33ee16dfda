/**
 * Validation of a handoff's lens-A focus, `z_source` over HTTP and
 * `--z-source` on the command line.
 *
 * @module
 */

import type { LensProfile } from "../domain/lens.ts";

/** A parsed `z_source`, or why it was refused. */
export type ZSourceParse =
  | { ok: true; zSourceUm: number }
  | { ok: false; message: string };

/** How the value is named to the person who gave it. */
export interface ZSourceSpelling {
  /** The parameter's name, e.g. `z_source` or `--z-source`. */
  name: string;
  /** A complete example, e.g. `/handoff?z_source=3`. */
  example: string;
}

/** Plain decimal numbers only: no hex, no blanks, no `Infinity`. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

const HTTP_SPELLING: ZSourceSpelling = {
  name: "z_source",
  example: "/handoff?z_source=3",
};

/**
 * Parses a lens-A focus against lens A's range.
 *
 * @param raw the value given, if any
 * @param lensA the scanning lens's profile
 * @param spelling how to name the value in messages; HTTP's by default
 */
export function parseZSource(
  raw: string | undefined,
  lensA: LensProfile,
  spelling: ZSourceSpelling = HTTP_SPELLING,
): ZSourceParse {
  const { name, example } = spelling;
  if (raw === undefined || raw.trim() === "") {
    return {
      ok: false,
      message:
        `${name} is missing: give lens A's focus in micrometres, e.g. ${example}`,
    };
  }
  const zSourceUm = Number(raw);
  if (!DECIMAL.test(raw) || !Number.isFinite(zSourceUm)) {
    return {
      ok: false,
      message: `${name} must be a decimal number of micrometres, got "${
        raw.slice(0, 40)
      }"`,
    };
  }
  if (zSourceUm < lensA.zMinUm || zSourceUm > lensA.zMaxUm) {
    return {
      ok: false,
      message:
        `${name} ${zSourceUm} um is outside lens A's range ${lensA.zMinUm}..${lensA.zMaxUm} um`,
    };
  }
  return { ok: true, zSourceUm };
}
