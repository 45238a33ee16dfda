import { assertNear, assertThrowsWith } from "./_assert_near.ts";
import {
  quadraticForm,
  solveLeastSquares,
} from "../../mapping/least_squares.ts";

Deno.test("solveLeastSquares recovers a cubic exactly from noise-free rows", () => {
  const truth = [0.5, -1.25, 0.04, 0.003];
  const zValues = [-8, -5, -2, 0, 1, 3, 6, 8];
  const rows = zValues.map((z) => [1, z, z * z, z ** 3]);
  const targets = rows.map((row) =>
    row.reduce((sum, value, j) => sum + value * truth[j], 0)
  );

  const fit = solveLeastSquares(rows, targets);

  fit.coefficients.forEach((value, j) => assertNear(value, truth[j], 1e-12));
  fit.residuals.forEach((residual) => assertNear(residual, 0, 1e-12));
});

Deno.test("solveLeastSquares gives the textbook line through four points", () => {
  // Least-squares line through (0,1), (1,3), (2,4), (3,4): y = 1.5 + x.
  const fit = solveLeastSquares(
    [[1, 0], [1, 1], [1, 2], [1, 3]],
    [1, 3, 4, 4],
  );

  assertNear(fit.coefficients[0], 1.5, 1e-12);
  assertNear(fit.coefficients[1], 1, 1e-12);
  [-0.5, 0.5, 0.5, -0.5].forEach((expected, i) =>
    assertNear(fit.residuals[i], expected, 1e-12)
  );
});

Deno.test("solveLeastSquares returns the inverse of the normal matrix", () => {
  const rows = [[1, 2, 0.5], [1, -1, 3], [1, 0, -2], [1, 4, 1], [1, 3, 3]];
  const fit = solveLeastSquares(rows, [1, 2, 3, 4, 5]);

  const normal = [0, 1, 2].map((i) =>
    [0, 1, 2].map((j) => rows.reduce((sum, row) => sum + row[i] * row[j], 0))
  );
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const product = [0, 1, 2].reduce(
        (sum, k) => sum + normal[i][k] * fit.inverseNormal[k][j],
        0,
      );
      assertNear(product, i === j ? 1 : 0, 1e-12);
    }
  }
});

Deno.test("solveLeastSquares stays exact when columns differ by nine orders of magnitude", () => {
  const zValues = [100, 200, 300, 400, 500, 600];
  const rows = zValues.map((z) => [1, z, z ** 3]);
  const targets = zValues.map((z) => 2 + 1e-3 * z + 1e-9 * z ** 3);

  const fit = solveLeastSquares(rows, targets);

  assertNear(fit.coefficients[0], 2, 1e-9);
  assertNear(fit.coefficients[1], 1e-3, 1e-12);
  assertNear(fit.coefficients[2], 1e-9, 1e-18);
});

Deno.test("solveLeastSquares refuses linearly dependent columns", () => {
  assertThrowsWith(
    () => solveLeastSquares([[1, 2], [2, 4], [3, 6]], [1, 2, 3]),
    RangeError,
    "column 1 depends on the others",
  );
});

Deno.test("solveLeastSquares refuses fewer rows than columns and mismatched shapes", () => {
  assertThrowsWith(
    () => solveLeastSquares([[1, 2, 3]], [1]),
    RangeError,
    "1 rows for 3 unknowns",
  );
  assertThrowsWith(
    () => solveLeastSquares([[1, 2], [3, 4]], [1]),
    RangeError,
    "2 rows but 1 targets",
  );
  assertThrowsWith(
    () => solveLeastSquares([[1, NaN], [3, 4], [5, 6]], [1, 2, 3]),
    RangeError,
    "not finite",
  );
});

Deno.test("quadraticForm computes x^T M x", () => {
  assertNear(quadraticForm([[2, 1], [1, 3]], [1, 2]), 2 + 4 + 12, 1e-12);
});
