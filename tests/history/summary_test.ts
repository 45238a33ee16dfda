import assert from "node:assert/strict";
import { quantile, summarizeHandoffs } from "../../history/summary.ts";

Deno.test("quantile interpolates between the two nearest ranks", () => {
  assert.equal(quantile([10, 20, 30, 40], 0.5), 25);
  assert.equal(quantile([10, 20, 30, 40], 0), 10);
  assert.equal(quantile([10, 20, 30, 40], 1), 40);
  assert.equal(quantile([7], 0.95), 7);
  assert.equal(quantile([], 0.5), null);
});

Deno.test("summarizeHandoffs ignores unknown cache and mapping values in their rates", () => {
  const stats = summarizeHandoffs([
    {
      atMs: 3,
      success: true,
      elapsedMs: 100,
      cacheHit: true,
      mappingErrorUm: 0.4,
    },
    {
      atMs: 1,
      success: true,
      elapsedMs: 200,
      cacheHit: null,
      mappingErrorUm: null,
    },
    {
      atMs: 2,
      success: false,
      elapsedMs: 300,
      cacheHit: false,
      mappingErrorUm: 0.8,
    },
  ]);

  assert.equal(stats.cacheHitRate, 0.5);
  assert.ok(Math.abs(stats.avgMappingErrorUm! - 0.6) < 1e-12);
  assert.equal(stats.maxMappingErrorUm, 0.8);
  assert.equal(stats.successRate, 2 / 3);
  assert.equal(stats.firstAtMs, 1);
  assert.equal(stats.lastAtMs, 3);
});
