import assert from "node:assert/strict";
import {
  distinctByZ,
  fitPeak,
  fitThree,
} from "../../../focus/search/peak_fit.ts";
import { gaussianPeak } from "./_curves.ts";

const gaussian = (peakUm: number, widthUm: number, height: number) =>
  gaussianPeak({ peakUm, widthUm, floor: 0, amplitude: height });

Deno.test("fitThree recovers a Gaussian peak exactly from three uneven samples", () => {
  const curve = gaussian(1.234, 0.4, 500);
  const fit = fitThree([
    { zUm: 0.9, score: curve(0.9) },
    { zUm: 1.1, score: curve(1.1) },
    { zUm: 1.6, score: curve(1.6) },
  ]);
  assert.ok(fit);
  assert.equal(fit.method, "gaussian");
  assert.ok(Math.abs(fit.zUm - 1.234) < 1e-9, `${fit.zUm}`);
  assert.ok(Math.abs(fit.peakScore - 500) < 1e-6, `${fit.peakScore}`);
  assert.ok(Math.abs(fit.curvaturePerUm2 + 1 / 0.16) < 1e-9);
  assert.equal(fit.bracketed, true);
});

Deno.test("fitThree falls back to a raw parabola when a score is not positive", () => {
  const fit = fitThree([
    { zUm: -1, score: -1 },
    { zUm: 0, score: 2 },
    { zUm: 1, score: 1 },
  ]);
  assert.ok(fit);
  assert.equal(fit.method, "parabola");
  assert.ok(Math.abs(fit.zUm - 0.25) < 1e-12, `${fit.zUm}`);
});

Deno.test("fitThree finds no peak in scores that bend upwards or grow geometrically", () => {
  const up = [
    { zUm: 0, score: 5 },
    { zUm: 1, score: 2 },
    { zUm: 2, score: 5 },
  ] as const;
  const exponential = [
    { zUm: 0, score: 1 },
    { zUm: 1, score: 2 },
    { zUm: 2, score: 4 },
  ] as const;
  assert.equal(fitThree(up), undefined);
  assert.equal(fitThree(exponential), undefined);
  const flat = { zUm: 0, score: 4 };
  assert.equal(
    fitThree([flat, { zUm: 1, score: 4 }, { zUm: 2, score: 4 }]),
    undefined,
  );
});

Deno.test("fitPeak fits around the best sample, not across the whole curve", () => {
  const curve = gaussian(3.1, 0.5, 100);
  const samples = [0, 1, 2, 2.8, 3.3, 3.8, 5, 6].map((zUm) => ({
    zUm,
    score: curve(zUm) + 1,
  }));
  const fit = fitPeak(samples.toReversed());
  assert.ok(fit);
  assert.deepEqual(fit.support.map((s) => s.zUm), [2.8, 3.3, 3.8]);
  assert.ok(Math.abs(fit.zUm - 3.1) < 0.02, `${fit.zUm}`);
});

Deno.test("fitPeak extrapolates from the end frames and says the peak is not bracketed", () => {
  const curve = gaussian(2.2, 0.5, 100);
  const fit = fitPeak(
    [0.5, 1, 1.5, 2].map((zUm) => ({ zUm, score: curve(zUm) })),
  );
  assert.ok(fit);
  assert.equal(fit.bracketed, false);
  assert.ok(Math.abs(fit.zUm - 2.2) < 1e-9);
});

Deno.test("fitPeak needs three distinct positions and averages repeats", () => {
  assert.equal(
    fitPeak([{ zUm: 0, score: 1 }, { zUm: 1, score: 2 }]),
    undefined,
  );
  assert.equal(
    fitPeak([{ zUm: 0, score: 1 }, { zUm: 0, score: 3 }, { zUm: 1, score: 2 }]),
    undefined,
  );
  assert.deepEqual(
    distinctByZ([{ zUm: 1, score: 4 }, { zUm: 0, score: 1 }, {
      zUm: 1,
      score: 2,
    }]),
    [{ zUm: 0, score: 1 }, { zUm: 1, score: 3 }],
  );
});
