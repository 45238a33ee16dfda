/**
 * Normal-distribution helpers for confidence figures. Accuracy is about
 * 1e-7, plenty for numbers that steer a focus search.
 *
 * @module
 */

/** Beyond this many standard deviations a band is treated as "all". */
const MAX_BAND_SIGMAS = 4;

/**
 * The error function (Abramowitz and Stegun 7.1.26).
 *
 * @param x any real number
 * @returns erf(x), within [-1, 1]
 */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const poly = t * (0.254829592 +
    t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 +
                t * 1.061405429))));
  return sign * Math.min(1, Math.max(0, 1 - poly * Math.exp(-ax * ax)));
}

/**
 * Probability that a zero-mean normal error lies within +-tolerance.
 *
 * @param toleranceUm half-width of the band, um
 * @param sigmaUm standard deviation of the error, um
 * @returns 0..1 (1 when sigma is 0)
 */
export function probabilityWithin(
  toleranceUm: number,
  sigmaUm: number,
): number {
  if (sigmaUm <= 0) return 1;
  return erf(toleranceUm / (sigmaUm * Math.SQRT2));
}

/**
 * How many standard deviations a two-sided band must span to hold the
 * given share of a normal distribution (0.95 gives about 1.96). Capped at
 * 4, so a share of 1 still yields a finite band.
 *
 * @param share 0..1
 * @returns the half-width in standard deviations
 */
export function bandSigmas(share: number): number {
  if (share >= probabilityWithin(MAX_BAND_SIGMAS, 1)) return MAX_BAND_SIGMAS;
  let low = 0;
  let high = MAX_BAND_SIGMAS;
  for (let i = 0; i < 60; i++) {
    const middle = (low + high) / 2;
    if (probabilityWithin(middle, 1) < share) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}
