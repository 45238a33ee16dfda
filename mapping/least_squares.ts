/**
 * Small dense linear least squares: Householder QR on a column-scaled
 * design matrix. Sized for calibration fits (tens of rows, a handful of
 * columns), not for large problems.
 *
 * Limits: no pivoting, so a rank-deficient design is refused rather than
 * solved in the minimum-norm sense.
 *
 * @module
 */

/** The solution of a least-squares problem and what uncertainty needs. */
export interface LeastSquaresFit {
  /** Coefficients x minimising |A x - b|, one per column. */
  coefficients: number[];
  /** b - A x, one per row. */
  residuals: number[];
  /** (A^T A)^-1, for leverage and coefficient covariance. */
  inverseNormal: number[][];
}

/** A column whose scaled pivot falls below this is treated as dependent. */
const RANK_TOLERANCE = 1e-10;

/**
 * Solves min |A x - b| for a full-column-rank A.
 *
 * Each column is scaled to unit length first, so columns of very
 * different magnitude (z^3 next to a constant) do not lose precision.
 *
 * @param rows A, one array per row, all of the same length
 * @param targets b, one value per row
 * @returns coefficients, residuals and (A^T A)^-1
 * @throws {RangeError} when the shapes disagree, there are fewer rows than
 *   columns, a value is not finite, or the columns are linearly dependent
 */
export function solveLeastSquares(
  rows: number[][],
  targets: number[],
): LeastSquaresFit {
  const m = rows.length;
  const n = m > 0 ? rows[0].length : 0;
  checkShape(rows, targets, n);

  const scales = columnScales(rows, n);
  const a = rows.map((row) => row.map((value, j) => value / scales[j]));
  const qtb = [...targets];
  const diagonal = householderInPlace(a, qtb, n);

  const largest = Math.max(...diagonal.map(Math.abs));
  diagonal.forEach((value, j) => {
    if (Math.abs(value) <= RANK_TOLERANCE * largest) {
      throw new RangeError(
        `Cannot solve least squares: column ${j} depends on the others; remove it or add rows that vary it independently`,
      );
    }
  });

  const r = upperTriangle(a, diagonal, n);
  const scaled = backSubstitute(r, qtb.slice(0, n));
  const coefficients = scaled.map((value, j) => value / scales[j]);
  const residuals = rows.map((row, i) =>
    targets[i] - row.reduce((sum, value, j) => sum + value * coefficients[j], 0)
  );
  return {
    coefficients,
    residuals,
    inverseNormal: inverseNormalMatrix(r, scales),
  };
}

/**
 * The quadratic form x^T M x, e.g. a row's leverage with (A^T A)^-1.
 *
 * @param matrix a square matrix M
 * @param vector x, as long as M is wide
 * @returns x^T M x
 */
export function quadraticForm(matrix: number[][], vector: number[]): number {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) {
    for (let j = 0; j < vector.length; j++) {
      sum += vector[i] * matrix[i][j] * vector[j];
    }
  }
  return sum;
}

function checkShape(rows: number[][], targets: number[], n: number): void {
  if (rows.length !== targets.length) {
    throw new RangeError(
      `Cannot solve least squares: ${rows.length} rows but ${targets.length} targets; give one target per row`,
    );
  }
  if (n === 0 || rows.length < n) {
    throw new RangeError(
      `Cannot solve least squares: ${rows.length} rows for ${n} unknowns; give at least as many rows as columns`,
    );
  }
  rows.forEach((row, i) => {
    if (row.length !== n) {
      throw new RangeError(
        `Cannot solve least squares: row ${i} has ${row.length} values, row 0 has ${n}`,
      );
    }
    if (!row.every(Number.isFinite) || !Number.isFinite(targets[i])) {
      throw new RangeError(
        `Cannot solve least squares: row ${i} holds a value that is not finite`,
      );
    }
  });
}

function columnScales(rows: number[][], n: number): number[] {
  const scales: number[] = [];
  for (let j = 0; j < n; j++) {
    const norm = Math.hypot(...rows.map((row) => row[j]));
    // An all-zero column stays zero and is reported as dependent later.
    scales.push(norm > 0 ? norm : 1);
  }
  return scales;
}

/**
 * Reduces `a` to R (above the diagonal, in place) while applying the same
 * reflections to `b`; returns R's diagonal.
 */
function householderInPlace(a: number[][], b: number[], n: number): number[] {
  const m = a.length;
  const diagonal: number[] = [];
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm = Math.hypot(norm, a[i][k]);
    if (norm === 0) {
      diagonal.push(0);
      continue;
    }
    // Choose the sign that avoids cancellation in v = x + sign(x0)|x| e0.
    const alpha = a[k][k] > 0 ? -norm : norm;
    const v = new Array<number>(m).fill(0);
    for (let i = k; i < m; i++) v[i] = a[i][k];
    v[k] -= alpha;
    const vv = v.reduce((sum, value) => sum + value * value, 0);

    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i] * a[i][j];
      for (let i = k; i < m; i++) a[i][j] -= (2 * dot / vv) * v[i];
    }
    let dot = 0;
    for (let i = k; i < m; i++) dot += v[i] * b[i];
    for (let i = k; i < m; i++) b[i] -= (2 * dot / vv) * v[i];
    diagonal.push(alpha);
  }
  return diagonal;
}

function upperTriangle(
  a: number[][],
  diagonal: number[],
  n: number,
): number[][] {
  const r: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n).fill(0);
    row[i] = diagonal[i];
    for (let j = i + 1; j < n; j++) row[j] = a[i][j];
    r.push(row);
  }
  return r;
}

function backSubstitute(r: number[][], y: number[]): number[] {
  const n = y.length;
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i];
    for (let j = i + 1; j < n; j++) sum -= r[i][j] * x[j];
    x[i] = sum / r[i][i];
  }
  return x;
}

/** (A^T A)^-1 = D^-1 R^-1 R^-T D^-1 for A = Q R D (D the column scales). */
function inverseNormalMatrix(r: number[][], scales: number[]): number[][] {
  const n = scales.length;
  const rInverse: number[][] = [];
  for (let j = 0; j < n; j++) {
    const unit = new Array<number>(n).fill(0);
    unit[j] = 1;
    rInverse.push(backSubstitute(r, unit));
  }
  // rInverse[j] holds column j of R^-1.
  const result: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += rInverse[k][i] * rInverse[k][j];
      row.push(sum / (scales[i] * scales[j]));
    }
    result.push(row);
  }
  return result;
}
