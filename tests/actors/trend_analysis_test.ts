import assert from "node:assert/strict";
import { analyzeTrend } from "../../actors/trend_analysis.ts";
import type { StoredHandoff } from "../../history/types.ts";

/** `count` handoffs, each shaped by its place (0..1) in the sequence. */
function handoffs(
  count: number,
  shape: (fraction: number, index: number) => Partial<StoredHandoff>,
): StoredHandoff[] {
  return Array.from({ length: count }, (_, index) => ({
    id: index + 1,
    atMs: 1_000_000 + index * 60_000,
    zSourceUm: 0,
    zTargetUm: 0.5,
    success: true,
    elapsedMs: 120,
    lensSwitchMs: 25,
    focusMoveMs: 15,
    focusSearchMs: 60,
    validationMs: 20,
    mappingErrorUm: 0.2,
    frames: 4,
    cacheHit: false,
    failureCause: null,
    ...shape(index / (count - 1), index),
  }));
}

Deno.test("steady handoffs are a stable trend that needs no action", () => {
  const trend = analyzeTrend(handoffs(100, () => ({})));

  assert.equal(trend.trend, "stable");
  assert.equal(trend.recommendation, "No action needed");
  assert.equal(trend.earlier!.handoffs, 50);
});

Deno.test("a turret that switches ever slower is named as the cause, with wear as the fix", () => {
  const trend = analyzeTrend(handoffs(100, (f) => ({
    lensSwitchMs: 25 + 20 * f,
    elapsedMs: 120 + 20 * f,
  })));

  assert.equal(trend.trend, "degrading");
  assert.match(trend.primary_cause, /turret switches more slowly/);
  assert.match(trend.recommendation, /Service the turret/);
});

Deno.test("a growing mapping error points at calibration and temperature compensation", () => {
  const trend = analyzeTrend(handoffs(60, (f) => ({
    mappingErrorUm: 0.2 + 0.4 * f,
  })));

  assert.equal(trend.trend, "degrading");
  assert.match(trend.primary_cause, /thermal drift or an ageing calibration/);
  assert.match(trend.recommendation, /Recalibrate/);
});

Deno.test("more failures name the device that fails most often", () => {
  const trend = analyzeTrend(
    handoffs(
      100,
      (f, i) =>
        f > 0.5 && i % 5 === 0
          ? {
            success: false,
            failureCause: "focus_motor",
            mappingErrorUm: null,
          }
          : {},
    ),
  );

  assert.equal(trend.trend, "degrading");
  assert.match(trend.primary_cause, /most often at the focus_motor/);
  assert.match(trend.recommendation, /diagnose/);
});

Deno.test("a faster search is an improving trend", () => {
  const trend = analyzeTrend(handoffs(100, (f) => ({
    focusSearchMs: 80 - 30 * f,
    elapsedMs: 140 - 30 * f,
  })));

  assert.equal(trend.trend, "improving");
  assert.match(trend.changes[0], /better: focus_search/);
});

Deno.test("too few handoffs give no trend rather than a guess", () => {
  const trend = analyzeTrend(handoffs(5, () => ({})));

  assert.equal(trend.trend, "insufficient_data");
  assert.equal(trend.earlier, null);
});
