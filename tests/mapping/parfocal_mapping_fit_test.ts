import assert from "node:assert/strict";
import { assertThrowsWith } from "./_assert_near.ts";
import {
  drawPoints,
  META,
  options,
  seededNormal,
  trueZBUm,
} from "./_synthetic.ts";
import {
  mappingOptionsFromConfig,
  ParfocalMapping,
} from "../../mapping/parfocal_mapping.ts";
import { defaultConfig } from "../../config/load.ts";

const CALIBRATION = drawPoints({ seed: 1, count: 28 });
const HELD_OUT = drawPoints({ seed: 2, count: 40, randomZ: true });

Deno.test("the polynomial model meets 0.05 um RMS and 0.25 um max on held-out points", () => {
  const mapping = ParfocalMapping.fit(
    CALIBRATION,
    options("POLYNOMIAL"),
    META,
  );

  const heldOut = mapping.evaluate(HELD_OUT);

  assert.ok(heldOut.rmsErrorUm <= 0.05, `RMS ${heldOut.rmsErrorUm}`);
  assert.ok(heldOut.maxErrorUm <= 0.25, `max ${heldOut.maxErrorUm}`);
});

Deno.test("the polynomial model meets the target on several independent draws", () => {
  for (const seed of [11, 21, 31, 41, 51]) {
    const mapping = ParfocalMapping.fit(
      drawPoints({ seed, count: 25 }),
      options("ADAPTIVE"),
      META,
    );

    const heldOut = mapping.evaluate(
      drawPoints({ seed: seed + 1, count: 40, randomZ: true }),
    );

    assert.ok(
      heldOut.rmsErrorUm <= 0.05,
      `seed ${seed}: ${heldOut.rmsErrorUm}`,
    );
    assert.ok(
      heldOut.maxErrorUm <= 0.25,
      `seed ${seed}: ${heldOut.maxErrorUm}`,
    );
  }
});

Deno.test("the polynomial model picks degree 3 for a cubic truth and says why", () => {
  const mapping = ParfocalMapping.fit(
    CALIBRATION,
    options("POLYNOMIAL"),
    META,
  );

  assert.equal(mapping.polynomialDegree, 3);
  assert.match(mapping.fitNotes.join(" "), /degree 3 chosen/);
});

Deno.test("the linear model is worse than the polynomial on a non-linear truth", () => {
  const linear = ParfocalMapping.fit(CALIBRATION, options("LINEAR"), META);
  const polynomial = ParfocalMapping.fit(
    CALIBRATION,
    options("POLYNOMIAL"),
    META,
  );

  const linearRms = linear.evaluate(HELD_OUT).rmsErrorUm;
  const polynomialRms = polynomial.evaluate(HELD_OUT).rmsErrorUm;

  assert.equal(linear.polynomialDegree, 1);
  assert.ok(linearRms > 2 * polynomialRms, `${linearRms} vs ${polynomialRms}`);
});

Deno.test("without temperature compensation the error grows with the temperature change", () => {
  const compensated = ParfocalMapping.fit(
    CALIBRATION,
    options("POLYNOMIAL"),
    META,
  );
  const uncompensated = ParfocalMapping.fit(
    CALIBRATION,
    options("POLYNOMIAL", { temperatureCompensation: false }),
    META,
  );
  const errorAt = (mapping: ParfocalMapping, deltaC: number) =>
    mapping.evaluate(
      [-6, -3, 0, 3, 6].map((zAUm) => ({
        zAUm,
        temperatureC: 22 + deltaC,
        zBUm: trueZBUm(zAUm, 22 + deltaC),
      })),
    ).rmsErrorUm;

  const growth = [0, 1, 3].map((deltaC) => errorAt(uncompensated, deltaC));

  assert.ok(growth[0] < growth[1] && growth[1] < growth[2], `${growth}`);
  assert.ok(growth[2] > 0.5, `${growth[2]}`);
  assert.ok(errorAt(compensated, 3) < 0.1, `${errorAt(compensated, 3)}`);
});

Deno.test("the fit drops thermal terms and says so when temperature barely varied", () => {
  const points = drawPoints({
    seed: 5,
    count: 25,
    temperatureRangeC: [22, 22.2],
  });

  const mapping = ParfocalMapping.fit(points, options("POLYNOMIAL"), META);

  assert.match(mapping.fitNotes.join(" "), /none fitted/);
  assert.equal(
    mapping.toCalibrationFile().model.thermal_coefficients.length,
    0,
  );
});

Deno.test("fit refuses too few points with the number needed", () => {
  assertThrowsWith(
    () =>
      ParfocalMapping.fit(
        drawPoints({ seed: 3, count: 5 }),
        options("POLYNOMIAL"),
        META,
      ),
    RangeError,
    "5 calibration points, at least 7 needed",
  );
});

Deno.test("fit refuses points bunched at one z", () => {
  const points = drawPoints({ seed: 3, count: 20, zRangeUm: [1, 1.4] });

  assertThrowsWith(
    () => ParfocalMapping.fit(points, options("LINEAR"), META),
    RangeError,
    "cover 0.40 um of lens-A z",
  );
});

Deno.test("fit refuses z and temperature that changed in step", () => {
  const points = drawPoints({ seed: 3, count: 20 }).map((point) => ({
    ...point,
    temperatureC: 22 + point.zAUm / 8,
  }));

  assertThrowsWith(
    () => ParfocalMapping.fit(points, options("LINEAR"), META),
    RangeError,
    "shuffled z order",
  );
});

Deno.test("fit refuses a value that is not finite and names the point", () => {
  const points = drawPoints({ seed: 3, count: 20 });
  points[4] = { ...points[4], zBUm: NaN };

  assertThrowsWith(
    () => ParfocalMapping.fit(points, options("LINEAR"), META),
    RangeError,
    "point 4",
  );
});

Deno.test("mappingOptionsFromConfig reads the parfocal and cache settings", () => {
  const config = defaultConfig(() => "unused");

  config.parfocal.model_type = "LINEAR";
  config.parfocal.learning_rate = 0.2;
  config.performance.cache_size = 7;

  assert.deepEqual(mappingOptionsFromConfig(config), {
    modelType: "LINEAR",
    temperatureCompensation: true,
    learningRate: 0.2,
    confidenceThreshold: 0.95,
    cacheSize: 7,
  });
});

Deno.test("fit warns and lowers off-path confidence when z and temperature moved together", () => {
  const noise = seededNormal(6);
  const points = drawPoints({ seed: 6, count: 28 }).map((point, i) => {
    // A sweep in z order while the room warms 3 C, read by a 0.02 C sensor.
    const temperatureC = 21 + 3 * i / 27 + 0.02 * noise();
    return {
      ...point,
      temperatureC,
      zBUm: trueZBUm(point.zAUm, temperatureC) + 0.03 * noise(),
    };
  });

  const mapping = ParfocalMapping.fit(points, options("POLYNOMIAL"), META);

  assert.match(
    mapping.fitNotes.join(" "),
    /changed together .*shuffled z order/,
  );
  const onPath = mapping.predict(-7, 21.2);
  const offPath = mapping.predict(-7, 23.8);
  assert.ok(offPath.uncertaintyUm > 5 * onPath.uncertaintyUm);
  assert.ok(offPath.confidence < 0.95);
});
