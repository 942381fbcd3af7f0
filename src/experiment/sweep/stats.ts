/**
 * Mean and 95% confidence interval over seeds. simple-statistics gives the mean, the sample standard deviation
 * and ln Γ; it has no Student t quantile, so that is computed here from the regularised incomplete beta
 * function (continued fraction, as in Numerical Recipes §6.4) and inverted by bisection.
 */
import { gammaln, mean, sampleStandardDeviation } from 'simple-statistics';
import type { MetricStat } from './types.js';

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betacf(a: number, b: number, x: number): number {
  const maxIter = 300;
  const eps = 1e-15;
  const fpmin = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < fpmin) d = fpmin;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= maxIter; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < fpmin) d = fpmin;
    c = 1 + aa / c;
    if (Math.abs(c) < fpmin) c = fpmin;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < fpmin) d = fpmin;
    c = 1 + aa / c;
    if (Math.abs(c) < fpmin) c = fpmin;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < eps) break;
  }
  return h;
}

/** Regularised incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = gammaln(a + b) - gammaln(a) - gammaln(b) + a * Math.log(x) + b * Math.log(1 - x);
  const front = Math.exp(lnFront);
  if (x < (a + 1) / (a + b + 2)) return (front * betacf(a, b, x)) / a;
  return 1 - (front * betacf(b, a, 1 - x)) / b;
}

/** Student t cumulative distribution function with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

const quantileCache = new Map<string, number>();

/** Student t quantile: the t with P(T ≤ t) = p, for 0 < p < 1 and df ≥ 1. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile: df must be > 0, got ${df}`);
  const key = `${p}:${df}`;
  const cached = quantileCache.get(key);
  if (cached !== undefined) return cached;
  let result: number;
  if (p === 0.5) result = 0;
  else if (p < 0.5) result = -studentTQuantile(1 - p, df);
  else if (df === 1) result = Math.tan(Math.PI * (p - 0.5));
  else if (df === 2) result = (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  else {
    let lo = 0;
    let hi = 1;
    while (studentTCdf(hi, df) < p) hi *= 2;
    for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
      const mid = (lo + hi) / 2;
      if (studentTCdf(mid, df) < p) lo = mid;
      else hi = mid;
    }
    result = (lo + hi) / 2;
  }
  quantileCache.set(key, result);
  return result;
}

/**
 * Mean and half-width of the 95% confidence interval of the mean: t(0.975, n−1) · s / √n.
 * Values must already be in a canonical order (the sum is order-sensitive in the last bit).
 * No values → both null; one value → ci95 null.
 */
export function meanCi95(values: readonly number[]): MetricStat {
  if (values.length === 0) return { mean: null, ci95: null };
  const m = mean(values as number[]);
  if (values.length === 1) return { mean: m, ci95: null };
  const s = sampleStandardDeviation(values as number[]);
  const n = values.length;
  return { mean: m, ci95: (studentTQuantile(0.975, n - 1) * s) / Math.sqrt(n) };
}
