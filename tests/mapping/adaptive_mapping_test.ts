import assert from "node:assert/strict";
import {
  drawPoints,
  META,
  options,
  seededNormal,
  seededRandom,
  trueZBUm,
} from "./_synthetic.ts";
import {
  MAX_VALIDATION_POINTS,
  ParfocalMapping,
} from "../../mapping/parfocal_mapping.ts";
import { MAX_CORRECTION_UM } from "../../mapping/adaptive_correction.ts";

const CALIBRATION = drawPoints({ seed: 1, count: 28 });
const DRIFT_UM = 0.3;

function adaptive(): ParfocalMapping {
  return ParfocalMapping.fit(CALIBRATION, options("ADAPTIVE"), META);
}

/** Feeds handoffs measured against a truth shifted by shiftUm. */
function feed(
  mapping: ParfocalMapping,
  count: number,
  shiftUm: number,
  seed: number,
): { accepted: number; rejected: number } {
  const uniform = seededRandom(seed);
  const normal = seededNormal(seed + 1);
  const tally = { accepted: 0, rejected: 0 };
  for (let i = 0; i < count; i++) {
    const zAUm = -8 + 16 * uniform();
    const temperatureC = 20.7 + 2.6 * uniform();
    const verdict = mapping.recordValidation({
      zAUm,
      temperatureC,
      predictedZBUm: mapping.predict(zAUm, temperatureC).zBUm,
      measuredZBUm: trueZBUm(zAUm, temperatureC, shiftUm) + 0.03 * normal(),
      at: new Date(META.calibratedAt.getTime() + i * 60_000),
    });
    if (verdict.accepted) tally.accepted++;
    else tally.rejected++;
  }
  return tally;
}

function driftedError(mapping: ParfocalMapping, shiftUm = DRIFT_UM): number {
  return mapping.evaluate(
    drawPoints({ seed: 9, count: 40, randomZ: true, shiftUm, noiseUm: 0 }),
  ).rmsErrorUm;
}

Deno.test("the adaptive model learns a 0.3 um drift from 100 handoffs", () => {
  const mapping = adaptive();
  const before = driftedError(mapping);

  const tally = feed(mapping, 100, DRIFT_UM, 3);
  const after = driftedError(mapping);

  assert.ok(before > 0.25, `before ${before}`);
  assert.ok(after < 0.05, `after ${after}`);
  assert.ok(tally.accepted >= 90, `accepted ${tally.accepted}`);
  assert.equal(
    mapping.report(META.calibratedAt).recent_performance.adaptive_updates,
    tally.accepted,
  );
});

Deno.test("the adaptive model barely moves when the truth has not drifted", () => {
  const mapping = adaptive();
  const before = driftedError(mapping, 0);

  feed(mapping, 100, 0, 4);

  assert.ok(driftedError(mapping, 0) < before + 0.01);
  const [constantUm, slopeUm] = mapping.adaptiveCorrectionUm;
  assert.ok(Math.abs(constantUm) < 0.03 && Math.abs(slopeUm) < 0.03);
});

Deno.test("the adaptive model refuses a lone outlier and keeps its prediction", () => {
  const mapping = adaptive();
  feed(mapping, 30, 0, 5);
  const before = mapping.predict(1, 22);

  const verdict = mapping.recordValidation({
    zAUm: 1,
    temperatureC: 22,
    predictedZBUm: before.zBUm,
    measuredZBUm: trueZBUm(1, 22) + 2,
    at: META.calibratedAt,
  });

  assert.equal(verdict.accepted, false);
  assert.match(verdict.reason ?? "", /treated as an outlier/);
  assert.deepEqual(mapping.predict(1, 22), before);
  assert.equal(
    mapping.report(META.calibratedAt).recent_performance.rejected_updates,
    1,
  );
});

Deno.test("the adaptive model stops at its bound and asks for recalibration", () => {
  const mapping = adaptive();

  feed(mapping, 150, 1.6, 6);
  const verdict = mapping.recordValidation({
    zAUm: 0,
    temperatureC: 22,
    predictedZBUm: mapping.predict(0, 22).zBUm,
    measuredZBUm: trueZBUm(0, 22, 1.6),
    at: META.calibratedAt,
  });

  const [constantUm, slopeUm] = mapping.adaptiveCorrectionUm;
  assert.ok(Math.abs(constantUm) + Math.abs(slopeUm) <= MAX_CORRECTION_UM);
  assert.equal(verdict.accepted, false);
  assert.match(verdict.reason ?? "", /recalibrate/);
});

Deno.test("an accepted update clears the prediction cache", () => {
  const mapping = adaptive();
  const before = mapping.predict(0, 22);

  const verdict = mapping.recordValidation({
    zAUm: 0,
    temperatureC: 22,
    predictedZBUm: before.zBUm,
    measuredZBUm: before.zBUm + 0.05,
    at: META.calibratedAt,
  });
  const after = mapping.predict(0, 22);

  assert.equal(verdict.accepted, true);
  assert.ok(after.zBUm > before.zBUm);
  assert.deepEqual(mapping.cacheStats(), { hits: 0, misses: 2, hitRate: 0 });
});

Deno.test("rollback returns the adaptive model to its calibration", () => {
  const mapping = adaptive();
  const fresh = adaptive();
  feed(mapping, 100, DRIFT_UM, 7);

  mapping.rollback();

  assert.deepEqual(mapping.adaptiveCorrectionUm, [0, 0]);
  for (const zAUm of [-7, 0, 4.5]) {
    assert.deepEqual(mapping.predict(zAUm, 22), fresh.predict(zAUm, 22));
  }
});

Deno.test("a polynomial model records validations but does not learn from them", () => {
  const mapping = ParfocalMapping.fit(
    CALIBRATION,
    options("POLYNOMIAL"),
    META,
  );
  const before = mapping.predict(0, 22);

  const tally = feed(mapping, 20, DRIFT_UM, 8);

  assert.equal(tally.accepted, 0);
  assert.deepEqual(mapping.predict(0, 22), before);
  const recent = mapping.report(META.calibratedAt).recent_performance;
  assert.equal(recent.validation_points.length, 20);
  assert.equal(recent.adaptive_updates, 0);
  assert.equal(recent.rejected_updates, 0);
});

Deno.test("report gives the calibration summary and the recent validations", () => {
  const mapping = adaptive();
  mapping.recordValidation({
    zAUm: 2,
    temperatureC: 22.5,
    predictedZBUm: 3.6,
    measuredZBUm: 3.5,
    at: new Date("2025-03-01T09:00:00.000Z"),
  });

  const report = mapping.report(new Date("2025-03-02T20:00:00.000Z"));

  assert.equal(report.calibration.model_type, "ADAPTIVE");
  assert.equal(report.calibration.num_points, 28);
  assert.deepEqual(report.calibration.z_range_um, [-8, 8]);
  assert.equal(report.calibration.calibrated_at, "2025-03-01T08:00:00.000Z");
  assert.equal(report.calibration.age_hours, 36);
  assert.ok(report.calibration.rms_error_um < 0.04);
  assert.ok(report.calibration.max_error_um >= report.calibration.rms_error_um);
  const [point] = report.recent_performance.validation_points;
  assert.equal(point.z_source_um, 2);
  assert.equal(point.at, "2025-03-01T09:00:00.000Z");
  assert.ok(Math.abs(point.error_um + 0.1) < 1e-12);
  assert.ok(
    Math.abs(report.recent_performance.mean_abs_error_um - 0.1) < 1e-12,
  );
});

Deno.test("report keeps only the most recent validation points", () => {
  const mapping = adaptive();

  feed(mapping, MAX_VALIDATION_POINTS + 30, 0, 10);

  const points = mapping.report(META.calibratedAt).recent_performance
    .validation_points;
  assert.equal(points.length, MAX_VALIDATION_POINTS);
  assert.equal(
    points.at(-1)?.at,
    new Date(
      META.calibratedAt.getTime() + (MAX_VALIDATION_POINTS + 29) * 60_000,
    )
      .toISOString(),
  );
});

Deno.test("recordValidation refuses a value that is not finite without recording it", () => {
  const mapping = adaptive();

  const verdict = mapping.recordValidation({
    zAUm: 0,
    temperatureC: NaN,
    predictedZBUm: 1,
    measuredZBUm: 1,
    at: META.calibratedAt,
  });

  assert.equal(verdict.accepted, false);
  assert.equal(
    mapping.report(META.calibratedAt).recent_performance.validation_points
      .length,
    0,
  );
});
