/**
 * Fit every candidate family to one sample and choose one, keeping every statistic.
 *
 * The rule (docs/CALIBRATION.md):
 * 1. each family is fitted by maximum likelihood (families.ts) and tested on the sample with a parametric
 *    bootstrap (gof.ts); the decision test is Anderson–Darling by default (more weight in the tails than KS),
 *    KS optionally; a family passes when its bootstrap p-value ≥ α (0.05);
 * 2. if one family passes, it is chosen; if several pass, the test cannot tell them apart and the lowest AIC
 *    (2k − 2 ln L) decides;
 * 3. if none passes, the sample is described by its empirical quantiles (never a silent poor fit), and a warning
 *    names the best-fitting family and its p-value.
 * The goodness-of-fit statistics use at most `maxGofSamples` values (a seeded subsample) so that the bootstrap
 * stays cheap on large samples; the fit itself uses every value.
 */
import { seededRng } from '../engine/random.js';
import type { DistributionSpec } from '../engine/distributions.js';
import { FAMILIES, FAMILY, FitFailure, paramRecord, roundedSpec, sig, type FamilyName, type FittedParams } from './families.js';
import { goodnessOfFit, type GofResult } from './gof.js';

export interface FitOptions {
  /** Families to try (default all four). */
  families?: readonly FamilyName[];
  /** Significance level of the decision test (default 0.05). */
  alpha?: number;
  /** Bootstrap replicates per family (default 199; 0 = asymptotic KS p only, with the decision test KS). */
  bootstrap?: number;
  /** Decision test (default 'ad'). */
  test?: 'ad' | 'ks';
  /** Seed of the bootstrap and subsampling streams (default 'spillway-calibrate'). */
  seed?: string;
  /** Most values used by the goodness-of-fit tests (default 5000). */
  maxGofSamples?: number;
}

export interface CandidateFit {
  family: FamilyName;
  /** MLE parameters. */
  params: Record<string, number>;
  log_lik: number;
  aic: number;
  gof: GofResult;
  /** Decision-test p-value ≥ α. */
  passed: boolean;
}

export interface SampleSummary {
  n: number;
  min: number;
  p50: number;
  mean: number;
  sd: number;
  p99: number;
  max: number;
}

export interface DistributionFit {
  n: number;
  summary: SampleSummary;
  candidates: CandidateFit[];
  /** Families that could not be fitted, with why. */
  failed: { family: FamilyName; reason: string }[];
  chosen: FamilyName | 'empirical';
  /** The chosen distribution as data (parameters rounded to 6 significant digits). */
  spec: DistributionSpec;
  test: 'ad' | 'ks';
  alpha: number;
  /** One line: what was chosen and why. */
  reason: string;
  warnings: string[];
}

/** Type-7 (linear interpolation) quantile of sorted values. */
export function quantileSorted(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function summarize(sorted: readonly number[]): SampleSummary {
  const n = sorted.length;
  let s = 0;
  for (const x of sorted) s += x;
  const mean = s / n;
  let v = 0;
  for (const x of sorted) v += (x - mean) ** 2;
  return {
    n,
    min: sorted[0],
    p50: quantileSorted(sorted, 0.5),
    mean,
    sd: n > 1 ? Math.sqrt(v / (n - 1)) : 0,
    p99: quantileSorted(sorted, 0.99),
    max: sorted[n - 1],
  };
}

/** Empirical quantiles [p, value] from p = 0 to 1, finer in the tails as n allows. */
export function empiricalSpec(sorted: readonly number[]): DistributionSpec {
  const ps = new Set<number>([0, 1]);
  for (let i = 1; i < 20; i++) ps.add(i / 20);
  if (sorted.length >= 100) [0.01, 0.99].forEach((p) => ps.add(p));
  if (sorted.length >= 1000) [0.001, 0.999].forEach((p) => ps.add(p));
  const quantiles = [...ps].sort((a, b) => a - b).map((p) => [p, sig(quantileSorted(sorted, p))] as [number, number]);
  for (let i = 1; i < quantiles.length; i++) if (quantiles[i][1] < quantiles[i - 1][1]) quantiles[i][1] = quantiles[i - 1][1];
  return { type: 'empirical', quantiles };
}

function subsample(sorted: readonly number[], max: number, seed: string): number[] {
  if (sorted.length <= max) return [...sorted];
  const rng = seededRng(`${seed}/subsample`);
  const idx = Array.from(sorted, (_, i) => i);
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(rng() * (idx.length - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx
    .slice(0, max)
    .map((i) => sorted[i])
    .sort((a, b) => a - b);
}

function fmtP(p: number | null): string {
  return p === null ? 'n/a' : p < 0.001 ? '<0.001' : p.toFixed(3);
}

/**
 * Fit the candidate families to positive values and choose one (see the module comment). The caller checks the
 * sample count against its minimum first (with a message naming the file and the quantity).
 */
export function fitDistribution(values: readonly number[], opts: FitOptions = {}): DistributionFit {
  const alpha = opts.alpha ?? 0.05;
  const bootstrap = opts.bootstrap ?? 199;
  const test: 'ad' | 'ks' = bootstrap > 0 ? (opts.test ?? 'ad') : 'ks';
  const seed = opts.seed ?? 'spillway-calibrate';
  const sorted = [...values].sort((a, b) => a - b);
  const gofSample = subsample(sorted, opts.maxGofSamples ?? 5000, seed);
  const candidates: CandidateFit[] = [];
  const failed: { family: FamilyName; reason: string }[] = [];
  const warnings: string[] = [];
  if (gofSample.length < sorted.length) {
    warnings.push(`goodness of fit on a seeded subsample of ${gofSample.length} of ${sorted.length} values`);
  }
  for (const name of opts.families ?? FAMILIES) {
    const fam = FAMILY[name];
    let params: FittedParams;
    try {
      params = fam.fit(sorted);
    } catch (err) {
      if (!(err instanceof FitFailure)) throw err;
      failed.push({ family: name, reason: err.message });
      continue;
    }
    const ll = fam.logLik(params, sorted);
    const gof = goodnessOfFit(gofSample, params, bootstrap, seed);
    const p = test === 'ad' ? gof.ad_p : gof.ks_p;
    candidates.push({ family: name, params: paramRecord(params), log_lik: ll, aic: 2 * fam.k - 2 * ll, gof, passed: p !== null && p >= alpha });
  }
  const pOf = (c: CandidateFit): number => (test === 'ad' ? (c.gof.ad_p ?? 0) : c.gof.ks_p);
  const passing = candidates.filter((c) => c.passed).sort((a, b) => a.aic - b.aic);
  let chosen: FamilyName | 'empirical';
  let spec: DistributionSpec;
  let reason: string;
  const testName = test === 'ad' ? 'Anderson–Darling' : 'Kolmogorov–Smirnov';
  if (passing.length > 0) {
    const best = passing[0];
    chosen = best.family;
    const params = { family: best.family, ...best.params } as FittedParams;
    spec = roundedSpec(params);
    reason =
      passing.length === 1
        ? `${best.family}: the only family the ${testName} test does not reject at α=${alpha} (p=${fmtP(pOf(best))})`
        : `${best.family}: lowest AIC among the ${passing.length} families the ${testName} test does not reject at α=${alpha} (${passing
            .map((c) => `${c.family} p=${fmtP(pOf(c))} AIC=${c.aic.toFixed(1)}`)
            .join(', ')})`;
  } else {
    chosen = 'empirical';
    spec = empiricalSpec(sorted);
    const best = [...candidates].sort((a, b) => pOf(b) - pOf(a))[0];
    reason = best
      ? `empirical quantiles: the ${testName} test rejects every family at α=${alpha} (best ${best.family}, p=${fmtP(pOf(best))})`
      : 'empirical quantiles: no family could be fitted';
    warnings.push(`no parametric family fits (${reason}); using empirical quantiles`);
  }
  return { n: sorted.length, summary: summarize(sorted), candidates, failed, chosen, spec, test, alpha, reason, warnings };
}

/** The fit as one line for provenance `method` fields. */
export function fitMethodLine(f: DistributionFit): string {
  const c = f.candidates.find((x) => x.family === f.chosen);
  const stats = c
    ? `MLE ${f.chosen}; n=${f.n}; KS D=${c.gof.ks_d.toFixed(4)} p=${fmtP(c.gof.ks_p)}; AD A2=${c.gof.ad_a2.toFixed(3)} p=${fmtP(c.gof.ad_p)} (parametric bootstrap, B=${c.gof.bootstrap}); AIC=${c.aic.toFixed(1)}`
    : `empirical quantiles; n=${f.n}`;
  const others = f.candidates
    .filter((x) => x.family !== f.chosen)
    .map((x) => `${x.family} p=${fmtP(f.test === 'ad' ? x.gof.ad_p : x.gof.ks_p)} AIC=${x.aic.toFixed(1)}`)
    .join(', ');
  return `${stats}; chosen by ${f.test === 'ad' ? 'Anderson-Darling' : 'KS'} at alpha=${f.alpha}, AIC tie-break${others ? `; others: ${others}` : ''}`;
}
