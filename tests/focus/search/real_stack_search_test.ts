import assert from "node:assert/strict";
import { defaultMetricFor, FOCUS_METRICS } from "../../../focus/metrics/mod.ts";
import {
  createSearch,
  SEARCH_STRATEGY_NAMES,
} from "../../../focus/search/mod.ts";
import type { SearchRequest } from "../../../focus/types.ts";
import { loadRealStack, REAL_BEST_INDEX, REAL_SLICE_COUNT } from "../_stack.ts";
import { runSearch } from "./_curves.ts";

// The stack's z step was not recorded: slices are taken as 1 um apart, and
// its focus curve falls to half within about 2 slices, so a depth of field
// of 2 um makes the fine step one slice.
const STACK_DOF_UM = 2;

async function stackCurve(): Promise<(zUm: number) => number> {
  const metric = FOCUS_METRICS[defaultMetricFor("A")];
  const scores = (await loadRealStack()).map((slice) => metric(slice));
  return (zUm) => scores[Math.round(zUm)];
}

function stackRequest(startZUm: number): SearchRequest {
  return {
    startZUm,
    zMinUm: 0,
    zMaxUm: REAL_SLICE_COUNT - 1,
    depthOfFieldUm: STACK_DOF_UM,
    uncertaintyUm: 3,
    maxFrames: 12,
  };
}

Deno.test("fast and standard find slice 10 of the real stack from every start in fewer frames than a sweep", async () => {
  const curve = await stackCurve();
  for (const strategy of ["fast", "standard"] as const) {
    for (let start = 0; start < REAL_SLICE_COUNT; start++) {
      const request = stackRequest(start);
      const search = createSearch(strategy, request, { zStepUm: 1 });
      const run = runSearch(search, request, curve);
      assert.equal(run.outcome.kind, "found", `${strategy} from ${start}`);
      if (run.outcome.kind !== "found") continue;
      assert.equal(Math.round(run.outcome.zUm), REAL_BEST_INDEX);
      assert.ok(run.samples.length < REAL_SLICE_COUNT);
      assert.ok(
        run.samples.length <= 9,
        `${strategy} from ${start}: ${run.samples.length}`,
      );
    }
  }
});

Deno.test("ultra_fast finds slice 10 from slices 3 to 16, in 3 frames from within the depth of field", async () => {
  const curve = await stackCurve();
  for (let start = 3; start < REAL_SLICE_COUNT; start++) {
    const request = stackRequest(start);
    const run = runSearch(
      createSearch("ultra_fast", request, { zStepUm: 1 }),
      request,
      curve,
    );
    assert.equal(run.outcome.kind, "found", `from ${start}`);
    if (run.outcome.kind !== "found") continue;
    assert.equal(Math.round(run.outcome.zUm), REAL_BEST_INDEX, `from ${start}`);
    assert.ok(run.samples.length < REAL_SLICE_COUNT);
    // The fitted peak lies at 9.55: slices 9 and 10 are within half a
    // depth of field of it.
    if (Math.abs(start - 9.55) <= STACK_DOF_UM / 2) {
      assert.equal(run.samples.length, 3, `from ${start}`);
    }
  }
});

Deno.test("ultra_fast started on the stack's far bump ends no blurrier than it started", async () => {
  // Slice 1 is a small local maximum (8% above its neighbours): a fine
  // search that trusts a start there stops on it, which validation of the
  // final frame must catch; it must never end on a worse frame.
  const curve = await stackCurve();
  for (const start of [0, 1, 2]) {
    const request = stackRequest(start);
    for (const strategy of SEARCH_STRATEGY_NAMES) {
      const run = runSearch(
        createSearch(strategy, request, { zStepUm: 1 }),
        request,
        curve,
      );
      assert.equal(run.outcome.kind, "found");
      if (run.outcome.kind === "found") {
        assert.ok(curve(run.outcome.zUm) >= curve(start));
      }
    }
  }
});
