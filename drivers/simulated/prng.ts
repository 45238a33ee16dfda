/**
 * A small seeded pseudo-random generator for the simulator. Every random
 * draw of the simulated world comes from one of these, so a seed repeats a
 * run exactly. Not for cryptography.
 *
 * @module
 */

/** A deterministic stream of random numbers. */
export interface Prng {
  /** A uniform draw in [0, 1). */
  next(): number;
  /**
   * A uniform draw in [low, high).
   *
   * @param low lower bound, inclusive
   * @param high upper bound, exclusive
   */
  uniform(low: number, high: number): number;
  /** A draw from the standard normal distribution. */
  normal(): number;
  /** +1 or -1 with equal odds. */
  sign(): number;
}

/**
 * Mixes integers into one 32-bit seed (a splitmix-style finaliser), so
 * streams derived from the same seed with different labels are unrelated.
 *
 * @param seed the base seed
 * @param labels integers that name the derived stream
 * @returns an unsigned 32-bit seed
 */
export function deriveSeed(seed: number, ...labels: number[]): number {
  let h = (seed >>> 0) ^ 0x9e3779b9;
  for (const label of [...labels, labels.length]) {
    h = Math.imul(h ^ (label >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/**
 * Creates a mulberry32 generator.
 *
 * @param seed any integer; the same seed gives the same stream
 * @returns the generator
 */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  let spareNormal: number | undefined;

  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  return {
    next,
    uniform: (low, high) => low + (high - low) * next(),
    normal: () => {
      if (spareNormal !== undefined) {
        const value = spareNormal;
        spareNormal = undefined;
        return value;
      }
      // Box-Muller gives two independent normals per pair of uniforms.
      const u = 1 - next();
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spareNormal = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
    sign: () => (next() < 0.5 ? -1 : 1),
  };
}
