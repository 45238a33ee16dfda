import assert from "node:assert/strict";
import {
  calibrationHeights,
  decideReadiness,
  visitOrder,
} from "../../actors/calibration_steps.ts";

Deno.test("calibration heights spread evenly over the range, ends included", () => {
  assert.deepEqual(calibrationHeights(5, [-8, 8]), [-8, -4, 0, 4, 8]);
  assert.deepEqual(calibrationHeights(1, [-8, 8]), [0]);
});

Deno.test("the visit order touches every height once and jumps across the range", () => {
  for (const count of [2, 5, 12, 25, 30]) {
    const order = visitOrder(count);
    assert.deepEqual([...order].sort((a, b) => a - b), [
      ...Array(count).keys(),
    ]);
  }
  const order = visitOrder(25);
  const neighbours = order.slice(1).filter((value, i) =>
    Math.abs(value - order[i]) === 1
  );
  assert.ok(neighbours.length <= 2, `order ${order}`);
});

Deno.test("readiness lists every production target missed", () => {
  const verdict = decideReadiness({ heldOutRmsUm: 0.2 }, {
    handoffs: 10,
    avgHandoffTimeMs: 320,
    successRate: 0.9,
    targetMetRate: 0.5,
    meanMappingErrorUm: 0.3,
  });

  assert.equal(verdict.ready, false);
  assert.equal(verdict.reasons.length, 3);
  assert.match(verdict.reasons.join("\n"), /320\.0 ms exceeds 300 ms/);
});
