/**
 * A blood-smear field drawn from a seed: red cells (pale biconcave discs,
 * brighter in the centre), a few white cells with dark lobed nuclei and
 * granular cytoplasm, and platelets, on a clear background.
 *
 * Cells live in sample coordinates (um from the field centre), so lens A
 * and lens B see the same cells at their own magnification. Rendering gives
 * the sharp transmittance (1 = clear glass) that the camera then blurs.
 *
 * @module
 */

import { createPrng, type Prng } from "./prng.ts";

/** A red cell: a biconcave disc seen from above. */
interface RedCell {
  kind: "red";
  xUm: number;
  yUm: number;
  radiusUm: number;
  /** Minor over major axis. */
  aspect: number;
  angleRad: number;
  /** Optical density at the thickest ring. */
  peakDensity: number;
}

/** A white cell: cytoplasm with granules around a lobed nucleus. */
interface WhiteCell {
  kind: "white";
  xUm: number;
  yUm: number;
  radiusUm: number;
  lobes: { xUm: number; yUm: number; radiusUm: number }[];
  granules: { xUm: number; yUm: number }[];
  chromatinPhase: number;
}

/** A platelet: a small dense fragment with a few granules. */
interface Platelet {
  kind: "platelet";
  xUm: number;
  yUm: number;
  radiusUm: number;
  granules: { xUm: number; yUm: number }[];
}

/** One object drawn in a field. */
export type SmearObject = RedCell | WhiteCell | Platelet;

/** Red-cell area fraction of a normal monolayer at density 1. */
const RED_CELL_COVERAGE = 0.5;
/** White cells per 10,000 um^2 at density 1 (enriched so frames show some). */
const WHITE_CELLS_PER_AREA = 1.0;
/** Platelets per 10,000 um^2 at density 1. */
const PLATELETS_PER_AREA = 12;
/** Largest thickness of the biconcave profile below, for normalising. */
const BICONCAVE_PEAK = 2.57;

/** Red-cell outline: density, distance inside the edge and squared width. */
const RIM_DENSITY = 0.25;
const RIM_INSET_UM = 0.12;
const RIM_WIDTH_UM2 = 0.08 ** 2;

function poisson(prng: Prng, mean: number): number {
  const limit = Math.exp(-mean);
  let count = 0;
  for (let p = prng.next(); p > limit; p *= prng.next()) count++;
  return count;
}

/**
 * Draws the objects of one field.
 *
 * @param seed the field's render seed
 * @param density cell density, 1 for a normal smear, 0 for none
 * @param halfWidthUm half the width of the area to fill, um
 * @param halfHeightUm half the height of the area to fill, um
 * @returns the objects, white cells first
 */
export function drawSmear(
  seed: number,
  density: number,
  halfWidthUm: number,
  halfHeightUm: number,
): SmearObject[] {
  const prng = createPrng(seed);
  const areaUm2 = 4 * halfWidthUm * halfHeightUm;
  const position = () => ({
    xUm: prng.uniform(-halfWidthUm, halfWidthUm),
    yUm: prng.uniform(-halfHeightUm, halfHeightUm),
  });
  const objects: SmearObject[] = [];

  const whiteCount = poisson(
    prng,
    density * WHITE_CELLS_PER_AREA * areaUm2 / 1e4,
  );
  for (let i = 0; i < whiteCount; i++) {
    const radiusUm = prng.uniform(5, 6.5);
    const lobeCount = 2 + Math.floor(prng.next() * 3);
    const lobes = Array.from({ length: lobeCount }, (_, lobe) => {
      const angle = (2 * Math.PI * lobe) / lobeCount + prng.uniform(-0.4, 0.4);
      const distanceUm = radiusUm * prng.uniform(0.3, 0.42);
      return {
        xUm: distanceUm * Math.cos(angle),
        yUm: distanceUm * Math.sin(angle),
        radiusUm: radiusUm * prng.uniform(0.3, 0.38),
      };
    });
    const granules = Array.from({ length: 40 }, () => {
      const r = radiusUm * Math.sqrt(prng.next()) * 0.95;
      const a = prng.uniform(0, 2 * Math.PI);
      return { xUm: r * Math.cos(a), yUm: r * Math.sin(a) };
    });
    objects.push({
      kind: "white",
      ...position(),
      radiusUm,
      lobes,
      granules,
      chromatinPhase: prng.uniform(0, 2 * Math.PI),
    });
  }

  const redTarget = Math.round(density * RED_CELL_COVERAGE * areaUm2 / 44);
  const reds: RedCell[] = [];
  // Random placement with a minimum spacing: touching, rarely overlapping.
  for (
    let attempt = 0;
    reds.length < redTarget && attempt < redTarget * 30;
    attempt++
  ) {
    const radiusUm = prng.uniform(3.4, 4.1);
    const { xUm, yUm } = position();
    const clear = objects.every((o) =>
      Math.hypot(o.xUm - xUm, o.yUm - yUm) > o.radiusUm + 0.7 * radiusUm
    ) && reds.every((o) =>
      Math.hypot(o.xUm - xUm, o.yUm - yUm) > 0.8 * (o.radiusUm + radiusUm)
    );
    if (!clear) {
      continue;
    }
    reds.push({
      kind: "red",
      xUm,
      yUm,
      radiusUm,
      aspect: prng.uniform(0.85, 1),
      angleRad: prng.uniform(0, Math.PI),
      peakDensity: prng.uniform(0.3, 0.45),
    });
  }
  objects.push(...reds);

  const plateletCount = poisson(
    prng,
    density * PLATELETS_PER_AREA * areaUm2 / 1e4,
  );
  for (let i = 0; i < plateletCount; i++) {
    const radiusUm = prng.uniform(0.8, 1.4);
    const granules = Array.from({ length: 4 }, () => ({
      xUm: prng.uniform(-0.5, 0.5) * radiusUm,
      yUm: prng.uniform(-0.5, 0.5) * radiusUm,
    }));
    objects.push({ kind: "platelet", ...position(), radiusUm, granules });
  }
  return objects;
}

/** Pixel grid of a rendered view, centred on the field. */
export interface ViewGrid {
  /** Width in pixels. */
  widthPx: number;
  /** Height in pixels. */
  heightPx: number;
  /** Size of one pixel on the sample, um. */
  pixelUm: number;
}

/**
 * Renders the sharp transmittance of a field (1 = clear glass).
 *
 * @param objects the field's objects
 * @param grid the view to render
 * @returns `widthPx * heightPx` transmittances, row after row
 */
export function renderSmear(
  objects: SmearObject[],
  grid: ViewGrid,
): Float32Array {
  const { widthPx, heightPx, pixelUm } = grid;
  const density = new Float32Array(widthPx * heightPx);
  const toPx = (xUm: number, yUm: number) => [
    xUm / pixelUm + widthPx / 2 - 0.5,
    yUm / pixelUm + heightPx / 2 - 0.5,
  ];

  for (const object of objects) {
    const [cx, cy] = toPx(object.xUm, object.yUm);
    const reachPx = object.radiusUm / pixelUm + 1;
    const x0 = Math.max(0, Math.floor(cx - reachPx));
    const x1 = Math.min(widthPx - 1, Math.ceil(cx + reachPx));
    const y0 = Math.max(0, Math.floor(cy - reachPx));
    const y1 = Math.min(heightPx - 1, Math.ceil(cy + reachPx));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const duUm = (x - cx) * pixelUm;
        const dvUm = (y - cy) * pixelUm;
        density[y * widthPx + x] += densityAt(object, duUm, dvUm);
      }
    }
  }

  const transmittance = new Float32Array(density.length);
  for (let i = 0; i < density.length; i++) {
    transmittance[i] = Math.exp(-density[i]);
  }
  return transmittance;
}

function densityAt(object: SmearObject, duUm: number, dvUm: number): number {
  if (object.kind === "red") {
    const cos = Math.cos(object.angleRad);
    const sin = Math.sin(object.angleRad);
    const u = (duUm * cos + dvUm * sin) / object.radiusUm;
    const v = (-duUm * sin + dvUm * cos) / (object.radiusUm * object.aspect);
    const rho2 = u * u + v * v;
    if (rho2 >= 1) return 0;
    // Evans-Fung biconcave thickness: thin centre (the pallor), thick rim.
    const thickness = Math.sqrt(1 - rho2) *
      (0.81 + 7.83 * rho2 - 4.39 * rho2 * rho2);
    // The membrane refracts light out of the path: a thin dark outline.
    const rimUm = (1 - Math.sqrt(rho2)) * object.radiusUm - RIM_INSET_UM;
    const rim = RIM_DENSITY * Math.exp(-(rimUm * rimUm) / RIM_WIDTH_UM2);
    return object.peakDensity * thickness / BICONCAVE_PEAK + rim;
  }

  if (object.kind === "platelet") {
    const rho2 = (duUm * duUm + dvUm * dvUm) / object.radiusUm ** 2;
    if (rho2 >= 1) return 0;
    let od = 0.35 * Math.sqrt(1 - rho2);
    for (const granule of object.granules) {
      const d2 = (duUm - granule.xUm) ** 2 + (dvUm - granule.yUm) ** 2;
      if (d2 < 0.06) od += 0.3 * (1 - d2 / 0.06);
    }
    return od;
  }

  const rho2 = (duUm * duUm + dvUm * dvUm) / object.radiusUm ** 2;
  if (rho2 >= 1) return 0;
  let od = 0.12 * Math.sqrt(1 - rho2);
  for (const granule of object.granules) {
    const d2 = (duUm - granule.xUm) ** 2 + (dvUm - granule.yUm) ** 2;
    if (d2 < 0.09) od += 0.12 * (1 - d2 / 0.09);
  }
  let nucleus = 0;
  for (const lobe of object.lobes) {
    const d2 = ((duUm - lobe.xUm) ** 2 + (dvUm - lobe.yUm) ** 2) /
      lobe.radiusUm ** 2;
    if (d2 < 1) nucleus = Math.max(nucleus, 1 - d2 * d2 * d2);
  }
  if (nucleus > 0) {
    // Clumped chromatin: a fine texture inside the nucleus.
    const chromatin = 0.85 +
      0.15 * Math.sin(duUm * 5.1 + object.chromatinPhase) *
        Math.sin(dvUm * 4.3 - object.chromatinPhase);
    od += 1.1 * nucleus * chromatin;
  }
  return od;
}
