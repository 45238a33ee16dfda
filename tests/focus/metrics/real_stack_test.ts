import assert from "node:assert/strict";
import {
  defaultMetricFor,
  FOCUS_METRIC_NAMES,
  FOCUS_METRICS,
} from "../../../focus/metrics/mod.ts";
import { OPENCV_FULL_PRECISION } from "../_opencv_reference.ts";
import {
  loadOpenCvCurves,
  loadRealStack,
  REAL_BEST_INDEX,
  REAL_SLICE_COUNT,
} from "../_stack.ts";

/** Half a unit in the sixth significant digit: the CSV's rounding. */
function csvTolerance(value: number): number {
  return 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(value))) - 5);
}

function argMax(values: readonly number[]): number {
  return values.indexOf(Math.max(...values));
}

function assertMatchesOpenCv(
  name: "laplacian_variance" | "tenengrad",
  column: 0 | 1,
  csvKey: "varLaplacian" | "tenengrad",
) {
  return async () => {
    const stack = await loadRealStack();
    const csv = await loadOpenCvCurves();
    assert.equal(csv.length, REAL_SLICE_COUNT);
    for (let i = 0; i < REAL_SLICE_COUNT; i++) {
      const ours = FOCUS_METRICS[name](stack[i]);
      const reference = OPENCV_FULL_PRECISION[i][column];
      const csvValue = csv[i][csvKey];
      assert.ok(
        Math.abs(ours - csvValue) <= csvTolerance(csvValue),
        `slice ${i}: ${ours} does not round to the CSV's ${csvValue}`,
      );
      assert.ok(
        Math.abs(ours - reference) <= 1e-9 * reference,
        `slice ${i}: ${ours} differs from OpenCV's ${reference}`,
      );
    }
  };
}

Deno.test(
  "laplacian_variance equals OpenCV's Laplacian variance on every real slice",
  assertMatchesOpenCv("laplacian_variance", 0, "varLaplacian"),
);

Deno.test(
  "tenengrad equals OpenCV's mean squared Sobel gradient on every real slice",
  assertMatchesOpenCv("tenengrad", 1, "tenengrad"),
);

Deno.test("every metric peaks at slice 9 or 10 of the real stack", async () => {
  const stack = await loadRealStack();
  for (const name of FOCUS_METRIC_NAMES) {
    const curve = stack.map((slice) => FOCUS_METRICS[name](slice));
    const best = argMax(curve);
    assert.ok(best === 9 || best === 10, `${name} peaks at slice ${best}`);
  }
});

Deno.test("the default metric of each lens peaks exactly at the expert's slice", async () => {
  const stack = await loadRealStack();
  for (const lens of ["A", "B"] as const) {
    const metric = FOCUS_METRICS[defaultMetricFor(lens)];
    assert.equal(argMax(stack.map((slice) => metric(slice))), REAL_BEST_INDEX);
  }
});

Deno.test("subsampling by 2 keeps every metric's values and peak slice", async () => {
  const stack = await loadRealStack();
  for (const name of FOCUS_METRIC_NAMES) {
    const metric = FOCUS_METRICS[name];
    const full = stack.map((slice) => metric(slice));
    const half = stack.map((slice) => metric(slice, { subsample: 2 }));
    const best = argMax(half);
    assert.ok(best === 9 || best === 10, `${name} peaks at slice ${best}`);
    for (let i = 0; i < REAL_SLICE_COUNT; i++) {
      assert.ok(
        Math.abs(half[i] - full[i]) <= 0.05 * full[i],
        `${name} slice ${i}: ${half[i]} vs ${full[i]}`,
      );
    }
  }
  const metric = FOCUS_METRICS[defaultMetricFor("B")];
  const half = stack.map((slice) => metric(slice, { subsample: 2 }));
  assert.equal(argMax(half), REAL_BEST_INDEX);
});
