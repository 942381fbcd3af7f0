/**
 * Candidate distribution families for durations (positive values), each fitted by maximum likelihood:
 *
 * | family | MLE | closed form? |
 * |---|---|---|
 * | exponential | mean = x̄ | yes |
 * | lognormal | μ = mean(ln x), σ² = mean((ln x − μ)²) (the MLE divides by n) | yes |
 * | gamma | shape k solves ln k − ψ(k) = ln x̄ − mean(ln x) (Newton, started at Minka's approximation); scale = x̄/k | no: 1-D Newton |
 * | weibull | shape k solves Σxᵏ ln x / Σxᵏ − 1/k − mean(ln x) = 0 (Newton on values scaled by their geometric mean); scale = (mean xᵏ)^(1/k) | no: 1-D Newton |
 *
 * No family needs the method of moments: each MLE is closed form or a one-dimensional root that Newton's method
 * finds in a few steps; moments only give the starting points. The `empirical` quantile fallback is in select.ts.
 */
import type { DistributionSpec } from '../engine/distributions.js';
import { digamma, gammaP, lnGamma, normalCdf, trigamma } from './special.js';

export type FamilyName = 'lognormal' | 'gamma' | 'weibull' | 'exponential';
export const FAMILIES: readonly FamilyName[] = ['lognormal', 'gamma', 'weibull', 'exponential'];

export type FittedParams =
  | { family: 'lognormal'; mu: number; sigma: number }
  | { family: 'gamma'; shape: number; scale: number }
  | { family: 'weibull'; shape: number; scale: number }
  | { family: 'exponential'; mean: number };

export interface Family {
  readonly name: FamilyName;
  /** Free parameters (for AIC). */
  readonly k: number;
  fit(xs: readonly number[]): FittedParams;
  cdf(p: FittedParams, x: number): number;
  logLik(p: FittedParams, xs: readonly number[]): number;
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

function meanLog(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += Math.log(x);
  return s / xs.length;
}

/** Thrown when a fit has no finite solution (e.g. all samples equal); select.ts turns it into "family not fitted". */
export class FitFailure extends Error {}

function requireSpread(xs: readonly number[]): void {
  for (const x of xs) if (!(x > 0) || !Number.isFinite(x)) throw new FitFailure('values must be positive and finite');
  const first = xs[0];
  if (xs.every((x) => x === first)) throw new FitFailure('all values are equal');
}

export const exponential: Family = {
  name: 'exponential',
  k: 1,
  fit(xs) {
    requireSpread(xs);
    return { family: 'exponential', mean: mean(xs) };
  },
  cdf(p, x) {
    if (p.family !== 'exponential') throw new Error('family mismatch');
    return x <= 0 ? 0 : -Math.expm1(-x / p.mean);
  },
  logLik(p, xs) {
    if (p.family !== 'exponential') throw new Error('family mismatch');
    let s = 0;
    for (const x of xs) s += x;
    return -xs.length * Math.log(p.mean) - s / p.mean;
  },
};

export const lognormal: Family = {
  name: 'lognormal',
  k: 2,
  fit(xs) {
    requireSpread(xs);
    const mu = meanLog(xs);
    let ss = 0;
    for (const x of xs) ss += (Math.log(x) - mu) ** 2;
    return { family: 'lognormal', mu, sigma: Math.sqrt(ss / xs.length) };
  },
  cdf(p, x) {
    if (p.family !== 'lognormal') throw new Error('family mismatch');
    return x <= 0 ? 0 : normalCdf((Math.log(x) - p.mu) / p.sigma);
  },
  logLik(p, xs) {
    if (p.family !== 'lognormal') throw new Error('family mismatch');
    let s = 0;
    for (const x of xs) {
      const z = (Math.log(x) - p.mu) / p.sigma;
      s += -Math.log(x) - Math.log(p.sigma) - 0.5 * Math.log(2 * Math.PI) - 0.5 * z * z;
    }
    return s;
  },
};

export const gamma: Family = {
  name: 'gamma',
  k: 2,
  fit(xs) {
    requireSpread(xs);
    const m = mean(xs);
    const s = Math.log(m) - meanLog(xs); // > 0 by Jensen unless all equal
    if (!(s > 0)) throw new FitFailure('no spread in log scale');
    // Minka (2002) starting point, then Newton on f(k) = ln k − ψ(k) − s.
    let k = (3 - s + Math.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s);
    for (let i = 0; i < 100; i++) {
      const f = Math.log(k) - digamma(k) - s;
      const df = 1 / k - trigamma(k);
      let next = k - f / df;
      if (!(next > 0)) next = k / 2;
      if (Math.abs(next - k) < 1e-12 * k) {
        k = next;
        break;
      }
      k = next;
    }
    if (!Number.isFinite(k) || k <= 0) throw new FitFailure('gamma shape did not converge');
    return { family: 'gamma', shape: k, scale: m / k };
  },
  cdf(p, x) {
    if (p.family !== 'gamma') throw new Error('family mismatch');
    return x <= 0 ? 0 : gammaP(p.shape, x / p.scale);
  },
  logLik(p, xs) {
    if (p.family !== 'gamma') throw new Error('family mismatch');
    const c = -lnGamma(p.shape) - p.shape * Math.log(p.scale);
    let s = 0;
    for (const x of xs) s += c + (p.shape - 1) * Math.log(x) - x / p.scale;
    return s;
  },
};

export const weibull: Family = {
  name: 'weibull',
  k: 2,
  fit(xs) {
    requireSpread(xs);
    // Scale by the geometric mean so that x^k neither overflows nor underflows; shape is scale-free.
    const g = Math.exp(meanLog(xs));
    const ys = xs.map((x) => x / g);
    const ls = ys.map((y) => Math.log(y));
    const ml = 0; // mean(ln y) = 0 after scaling by the geometric mean
    // Start from the moment estimate of the log-scale spread: sd(ln x) = π / (k √6).
    let v = 0;
    for (const l of ls) v += l * l;
    let k = Math.PI / Math.sqrt(6 * (v / ls.length));
    for (let i = 0; i < 200; i++) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      for (let j = 0; j < ys.length; j++) {
        const yk = Math.pow(ys[j], k);
        s0 += yk;
        s1 += yk * ls[j];
        s2 += yk * ls[j] * ls[j];
      }
      const f = s1 / s0 - 1 / k - ml;
      const df = (s2 * s0 - s1 * s1) / (s0 * s0) + 1 / (k * k);
      let next = k - f / df;
      if (!(next > 0)) next = k / 2;
      if (Math.abs(next - k) < 1e-12 * k) {
        k = next;
        break;
      }
      k = next;
    }
    if (!Number.isFinite(k) || k <= 0) throw new FitFailure('weibull shape did not converge');
    let s0 = 0;
    for (const y of ys) s0 += Math.pow(y, k);
    const scale = g * Math.pow(s0 / ys.length, 1 / k);
    return { family: 'weibull', shape: k, scale };
  },
  cdf(p, x) {
    if (p.family !== 'weibull') throw new Error('family mismatch');
    return x <= 0 ? 0 : -Math.expm1(-Math.pow(x / p.scale, p.shape));
  },
  logLik(p, xs) {
    if (p.family !== 'weibull') throw new Error('family mismatch');
    let s = 0;
    for (const x of xs) {
      const z = x / p.scale;
      s += Math.log(p.shape / p.scale) + (p.shape - 1) * Math.log(z) - Math.pow(z, p.shape);
    }
    return s;
  },
};

export const FAMILY: Record<FamilyName, Family> = { lognormal, gamma, weibull, exponential };

/** The project's distribution-as-data spec for fitted parameters (src/engine/distributions.ts). */
export function toSpec(p: FittedParams): DistributionSpec {
  switch (p.family) {
    case 'lognormal':
      return { type: 'lognormal', mu: p.mu, sigma: p.sigma };
    case 'gamma':
      return { type: 'gamma', shape: p.shape, scale: p.scale };
    case 'weibull':
      return { type: 'weibull', shape: p.shape, scale: p.scale };
    case 'exponential':
      return { type: 'exponential', mean: p.mean };
  }
}

/** Round to `digits` significant digits (model files should not carry 17-digit noise). */
export function sig(x: number, digits = 6): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(digits));
}

/** toSpec with parameters rounded to 6 significant digits. */
export function roundedSpec(p: FittedParams): DistributionSpec {
  const s = toSpec(p) as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) out[k] = typeof v === 'number' ? sig(v) : v;
  return out as unknown as DistributionSpec;
}

/** Parameters as a plain record (for reports). */
export function paramRecord(p: FittedParams): Record<string, number> {
  const { family: _f, ...rest } = p;
  return rest as Record<string, number>;
}
