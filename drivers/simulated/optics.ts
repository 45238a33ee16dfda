/**
 * The optical truth of the simulated scanner: the slide's focal surface,
 * the lens-B parfocal offset and how far a defocused image blurs. The
 * controller never sees these; it has to measure and calibrate them.
 *
 * @module
 */

import { createPrng, deriveSeed } from "./prng.ts";

/** Temperature at which the parfocal offset has its nominal shape, C. */
export const PARFOCAL_REFERENCE_TEMPERATURE_C = 22;

/** Coefficients of the true lens-B offset, drawn from the seed. */
export interface ParfocalTruth {
  /** Offset at z = 0 and the reference temperature, um. */
  a0Um: number;
  /** Linear term, um per um of lens-A z. */
  a1: number;
  /** Quadratic term, um per um^2. */
  a2PerUm: number;
  /** Cubic term, um per um^3. */
  a3PerUm2: number;
  /** Shift with temperature, um per degree C. */
  thermalUmPerC: number;
  /** Change of the thermal shift with z, um per um per degree C. */
  thermalSlopePerC: number;
}

/**
 * Draws the parfocal coefficients of a simulated instrument: a few um of
 * offset, a slight non-linearity in z and 0.2-0.4 um per degree C.
 *
 * @param seed the world seed
 * @returns coefficients within plausible ranges
 */
export function drawParfocalTruth(seed: number): ParfocalTruth {
  const prng = createPrng(deriveSeed(seed, 1));
  return {
    a0Um: prng.sign() * prng.uniform(1.0, 3.5),
    a1: prng.sign() * prng.uniform(0.02, 0.08),
    a2PerUm: prng.sign() * prng.uniform(0.002, 0.005),
    a3PerUm2: prng.sign() * prng.uniform(0.00003, 0.0001),
    thermalUmPerC: prng.sign() * prng.uniform(0.2, 0.4),
    thermalSlopePerC: prng.sign() * prng.uniform(0.002, 0.006),
  };
}

/**
 * The true lens-B minus lens-A focus at a lens-A focus and temperature.
 *
 * @param truth the instrument's coefficients
 * @param zAUm lens-A focus, um
 * @param temperatureC temperature, degrees C
 * @returns the offset in um
 */
export function parfocalOffsetUm(
  truth: ParfocalTruth,
  zAUm: number,
  temperatureC: number,
): number {
  const dT = temperatureC - PARFOCAL_REFERENCE_TEMPERATURE_C;
  return truth.a0Um + truth.a1 * zAUm + truth.a2PerUm * zAUm ** 2 +
    truth.a3PerUm2 * zAUm ** 3 +
    (truth.thermalUmPerC + truth.thermalSlopePerC * zAUm) * dT;
}

/** The slide's lens-A focal height as a function of stage position. */
export type FocalSurface = (xMm: number, yMm: number) => number;

/**
 * Draws a slide's focal surface: tilt, gentle curvature and a small local
 * waviness, within about +-7 um over a 20 x 10 mm smear.
 *
 * @param seed the world seed
 * @returns the surface, in um, at stage positions in mm from the centre
 */
export function drawFocalSurface(seed: number): FocalSurface {
  const prng = createPrng(deriveSeed(seed, 2));
  const baseUm = prng.uniform(-2, 2);
  const tiltXUmPerMm = prng.uniform(-0.25, 0.25);
  const tiltYUmPerMm = prng.uniform(-0.25, 0.25);
  const curvatureUmPerMm2 = prng.uniform(-0.02, 0.02);
  const waves = Array.from({ length: 3 }, () => ({
    amplitudeUm: prng.uniform(0.05, 0.15),
    kx: prng.uniform(-1.5, 1.5),
    ky: prng.uniform(-1.5, 1.5),
    phase: prng.uniform(0, 2 * Math.PI),
  }));
  return (xMm, yMm) => {
    let zUm = baseUm + tiltXUmPerMm * xMm + tiltYUmPerMm * yMm +
      curvatureUmPerMm2 * (xMm * xMm + yMm * yMm);
    for (const wave of waves) {
      zUm += wave.amplitudeUm *
        Math.sin(wave.kx * xMm + wave.ky * yMm + wave.phase);
    }
    return zUm;
  };
}

/**
 * Blur of a defocused image, as the standard deviation of a Gaussian spot
 * in sample-plane um. In focus it is the diffraction spot; it widens like a
 * focused beam, doubling about one depth of field away. Defocus above the
 * focus blurs a little more than below, as spherical aberration does.
 *
 * @param defocusUm objective z minus the true focus, um
 * @param na numerical aperture of the lens in place
 * @param depthOfFieldUm depth of field of the lens in place, um
 * @param wavelengthUm illumination wavelength, um
 * @returns the blur sigma in um
 */
export function blurSigmaUm(
  defocusUm: number,
  na: number,
  depthOfFieldUm: number,
  wavelengthUm: number,
): number {
  const diffractionUm = 0.21 * wavelengthUm / na;
  const skewed = defocusUm * (defocusUm > 0 ? 1.1 : 0.92);
  const relative = 2 * skewed / depthOfFieldUm;
  return diffractionUm * Math.sqrt(1 + relative * relative);
}
