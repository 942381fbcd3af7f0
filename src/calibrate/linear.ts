/**
 * Ordinary least squares y = a + b·x with R² and the standard errors of a and b (for the execution time of a
 * batch against its record count). simple-statistics does the fit; the errors are the textbook ones,
 * s² = SSE/(n − 2), SE(b) = s/√Sxx, SE(a) = s·√(1/n + x̄²/Sxx).
 */
import { linearRegression, rSquared } from 'simple-statistics';

export interface LinearFit {
  n: number;
  /** Intercept. */
  a: number;
  /** Slope. */
  b: number;
  se_a: number;
  se_b: number;
  r2: number;
  /** Residual standard deviation. */
  residual_sd: number;
  /** Distinct x values. */
  distinct_x: number;
}

/** Needs at least 3 points and 2 distinct x values (the caller turns a shortfall into a UserError). */
export function fitLinear(xs: readonly number[], ys: readonly number[]): LinearFit {
  const n = xs.length;
  if (n !== ys.length) throw new Error('fitLinear: xs and ys differ in length');
  const pts = xs.map((x, i) => [x, ys[i]]);
  const { m: b, b: a } = linearRegression(pts);
  const r2 = rSquared(pts, (x) => a + b * x);
  let mx = 0;
  for (const x of xs) mx += x;
  mx /= n;
  let sxx = 0;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sse += (ys[i] - a - b * xs[i]) ** 2;
  }
  const s2 = n > 2 ? sse / (n - 2) : NaN;
  return {
    n,
    a,
    b,
    se_a: Math.sqrt(s2 * (1 / n + (mx * mx) / sxx)),
    se_b: Math.sqrt(s2 / sxx),
    r2: Number.isFinite(r2) ? r2 : 1,
    residual_sd: Math.sqrt(s2),
    distinct_x: new Set(xs).size,
  };
}
