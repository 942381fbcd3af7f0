/**
 * Goodness of fit: the one-sample Kolmogorov–Smirnov statistic D with its asymptotic p-value, the
 * Anderson–Darling statistic A², and parametric-bootstrap p-values for both.
 *
 * Why a bootstrap: the textbook p-values assume the distribution was fixed before seeing the data. When its
 * parameters were fitted to the same sample the fit hugs the data, D and A² come out small and the p-values are
 * far too large (Lilliefors 1967 showed this for the normal). The parametric bootstrap repeats the whole procedure
 * on samples drawn from the fitted distribution (draw n, refit the family, recompute the statistic), so the
 * reference distribution includes the fitting step: p = (1 + #{T* ≥ T}) / (B + 1). Draws come from one seeded
 * stream, so the p-values are reproducible.
 */
import { makeSampler } from '../engine/distributions.js';
import { seededRng } from '../engine/random.js';
import { FAMILY, toSpec, type FamilyName, type FittedParams } from './families.js';
import { kolmogorovQ } from './special.js';

/** KS statistic D = sup |F_n − F| of sorted values against a CDF. */
export function ksStatistic(sorted: readonly number[], cdf: (x: number) => number): number {
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]);
    const a = (i + 1) / n - f;
    const b = f - i / n;
    if (a > d) d = a;
    if (b > d) d = b;
  }
  return d;
}

/** Asymptotic KS p-value with Stephens' correction; only valid for a distribution fixed in advance. */
export function ksPValue(d: number, n: number): number {
  const sn = Math.sqrt(n);
  return kolmogorovQ((sn + 0.12 + 0.11 / sn) * d);
}

/** Anderson–Darling A² of sorted values against a CDF (CDF values clamped away from 0 and 1). */
export function adStatistic(sorted: readonly number[], cdf: (x: number) => number): number {
  const n = sorted.length;
  const eps = 1e-300;
  const f = sorted.map((x) => Math.min(1 - 1e-16, Math.max(eps, cdf(x))));
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += (2 * i + 1) * (Math.log(f[i]) + Math.log1p(-f[n - 1 - i]));
  }
  return -n - s / n;
}

export interface GofResult {
  ks_d: number;
  /** Asymptotic p-value as if the parameters were known in advance: optimistic, kept for reference. */
  ks_p_asymptotic: number;
  /** Parametric-bootstrap p-value of D (parameters re-estimated in every replicate). */
  ks_p: number;
  ad_a2: number;
  /** Parametric-bootstrap p-value of A² (null without a bootstrap: A² has no parameter-free reference). */
  ad_p: number | null;
  /** Bootstrap replicates used. */
  bootstrap: number;
}

/** Statistics of one fitted family on `sorted`, with bootstrap p-values from B replicates drawn with `seed`. */
export function goodnessOfFit(sorted: readonly number[], params: FittedParams, bootstrap: number, seed: string): GofResult {
  const fam = FAMILY[params.family as FamilyName];
  const cdf = (x: number): number => fam.cdf(params, x);
  const d = ksStatistic(sorted, cdf);
  const a2 = adStatistic(sorted, cdf);
  const n = sorted.length;
  let geD = 0;
  let geA = 0;
  let done = 0;
  if (bootstrap > 0) {
    const sampler = makeSampler(toSpec(params), seededRng(`${seed}/${params.family}`));
    const xs = new Array<number>(n);
    for (let b = 0; b < bootstrap; b++) {
      for (let i = 0; i < n; i++) xs[i] = sampler.sample();
      xs.sort((p, q) => p - q);
      let p2: FittedParams;
      try {
        p2 = fam.fit(xs);
      } catch {
        continue; // a degenerate replicate (all equal) has no fit: skip it
      }
      const c2 = (x: number): number => fam.cdf(p2, x);
      if (ksStatistic(xs, c2) >= d) geD++;
      if (adStatistic(xs, c2) >= a2) geA++;
      done++;
    }
  }
  return {
    ks_d: d,
    ks_p_asymptotic: ksPValue(d, n),
    ks_p: done > 0 ? (1 + geD) / (done + 1) : ksPValue(d, n),
    ad_a2: a2,
    ad_p: done > 0 ? (1 + geA) / (done + 1) : null,
    bootstrap: done,
  };
}
