import assert from "node:assert/strict";
import { assertNear, assertThrowsWith } from "./_assert_near.ts";
import { drawPoints, META, options, trueZBUm } from "./_synthetic.ts";
import { ParfocalMapping } from "../../mapping/parfocal_mapping.ts";

const CALIBRATION = drawPoints({ seed: 1, count: 28 });

function fitted(cacheSize = 100): ParfocalMapping {
  return ParfocalMapping.fit(
    CALIBRATION,
    options("ADAPTIVE", { cacheSize }),
    META,
  );
}

Deno.test("predict lands near the truth with high confidence inside the calibrated range", () => {
  const prediction = fitted().predict(2.5, 22.3);

  assertNear(prediction.zBUm, trueZBUm(2.5, 22.3), 0.08, "zB");
  assert.equal(prediction.withinCalibratedRange, true);
  assert.equal(prediction.rangeNote, undefined);
  assert.ok(prediction.confidence > 0.99, `${prediction.confidence}`);
  assert.ok(
    prediction.uncertaintyUm > 0.02 && prediction.uncertaintyUm < 0.05,
    `${prediction.uncertaintyUm}`,
  );
});

Deno.test("predict counts a repeat within the quantisation step as a cache hit", () => {
  const mapping = fitted();

  const first = mapping.predict(1.234, 22.04);
  const second = mapping.predict(1.2341, 21.96);
  mapping.predict(1.25, 22);

  assert.deepEqual(second, first);
  assert.deepEqual(mapping.cacheStats(), {
    hits: 1,
    misses: 2,
    hitRate: 1 / 3,
  });
});

Deno.test("predict gives the same answer from the cache as without one", () => {
  const cached = fitted(100);
  const uncached = fitted(0);

  cached.predict(-3.21, 21.5);
  const fromCache = cached.predict(-3.21, 21.5);
  const fresh = uncached.predict(-3.21, 21.5);

  assert.deepEqual(fromCache, fresh);
  assert.equal(cached.cacheStats().hits, 1);
  assert.deepEqual(uncached.cacheStats(), { hits: 0, misses: 1, hitRate: 0 });
});

Deno.test("predict evicts the least recently used entry when the cache is full", () => {
  const mapping = fitted(2);

  mapping.predict(1, 22);
  mapping.predict(2, 22);
  mapping.predict(1, 22);
  mapping.predict(3, 22);
  mapping.predict(1, 22);
  mapping.predict(2, 22);

  assert.deepEqual(mapping.cacheStats(), {
    hits: 2,
    misses: 4,
    hitRate: 2 / 6,
  });
});

Deno.test("predict flags z outside the calibration with lower confidence and a note", () => {
  const mapping = fitted();

  const inside = mapping.predict(7.5, 22);
  const outside = mapping.predict(11, 22);

  assert.equal(outside.withinCalibratedRange, false);
  assert.match(
    outside.rangeNote ?? "",
    /lens-A z 11.00 um is outside the calibrated -8.00..8.00 um/,
  );
  assert.ok(outside.confidence < inside.confidence);
  assert.ok(outside.uncertaintyUm > 2 * inside.uncertaintyUm);
});

Deno.test("predict flags a temperature outside the calibration with lower confidence", () => {
  const mapping = fitted();
  const [low, high] = mapping.report(META.calibratedAt).calibration
    .temperature_range_c;

  const inside = mapping.predict(0, (low + high) / 2);
  const outside = mapping.predict(0, high + 3);

  assert.equal(inside.withinCalibratedRange, true);
  assert.equal(outside.withinCalibratedRange, false);
  assert.match(
    outside.rangeNote ?? "",
    /temperature .* C is outside the calibrated/,
  );
  assert.ok(outside.confidence < inside.confidence);
});

Deno.test("predict falls further in confidence the further it extrapolates", () => {
  const mapping = fitted();

  const confidences = [9, 11, 14].map((zAUm) =>
    mapping.predict(zAUm, 22).confidence
  );

  assert.ok(confidences[0] > confidences[1] && confidences[1] > confidences[2]);
});

Deno.test("predict refuses an input that is not finite", () => {
  assertThrowsWith(
    () => fitted().predict(NaN, 22),
    RangeError,
    "must be finite",
  );
});
