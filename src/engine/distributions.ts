/**
 * Distributions as data (scenario and model files) and their samplers.
 *
 * A sampler is bound to one random stream. Besides single draws it can draw the sum of n independent draws,
 * which the simulator uses to serve a run of n records at once: exact for deterministic, exponential, gamma
 * and Erlang; lognormal draw by draw up to 4 and a moment-matched lognormal beyond (Lognormal.sumOf); for
 * other families a loop up to SUM_LOOP_LIMIT draws and a normal (central-limit) approximation beyond,
 * truncated at zero. Per-record simulation (time resolution 0) only ever asks for n = 1.
 */
import type { Rng } from './random.js';

export type DistributionSpec =
  | { type: 'deterministic'; value: number }
  | { type: 'exponential'; mean: number }
  | { type: 'lognormal'; mu: number; sigma: number }
  | { type: 'lognormal'; median: number; sigma: number }
  | { type: 'lognormal'; mean: number; cv: number }
  | { type: 'gamma'; shape: number; scale: number }
  | { type: 'gamma'; shape: number; mean: number }
  | { type: 'erlang'; k: number; mean: number }
  | { type: 'weibull'; shape: number; scale: number }
  | { type: 'uniform'; min: number; max: number }
  | { type: 'normal'; mean: number; sd: number }
  | { type: 'empirical'; quantiles: [number, number][] };

/** A continuous distribution plus an optional constant shift (e.g. a fixed network delay + a random part). */
export type ShiftedSpec = DistributionSpec & { shift?: number };

/** Distributions of non-negative integer counts (operator selectivity: records out per record in). */
export type CountSpec =
  | { type: 'deterministic'; value: number }
  | { type: 'bernoulli'; p: number }
  | { type: 'poisson'; mean: number }
  | { type: 'binomial'; n: number; p: number }
  | { type: 'uniform-int'; min: number; max: number }
  | { type: 'empirical-pmf'; values: number[]; weights: number[] };

export interface Sampler {
  readonly mean: number;
  readonly variance: number;
  sample(): number;
  /** Sum of n independent draws (n ≥ 0, integer). */
  sumOf(n: number): number;
}

const SUM_LOOP_LIMIT = 32;

/** Standard normal draws by Box–Muller, caching the second value of each pair. */
export class NormalSource {
  private spare = NaN;
  constructor(private readonly rng: Rng) {}
  next(): number {
    if (this.spare === this.spare) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    let u = this.rng();
    while (u === 0) u = this.rng();
    const v = this.rng();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/** Gamma(shape, scale) by Marsaglia–Tsang, with the shape < 1 boost. */
function sampleGamma(shape: number, scale: number, rng: Rng, normal: NormalSource): number {
  if (shape < 1) {
    let u = rng();
    while (u === 0) u = rng();
    return sampleGamma(shape + 1, scale, rng, normal) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal.next();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
  }
}

abstract class BaseSampler implements Sampler {
  abstract readonly mean: number;
  abstract readonly variance: number;
  protected readonly normal: NormalSource;
  constructor(protected readonly rng: Rng) {
    this.normal = new NormalSource(rng);
  }
  abstract sample(): number;
  sumOf(n: number): number {
    if (n <= 0) return 0;
    if (n <= SUM_LOOP_LIMIT) {
      let s = 0;
      for (let i = 0; i < n; i++) s += this.sample();
      return s;
    }
    const s = n * this.mean + Math.sqrt(n * this.variance) * this.normal.next();
    return s > 0 ? s : 0;
  }
}

class Deterministic extends BaseSampler {
  readonly variance = 0;
  constructor(rng: Rng, readonly mean: number) {
    super(rng);
  }
  sample(): number {
    return this.mean;
  }
  override sumOf(n: number): number {
    return n * this.mean;
  }
}

class Exponential extends BaseSampler {
  readonly variance: number;
  constructor(rng: Rng, readonly mean: number) {
    super(rng);
    this.variance = mean * mean;
  }
  sample(): number {
    return -this.mean * Math.log(1 - this.rng());
  }
  override sumOf(n: number): number {
    if (n <= 0) return 0;
    if (n === 1) return this.sample();
    return sampleGamma(n, this.mean, this.rng, this.normal);
  }
}

class Gamma extends BaseSampler {
  readonly mean: number;
  readonly variance: number;
  constructor(rng: Rng, private readonly shape: number, private readonly scale: number) {
    super(rng);
    this.mean = shape * scale;
    this.variance = shape * scale * scale;
  }
  sample(): number {
    return sampleGamma(this.shape, this.scale, this.rng, this.normal);
  }
  override sumOf(n: number): number {
    return n <= 0 ? 0 : sampleGamma(n * this.shape, this.scale, this.rng, this.normal);
  }
}

class Lognormal extends BaseSampler {
  readonly mean: number;
  readonly variance: number;
  /** Squared coefficient of variation of one draw. */
  private readonly cv2: number;
  constructor(rng: Rng, private readonly mu: number, private readonly sigma: number) {
    super(rng);
    const s2 = sigma * sigma;
    this.mean = Math.exp(mu + s2 / 2);
    this.variance = (Math.exp(s2) - 1) * Math.exp(2 * mu + s2);
    this.cv2 = Math.exp(s2) - 1;
  }
  sample(): number {
    return Math.exp(this.mu + this.sigma * this.normal.next());
  }
  /**
   * Above LOGNORMAL_EXACT_SUM draws, the sum of n lognormals is drawn as one lognormal with the sum's exact
   * mean and variance (Fenton–Wilkinson): one draw instead of n, positive and right-skewed like the true sum
   * (skewness within about 10 % of it for cv ≤ 1), where the normal approximation would be symmetric.
   */
  override sumOf(n: number): number {
    if (n <= 0) return 0;
    if (n <= LOGNORMAL_EXACT_SUM) {
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.exp(this.mu + this.sigma * this.normal.next());
      return s;
    }
    const s2 = Math.log(1 + this.cv2 / n);
    return Math.exp(Math.log(n * this.mean) - s2 / 2 + Math.sqrt(s2) * this.normal.next());
  }
}

/** Largest n whose lognormal sum is drawn draw by draw (see Lognormal.sumOf). */
const LOGNORMAL_EXACT_SUM = 4;

class Weibull extends BaseSampler {
  readonly mean: number;
  readonly variance: number;
  constructor(rng: Rng, private readonly shape: number, private readonly scale: number) {
    super(rng);
    const g1 = gammaFn(1 + 1 / shape);
    const g2 = gammaFn(1 + 2 / shape);
    this.mean = scale * g1;
    this.variance = scale * scale * (g2 - g1 * g1);
  }
  sample(): number {
    return this.scale * Math.pow(-Math.log(1 - this.rng()), 1 / this.shape);
  }
}

class Uniform extends BaseSampler {
  readonly mean: number;
  readonly variance: number;
  constructor(rng: Rng, private readonly min: number, private readonly max: number) {
    super(rng);
    this.mean = (min + max) / 2;
    this.variance = ((max - min) * (max - min)) / 12;
  }
  sample(): number {
    return this.min + (this.max - this.min) * this.rng();
  }
}

/** Normal truncated at zero by resampling (durations cannot be negative). */
class TruncatedNormal extends BaseSampler {
  readonly mean: number;
  readonly variance: number;
  constructor(rng: Rng, private readonly mu: number, private readonly sd: number) {
    super(rng);
    this.mean = mu;
    this.variance = sd * sd;
  }
  sample(): number {
    for (let i = 0; i < 64; i++) {
      const x = this.mu + this.sd * this.normal.next();
      if (x >= 0) return x;
    }
    return 0;
  }
}

/** Inverse-CDF sampling through linearly interpolated quantiles [p, value], p from 0 to 1. */
class Empirical extends BaseSampler {
  readonly mean: number;
  readonly variance: number;
  private readonly ps: Float64Array;
  private readonly vs: Float64Array;
  constructor(rng: Rng, quantiles: [number, number][]) {
    super(rng);
    this.ps = Float64Array.from(quantiles, (q) => q[0]);
    this.vs = Float64Array.from(quantiles, (q) => q[1]);
    // Mean and variance of the piecewise-uniform distribution the interpolation defines.
    let m = 0;
    let m2 = 0;
    for (let i = 1; i < this.ps.length; i++) {
      const w = this.ps[i] - this.ps[i - 1];
      const a = this.vs[i - 1];
      const b = this.vs[i];
      m += (w * (a + b)) / 2;
      m2 += (w * (a * a + a * b + b * b)) / 3;
    }
    this.mean = m;
    this.variance = Math.max(0, m2 - m * m);
  }
  sample(): number {
    return quantileAt(this.ps, this.vs, this.rng());
  }
}

export function quantileAt(ps: ArrayLike<number>, vs: ArrayLike<number>, u: number): number {
  let lo = 0;
  let hi = ps.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ps[mid] <= u) lo = mid;
    else hi = mid;
  }
  const w = ps[hi] - ps[lo];
  return w > 0 ? vs[lo] + ((u - ps[lo]) / w) * (vs[hi] - vs[lo]) : vs[hi];
}

class Shifted implements Sampler {
  readonly mean: number;
  readonly variance: number;
  constructor(private readonly inner: Sampler, private readonly shift: number) {
    this.mean = inner.mean + shift;
    this.variance = inner.variance;
  }
  sample(): number {
    return this.shift + this.inner.sample();
  }
  sumOf(n: number): number {
    return n * this.shift + this.inner.sumOf(n);
  }
}

/** Lanczos approximation of the gamma function (for Weibull moments). */
export function gammaFn(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gammaFn(1 - x));
  x -= 1;
  let a = c[0];
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i] / (x + i);
  return Math.sqrt(2 * Math.PI) * Math.pow(t, x + 0.5) * Math.exp(-t) * a;
}

export function makeSampler(spec: ShiftedSpec, rng: Rng): Sampler {
  const base = makeBase(spec, rng);
  return spec.shift ? new Shifted(base, spec.shift) : base;
}

function makeBase(spec: DistributionSpec, rng: Rng): Sampler {
  switch (spec.type) {
    case 'deterministic':
      return new Deterministic(rng, spec.value);
    case 'exponential':
      return new Exponential(rng, spec.mean);
    case 'lognormal': {
      if ('mu' in spec) return new Lognormal(rng, spec.mu, spec.sigma);
      if ('median' in spec) return new Lognormal(rng, Math.log(spec.median), spec.sigma);
      const sigma2 = Math.log(1 + spec.cv * spec.cv);
      return new Lognormal(rng, Math.log(spec.mean) - sigma2 / 2, Math.sqrt(sigma2));
    }
    case 'gamma':
      return 'scale' in spec
        ? new Gamma(rng, spec.shape, spec.scale)
        : new Gamma(rng, spec.shape, spec.mean / spec.shape);
    case 'erlang':
      return new Gamma(rng, spec.k, spec.mean / spec.k);
    case 'weibull':
      return new Weibull(rng, spec.shape, spec.scale);
    case 'uniform':
      return new Uniform(rng, spec.min, spec.max);
    case 'normal':
      return new TruncatedNormal(rng, spec.mean, spec.sd);
    case 'empirical':
      return new Empirical(rng, spec.quantiles);
  }
}

/** Mean of a distribution spec without building a sampler (for capacity estimates and reports). */
export function specMean(spec: ShiftedSpec): number {
  return makeSampler(spec, () => 0.5).mean;
}

// ---------------------------------------------------------------------------------------------------------
// Count distributions

export interface CountSampler {
  readonly mean: number;
  readonly variance: number;
  sample(): number;
  sumOf(n: number): number;
}

/** Poisson draw: Knuth's method below a mean of 30, a rounded normal above (error well under a record). */
export function samplePoisson(mean: number, rng: Rng, normal: NormalSource): number {
  if (mean <= 0) return 0;
  if (mean < 30) {
    // Knuth: multiply uniforms until the product drops under e^-mean.
    const limit = Math.exp(-mean);
    let k = 0;
    let p = rng();
    while (p > limit) {
      k++;
      p *= rng();
    }
    return k;
  }
  const x = Math.round(mean + Math.sqrt(mean) * normal.next());
  return x > 0 ? x : 0;
}

function sampleBinomial(n: number, p: number, rng: Rng, normal: NormalSource): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (n <= 64) {
    let k = 0;
    for (let i = 0; i < n; i++) if (rng() < p) k++;
    return k;
  }
  const v = n * p * (1 - p);
  if (v < 9) {
    // Rare events: Poisson limit, capped at n.
    return Math.min(n, samplePoisson(n * p, rng, normal));
  }
  const x = Math.round(n * p + Math.sqrt(v) * normal.next());
  return x < 0 ? 0 : x > n ? n : x;
}

export { sampleBinomial };

class CountBase implements CountSampler {
  protected readonly normal: NormalSource;
  constructor(
    protected readonly rng: Rng,
    readonly mean: number,
    readonly variance: number,
    private readonly draw: (self: CountBase) => number,
    private readonly sum?: (self: CountBase, n: number) => number,
  ) {
    this.normal = new NormalSource(rng);
  }
  sample(): number {
    return this.draw(this);
  }
  sumOf(n: number): number {
    if (n <= 0) return 0;
    if (this.sum) return this.sum(this, n);
    if (n <= SUM_LOOP_LIMIT) {
      let s = 0;
      for (let i = 0; i < n; i++) s += this.draw(this);
      return s;
    }
    const x = Math.round(n * this.mean + Math.sqrt(n * this.variance) * this.normal.next());
    return x > 0 ? x : 0;
  }
  /** Expose the generator to the closures above. */
  get r(): Rng {
    return this.rng;
  }
  get z(): NormalSource {
    return this.normal;
  }
}

export function makeCountSampler(spec: CountSpec, rng: Rng): CountSampler {
  switch (spec.type) {
    case 'deterministic': {
      // A fractional value means that average: floor plus a Bernoulli draw of the fraction.
      const v = spec.value;
      const whole = Math.floor(v);
      const frac = v - whole;
      if (frac === 0) return new CountBase(rng, v, 0, () => whole, (_s, n) => n * whole);
      return new CountBase(
        rng,
        v,
        frac * (1 - frac),
        (s) => whole + (s.r() < frac ? 1 : 0),
        (s, n) => n * whole + sampleBinomial(n, frac, s.r, s.z),
      );
    }
    case 'bernoulli':
      return new CountBase(
        rng,
        spec.p,
        spec.p * (1 - spec.p),
        (s) => (s.r() < spec.p ? 1 : 0),
        (s, n) => sampleBinomial(n, spec.p, s.r, s.z),
      );
    case 'poisson':
      return new CountBase(
        rng,
        spec.mean,
        spec.mean,
        (s) => samplePoisson(spec.mean, s.r, s.z),
        (s, n) => samplePoisson(n * spec.mean, s.r, s.z),
      );
    case 'binomial':
      return new CountBase(
        rng,
        spec.n * spec.p,
        spec.n * spec.p * (1 - spec.p),
        (s) => sampleBinomial(spec.n, spec.p, s.r, s.z),
        (s, n) => sampleBinomial(n * spec.n, spec.p, s.r, s.z),
      );
    case 'uniform-int': {
      const width = spec.max - spec.min + 1;
      return new CountBase(
        rng,
        (spec.min + spec.max) / 2,
        (width * width - 1) / 12,
        (s) => spec.min + Math.floor(s.r() * width),
      );
    }
    case 'empirical-pmf': {
      const total = spec.weights.reduce((a, b) => a + b, 0);
      const cdf = new Float64Array(spec.weights.length);
      let acc = 0;
      let m = 0;
      let m2 = 0;
      spec.weights.forEach((w, i) => {
        acc += w / total;
        cdf[i] = acc;
        m += (w / total) * spec.values[i];
        m2 += (w / total) * spec.values[i] * spec.values[i];
      });
      const values = Float64Array.from(spec.values);
      return new CountBase(rng, m, m2 - m * m, (s) => {
        const u = s.r();
        let i = 0;
        while (i < cdf.length - 1 && cdf[i] <= u) i++;
        return values[i];
      });
    }
  }
}

/** Distribution schemas (JSON Schema) shared by the scenario and model-file schemas. */
export const distributionSchema = {
  $id: 'spillway:distribution',
  type: 'object',
  required: ['type'],
  properties: {
    type: {
      enum: ['deterministic', 'exponential', 'lognormal', 'gamma', 'erlang', 'weibull', 'uniform', 'normal', 'empirical'],
    },
    shift: { type: 'number', minimum: 0 },
  },
  allOf: [
    { if: { properties: { type: { const: 'deterministic' } } }, then: { required: ['value'], properties: { value: { type: 'number', minimum: 0 } } } },
    { if: { properties: { type: { const: 'exponential' } } }, then: { required: ['mean'], properties: { mean: { type: 'number', exclusiveMinimum: 0 } } } },
    {
      if: { properties: { type: { const: 'lognormal' } } },
      then: {
        oneOf: [
          { required: ['mu', 'sigma'], properties: { mu: { type: 'number' }, sigma: { type: 'number', minimum: 0 } } },
          { required: ['median', 'sigma'], properties: { median: { type: 'number', exclusiveMinimum: 0 }, sigma: { type: 'number', minimum: 0 } } },
          { required: ['mean', 'cv'], properties: { mean: { type: 'number', exclusiveMinimum: 0 }, cv: { type: 'number', minimum: 0 } } },
        ],
      },
    },
    {
      if: { properties: { type: { const: 'gamma' } } },
      then: {
        required: ['shape'],
        properties: { shape: { type: 'number', exclusiveMinimum: 0 }, scale: { type: 'number', exclusiveMinimum: 0 }, mean: { type: 'number', exclusiveMinimum: 0 } },
        oneOf: [{ required: ['scale'] }, { required: ['mean'] }],
      },
    },
    { if: { properties: { type: { const: 'erlang' } } }, then: { required: ['k', 'mean'], properties: { k: { type: 'integer', minimum: 1 }, mean: { type: 'number', exclusiveMinimum: 0 } } } },
    { if: { properties: { type: { const: 'weibull' } } }, then: { required: ['shape', 'scale'], properties: { shape: { type: 'number', exclusiveMinimum: 0 }, scale: { type: 'number', exclusiveMinimum: 0 } } } },
    { if: { properties: { type: { const: 'uniform' } } }, then: { required: ['min', 'max'], properties: { min: { type: 'number', minimum: 0 }, max: { type: 'number', minimum: 0 } } } },
    { if: { properties: { type: { const: 'normal' } } }, then: { required: ['mean', 'sd'], properties: { mean: { type: 'number' }, sd: { type: 'number', minimum: 0 } } } },
    {
      if: { properties: { type: { const: 'empirical' } } },
      then: {
        required: ['quantiles'],
        properties: {
          quantiles: {
            type: 'array',
            minItems: 2,
            items: { type: 'array', minItems: 2, maxItems: 2, items: [{ type: 'number', minimum: 0, maximum: 1 }, { type: 'number', minimum: 0 }] },
          },
        },
      },
    },
  ],
} as const;

export const countSchema = {
  $id: 'spillway:count',
  type: 'object',
  required: ['type'],
  properties: { type: { enum: ['deterministic', 'bernoulli', 'poisson', 'binomial', 'uniform-int', 'empirical-pmf'] } },
  allOf: [
    { if: { properties: { type: { const: 'deterministic' } } }, then: { required: ['value'], properties: { value: { type: 'number', minimum: 0 } } } },
    { if: { properties: { type: { const: 'bernoulli' } } }, then: { required: ['p'], properties: { p: { type: 'number', minimum: 0, maximum: 1 } } } },
    { if: { properties: { type: { const: 'poisson' } } }, then: { required: ['mean'], properties: { mean: { type: 'number', minimum: 0 } } } },
    { if: { properties: { type: { const: 'binomial' } } }, then: { required: ['n', 'p'], properties: { n: { type: 'integer', minimum: 0 }, p: { type: 'number', minimum: 0, maximum: 1 } } } },
    { if: { properties: { type: { const: 'uniform-int' } } }, then: { required: ['min', 'max'], properties: { min: { type: 'integer', minimum: 0 }, max: { type: 'integer', minimum: 0 } } } },
    {
      if: { properties: { type: { const: 'empirical-pmf' } } },
      then: {
        required: ['values', 'weights'],
        properties: { values: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 0 } }, weights: { type: 'array', minItems: 1, items: { type: 'number', minimum: 0 } } },
      },
    },
  ],
} as const;

/** Semantic checks a JSON schema cannot express; returns a problem description or undefined. */
/** The fields each kind of distribution or count takes (beyond `type`): any other is a typo, not a comment. */
const DIST_FIELDS: Record<string, readonly string[]> = {
  deterministic: ['value'],
  exponential: ['mean'],
  lognormal: ['mu', 'sigma', 'median', 'mean', 'cv'],
  gamma: ['shape', 'scale', 'mean'],
  erlang: ['k', 'mean'],
  weibull: ['shape', 'scale'],
  uniform: ['min', 'max'],
  normal: ['mean', 'sd'],
  empirical: ['quantiles'],
};
const COUNT_FIELDS: Record<string, readonly string[]> = {
  deterministic: ['value'],
  bernoulli: ['p'],
  poisson: ['mean'],
  binomial: ['n', 'p'],
  'uniform-int': ['min', 'max'],
  'empirical-pmf': ['values', 'weights'],
};

function unknownField(spec: object, type: string, allowed: readonly string[] | undefined, extra: readonly string[]): string | undefined {
  if (!allowed) return undefined;
  const extraKey = Object.keys(spec).find((k) => k !== 'type' && !extra.includes(k) && !allowed.includes(k));
  return extraKey === undefined ? undefined : `${extraKey} is not a field of a ${type} distribution (it takes ${[...allowed, ...extra].join(', ')})`;
}

export function checkDistribution(spec: DistributionSpec): string | undefined {
  const unknown = unknownField(spec, spec.type, DIST_FIELDS[spec.type], ['shift']);
  if (unknown) return unknown;
  if (spec.type === 'uniform' && spec.max < spec.min) return 'max must be >= min';
  if (spec.type === 'empirical') {
    const q = spec.quantiles;
    if (q[0][0] !== 0 || q[q.length - 1][0] !== 1) return 'quantiles must start at p=0 and end at p=1';
    for (let i = 1; i < q.length; i++) {
      if (q[i][0] <= q[i - 1][0]) return `quantiles[${i}]: p must increase`;
      if (q[i][1] < q[i - 1][1]) return `quantiles[${i}]: values must not decrease`;
    }
  }
  return undefined;
}

export function checkCount(spec: CountSpec): string | undefined {
  const unknown = unknownField(spec, spec.type, COUNT_FIELDS[spec.type], []);
  if (unknown) return unknown;
  if (spec.type === 'uniform-int' && spec.max < spec.min) return 'max must be >= min';
  if (spec.type === 'empirical-pmf') {
    if (spec.values.length !== spec.weights.length) return 'values and weights must have the same length';
    if (!spec.weights.some((w) => w > 0)) return 'at least one weight must be positive';
  }
  return undefined;
}
