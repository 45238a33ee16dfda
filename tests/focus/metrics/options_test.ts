import assert from "node:assert/strict";
import type { GrayImage } from "../../../domain/frame.ts";
import {
  FOCUS_METRIC_NAMES,
  FOCUS_METRICS,
  isFocusMetricName,
} from "../../../focus/metrics/mod.ts";
import { loadRealStack, REAL_BEST_INDEX } from "../_stack.ts";

function crop(
  image: GrayImage,
  xPx: number,
  yPx: number,
  widthPx: number,
  heightPx: number,
): GrayImage {
  const pixels = new Uint8Array(widthPx * heightPx);
  for (let y = 0; y < heightPx; y++) {
    const from = (yPx + y) * image.widthPx + xPx;
    pixels.set(image.pixels.subarray(from, from + widthPx), y * widthPx);
  }
  return { widthPx, heightPx, pixels };
}

function boxBlur3(image: GrayImage): GrayImage {
  const { widthPx: w, heightPx: h, pixels: p } = image;
  const out = new Uint8Array(p);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      let sum = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) sum += p[(y + dy) * w + x + dx];
      }
      out[y * w + x] = Math.round(sum / 9);
    }
  }
  return { widthPx: w, heightPx: h, pixels: out };
}

Deno.test("a region scores exactly like the same rectangle cropped out", async () => {
  const frame = (await loadRealStack())[REAL_BEST_INDEX];
  const roi = { xPx: 301, yPx: 117, widthPx: 257, heightPx: 190 };
  const cropped = crop(frame, roi.xPx, roi.yPx, roi.widthPx, roi.heightPx);
  for (const name of FOCUS_METRIC_NAMES) {
    const metric = FOCUS_METRICS[name];
    for (const subsample of [1, 3]) {
      const inRegion = metric(frame, { roi, subsample });
      const onCrop = metric(cropped, { subsample });
      assert.ok(
        Math.abs(inRegion - onCrop) <= 1e-12 * Math.abs(onCrop),
        `${name} step ${subsample}: ${inRegion} vs ${onCrop}`,
      );
    }
  }
});

Deno.test("a whole-frame region and subsample 1 change no score", async () => {
  const frame = (await loadRealStack())[REAL_BEST_INDEX];
  const roi = {
    xPx: 0,
    yPx: 0,
    widthPx: frame.widthPx,
    heightPx: frame.heightPx,
  };
  for (const name of FOCUS_METRIC_NAMES) {
    const metric = FOCUS_METRICS[name];
    assert.equal(metric(frame, { roi, subsample: 1 }), metric(frame), name);
  }
});

Deno.test("every metric scores a uniform frame as zero", () => {
  const frame = {
    widthPx: 40,
    heightPx: 30,
    pixels: new Uint8Array(1200).fill(137),
  };
  for (const name of FOCUS_METRIC_NAMES) {
    assert.equal(FOCUS_METRICS[name](frame), 0, name);
  }
});

Deno.test("every metric scores a blurred frame lower than the sharp one", async () => {
  const sharp = crop(
    (await loadRealStack())[REAL_BEST_INDEX],
    400,
    300,
    300,
    240,
  );
  const blurred = boxBlur3(sharp);
  for (const name of FOCUS_METRIC_NAMES) {
    const metric = FOCUS_METRICS[name];
    assert.ok(metric(blurred) < metric(sharp), name);
  }
});

Deno.test("every metric works on the smallest region it accepts and a 1-row step", () => {
  const pixels = new Uint8Array(64);
  for (let i = 0; i < 64; i++) pixels[i] = (i * 37) % 251;
  const frame = { widthPx: 8, heightPx: 8, pixels };
  for (const name of FOCUS_METRIC_NAMES) {
    for (const subsample of [1, 2, 5, 9]) {
      const score = FOCUS_METRICS[name](frame, { subsample });
      assert.ok(
        Number.isFinite(score) && score >= 0,
        `${name}/${subsample}: ${score}`,
      );
    }
  }
});

Deno.test("metrics reject a region outside the frame, a bad step or a short buffer", () => {
  const frame = { widthPx: 20, heightPx: 10, pixels: new Uint8Array(200) };
  for (const name of FOCUS_METRIC_NAMES) {
    const metric = FOCUS_METRICS[name];
    assert.throws(
      () =>
        metric(frame, { roi: { xPx: 15, yPx: 0, widthPx: 10, heightPx: 10 } }),
      RangeError,
    );
    assert.throws(
      () => metric(frame, { roi: { xPx: 0, yPx: 0, widthPx: 2, heightPx: 2 } }),
      RangeError,
    );
    assert.throws(() => metric(frame, { subsample: 0 }), RangeError);
    assert.throws(() => metric(frame, { subsample: 1.5 }), RangeError);
    assert.throws(
      () => metric({ widthPx: 20, heightPx: 10, pixels: new Uint8Array(150) }),
      /holds 150 pixels instead of 200/,
    );
  }
});

Deno.test("isFocusMetricName accepts the seven names and nothing else", () => {
  assert.equal(FOCUS_METRIC_NAMES.length, 7);
  for (const name of FOCUS_METRIC_NAMES) assert.ok(isFocusMetricName(name));
  assert.ok(!isFocusMetricName("toString"));
  assert.ok(!isFocusMetricName("sharpness"));
});
