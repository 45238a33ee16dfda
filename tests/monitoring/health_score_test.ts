import assert from "node:assert/strict";
import { healthScore } from "../../monitoring/health_score.ts";
import { windowStats } from "./_stats.ts";

Deno.test("healthScore is 100 with nothing to deduct for a scanner within budget", () => {
  assert.deepEqual(healthScore(windowStats()), { score: 100, deductions: [] });
});

Deno.test("healthScore deducts a tenth of a point per ms over 300 ms, at most 20", () => {
  const slow = healthScore(windowStats({ avgHandoffMs: 350 }));
  assert.equal(slow.score, 95);
  assert.equal(slow.deductions[0].points, 5);
  assert.match(
    slow.deductions[0].reason,
    /350\.0 ms is over the 300 ms budget/,
  );

  assert.equal(healthScore(windowStats({ avgHandoffMs: 900 })).score, 80);
});

Deno.test("healthScore deducts 100 times the success rate's gap below 0.99", () => {
  const result = healthScore(windowStats({ successRate: 0.95 }));
  assert.equal(result.score, 96);
  assert.equal(result.deductions[0].points, 4);
});

Deno.test("healthScore gives 5 for a cache hit rate above 0.7 and takes 10 below 0.3", () => {
  const good = healthScore(
    windowStats({ cacheHitRate: 0.8, avgHandoffMs: 400 }),
  );
  assert.equal(good.score, 95);
  assert.deepEqual(good.deductions.map((d) => d.points), [10, -5]);

  assert.equal(healthScore(windowStats({ cacheHitRate: 0.2 })).score, 90);
});

Deno.test("healthScore deducts for mapping error above half the budget, 10 at the budget", () => {
  assert.equal(healthScore(windowStats({ avgMappingErrorUm: 0.5 })).score, 100);
  assert.equal(healthScore(windowStats({ avgMappingErrorUm: 1.0 })).score, 90);
  assert.equal(healthScore(windowStats({ avgMappingErrorUm: 3.0 })).score, 80);
});

Deno.test("healthScore never goes below 0 nor above 100", () => {
  const worst = healthScore(windowStats({
    avgHandoffMs: 2000,
    successRate: 0,
    cacheHitRate: 0,
    avgMappingErrorUm: 5,
  }));
  assert.equal(worst.score, 0);
  assert.equal(worst.deductions.length, 4);

  assert.equal(healthScore(windowStats({ cacheHitRate: 0.9 })).score, 100);
});

Deno.test("healthScore leaves out what an empty window cannot tell", () => {
  const empty = healthScore(windowStats({
    count: 0,
    successRate: null,
    avgHandoffMs: null,
    cacheHitRate: null,
    avgMappingErrorUm: null,
  }));
  assert.deepEqual(empty, { score: 100, deductions: [] });
});
