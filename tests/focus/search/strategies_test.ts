import assert from "node:assert/strict";
import {
  createSearch,
  SEARCH_STRATEGY_NAMES,
} from "../../../focus/search/strategies.ts";
import type { SearchRequest } from "../../../focus/types.ts";
import {
  gaussianPeak,
  lorentzianSquared,
  runSearch,
  type ScoreCurve,
  seeded,
  sum,
  withNoise,
} from "./_curves.ts";

/** Depth of field of lens B (NA 1.2 at 0.55 um), um. */
const DOF_B_UM = 0.55 / 1.44;

function lensB(startZUm: number, overrides: Partial<SearchRequest> = {}) {
  return {
    startZUm,
    zMinUm: -15,
    zMaxUm: 15,
    depthOfFieldUm: DOF_B_UM,
    uncertaintyUm: 1,
    maxFrames: 12,
    ...overrides,
  };
}

function smearCurve(peakUm: number, random: () => number): ScoreCurve {
  return lorentzianSquared({
    peakUm,
    widthUm: DOF_B_UM * (0.8 + 0.6 * random()),
    floor: 50 + 300 * random(),
    amplitude: 1000,
    upperWidthFactor: 1.1 / 0.92,
    tailAmplitude: 100 + 200 * random(),
  });
}

function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function quantile(values: number[], q: number): number {
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

Deno.test("ultra_fast finds focus in 3 frames when the start is within the depth of field", () => {
  const random = seeded(11);
  const errors: number[] = [];
  const frames: number[] = [];
  for (let i = 0; i < 200; i++) {
    const truth = 10 * random() - 5;
    const start = truth + DOF_B_UM * (random() - 0.5);
    const curve = withNoise(smearCurve(truth, random), 0.01, i);
    const request = lensB(start);
    const run = runSearch(createSearch("ultra_fast", request), request, curve);
    assert.equal(run.outcome.kind, "found");
    if (run.outcome.kind === "found") {
      errors.push(Math.abs(run.outcome.zUm - truth));
    }
    frames.push(run.samples.length);
  }
  assert.equal(median(frames), 3);
  assert.ok(
    quantile(frames, 0.95) <= 5,
    `p95 frames ${quantile(frames, 0.95)}`,
  );
  assert.ok(median(errors) <= 0.03, `median error ${median(errors)}`);
  assert.ok(
    quantile(errors, 0.95) <= 0.12,
    `p95 error ${quantile(errors, 0.95)}`,
  );
});

Deno.test("every strategy lands within 0.05 um median and 0.15 um p95 on noisy curves", () => {
  for (const strategy of SEARCH_STRATEGY_NAMES) {
    const random = seeded(23);
    const errors: number[] = [];
    const frames: number[] = [];
    for (let i = 0; i < 150; i++) {
      const truth = 10 * random() - 5;
      const start = truth + 4 * DOF_B_UM * (random() - 0.5);
      const curve = withNoise(smearCurve(truth, random), 0.01, 1000 + i);
      const request = lensB(start);
      const run = runSearch(createSearch(strategy, request), request, curve);
      assert.equal(run.outcome.kind, "found", strategy);
      if (run.outcome.kind === "found") {
        errors.push(Math.abs(run.outcome.zUm - truth));
      }
      frames.push(run.samples.length);
    }
    assert.ok(median(errors) <= 0.05, `${strategy} median ${median(errors)}`);
    assert.ok(
      quantile(errors, 0.95) <= 0.15,
      `${strategy} p95 ${quantile(errors, 0.95)}`,
    );
    const limit = { ultra_fast: 6, fast: 6, standard: 9 }[strategy];
    assert.ok(
      median(frames) <= limit,
      `${strategy} median frames ${median(frames)}`,
    );
  }
});

Deno.test("fast takes fewer frames than standard over a wide uncertainty", () => {
  const truth = 0.7;
  const curve = smearCurve(truth, () => 0.5);
  const request = lensB(0, { uncertaintyUm: 3, maxFrames: 30 });
  const fast = runSearch(createSearch("fast", request), request, curve);
  const standard = runSearch(createSearch("standard", request), request, curve);
  assert.ok(fast.samples.length < standard.samples.length);
  for (const run of [fast, standard]) {
    assert.equal(run.outcome.kind, "found");
    if (run.outcome.kind === "found") {
      assert.ok(Math.abs(run.outcome.zUm - truth) < 0.05);
    }
  }
});

Deno.test("a search extends towards a peak beyond its opening frames instead of reporting the edge", () => {
  const openingHalfWidthUm = { ultra_fast: 0.5, fast: 2.5, standard: 3 };
  for (const strategy of SEARCH_STRATEGY_NAMES) {
    for (const side of [-1, 1]) {
      const truth = 1;
      const offsetUm = side * DOF_B_UM * (openingHalfWidthUm[strategy] + 1.5);
      const request = lensB(truth - offsetUm);
      const curve = smearCurve(truth, () => 0.5);
      const run = runSearch(createSearch(strategy, request), request, curve);
      assert.equal(run.outcome.kind, "found", `${strategy} ${offsetUm}`);
      if (run.outcome.kind !== "found") continue;
      assert.ok(
        Math.abs(run.outcome.zUm - truth) < 0.05,
        `${strategy}: ${run.outcome.zUm}`,
      );
      const beyond = run.samples.filter((s) => (s.zUm - truth) * side > 0);
      assert.ok(beyond.length > 0, `${strategy} never sampled past the peak`);
    }
  }
});

Deno.test("a start next to the end of the range never samples outside it", () => {
  for (const strategy of SEARCH_STRATEGY_NAMES) {
    for (const [start, truth] of [[14.95, 14.7], [-14.99, -14.8], [15, 14.9]]) {
      const request = lensB(start);
      const curve = smearCurve(truth, () => 0.3);
      const run = runSearch(createSearch(strategy, request), request, curve);
      for (const s of run.samples) assert.ok(s.zUm >= -15 && s.zUm <= 15);
      assert.equal(run.outcome.kind, "found", `${strategy} from ${start}`);
      if (run.outcome.kind === "found") {
        assert.ok(Math.abs(run.outcome.zUm - truth) < 0.06);
      }
    }
  }
});

Deno.test("a peak beyond the end of the range is reported as not found, not as the edge", () => {
  for (const strategy of SEARCH_STRATEGY_NAMES) {
    const request = lensB(14.6);
    const curve = smearCurve(16, () => 0.5);
    const run = runSearch(createSearch(strategy, request), request, curve);
    assert.equal(run.outcome.kind, "not_found", strategy);
    if (run.outcome.kind === "not_found") {
      assert.match(run.outcome.reason, /upper end/);
    }
    assert.ok(
      run.samples.some((s) => s.zUm === 15),
      `${strategy} never reached the end`,
    );
  }
});

Deno.test("a blank field reports no focus within the frame budget", () => {
  for (const strategy of SEARCH_STRATEGY_NAMES) {
    for (const maxFrames of [3, 5, 12]) {
      const request = lensB(0.3, { maxFrames });
      const curve = withNoise(() => 80, 0.01, maxFrames);
      const run = runSearch(createSearch(strategy, request), request, curve);
      assert.equal(run.outcome.kind, "not_found", `${strategy}/${maxFrames}`);
      if (run.outcome.kind === "not_found") {
        assert.match(run.outcome.reason, /no focus signal/);
      }
      assert.ok(run.samples.length <= maxFrames);
    }
  }
});

Deno.test("every strategy answers within any budget of 3 or more frames", () => {
  const random = seeded(5);
  for (let i = 0; i < 120; i++) {
    const strategy = SEARCH_STRATEGY_NAMES[i % 3];
    const maxFrames = 3 + (i % 7);
    const truth = 20 * random() - 10;
    const request = lensB(truth + 6 * (random() - 0.5), { maxFrames });
    const curve = withNoise(smearCurve(truth, random), 0.02, i);
    const run = runSearch(createSearch(strategy, request), request, curve);
    assert.ok(run.samples.length <= maxFrames);
    assert.ok(run.outcome.kind === "found" || run.outcome.kind === "not_found");
  }
});

Deno.test("a search never ends on a position blurrier than where it started", () => {
  // A main peak and a side lobe 1.3 um away at 40% of its height.
  const truth = 0;
  const curve = sum(
    smearCurve(truth, () => 0.5),
    gaussianPeak({ peakUm: 1.3, widthUm: 0.2, floor: 0, amplitude: 400 }),
  );
  for (const strategy of SEARCH_STRATEGY_NAMES) {
    for (const start of [-2, -0.8, 0.4, 1.1, 1.5, 2.5]) {
      const request = lensB(start);
      const run = runSearch(createSearch(strategy, request), request, curve);
      assert.equal(run.outcome.kind, "found");
      if (run.outcome.kind !== "found") continue;
      assert.ok(
        curve(run.outcome.zUm) >= curve(start),
        `${strategy} from ${start} ended at ${run.outcome.zUm}`,
      );
    }
  }
});

Deno.test("standard finds the main peak where a side lobe sits at the prediction", () => {
  const curve = sum(
    smearCurve(0, () => 0.5),
    gaussianPeak({ peakUm: 1.3, widthUm: 0.2, floor: 0, amplitude: 400 }),
  );
  const request = lensB(1.3, { uncertaintyUm: 1.5 });
  const run = runSearch(createSearch("standard", request), request, curve);
  assert.equal(run.outcome.kind, "found");
  if (run.outcome.kind === "found") assert.ok(Math.abs(run.outcome.zUm) < 0.1);
});

Deno.test("searches scale to lens A's depth of field and range", () => {
  const dofA = 0.55 / 0.16;
  for (const strategy of SEARCH_STRATEGY_NAMES) {
    const truth = -7.3;
    const request = {
      startZUm: -5,
      zMinUm: -20,
      zMaxUm: 20,
      depthOfFieldUm: dofA,
      uncertaintyUm: 5,
      maxFrames: 12,
    };
    const curve = lorentzianSquared({
      peakUm: truth,
      widthUm: dofA,
      tailAmplitude: 200,
    });
    const run = runSearch(createSearch(strategy, request), request, curve);
    assert.equal(run.outcome.kind, "found");
    if (run.outcome.kind === "found") {
      assert.ok(Math.abs(run.outcome.zUm - truth) < 0.3);
    }
  }
});

Deno.test("next is a pure function of the samples", () => {
  const request = lensB(0.2);
  const search = createSearch("fast", request);
  const curve = smearCurve(0.5, () => 0.5);
  const run = runSearch(search, request, curve);
  for (let n = 0; n <= run.samples.length; n++) {
    const prefix = run.samples.slice(0, n);
    assert.deepEqual(
      search.next(prefix),
      createSearch("fast", request).next(prefix),
    );
  }
});

Deno.test("positions are rounded to the drive's grid", () => {
  const request = lensB(0.123);
  const search = createSearch("ultra_fast", request, { zStepUm: 0.05 });
  const run = runSearch(search, request, smearCurve(0.4, () => 0.5));
  for (const s of run.samples) {
    assert.ok(
      Math.abs(s.zUm / 0.05 - Math.round(s.zUm / 0.05)) < 1e-9,
      `${s.zUm}`,
    );
  }
});

Deno.test("createSearch rejects unusable requests with a message naming the fix", () => {
  const bad: Partial<SearchRequest>[] = [
    { maxFrames: 2 },
    { maxFrames: 4.5 },
    { zMinUm: 5, zMaxUm: 5 },
    { depthOfFieldUm: 0 },
    { uncertaintyUm: -1 },
    { startZUm: Number.NaN },
  ];
  for (const overrides of bad) {
    assert.throws(() => createSearch("fast", lensB(0, overrides)), RangeError);
  }
  assert.throws(
    () => createSearch("slow" as "fast", lensB(0)),
    /use one of standard, fast, ultra_fast/,
  );
  const search = createSearch("fast", lensB(0));
  assert.throws(() => search.next([{ zUm: 0, score: Number.NaN }]), RangeError);
});
