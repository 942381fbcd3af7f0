/**
 * Seeded generators of rate traces, one per kind, each with named parameters and defaults (docs/WORKLOADS.md).
 *
 * Every kind returns a RateTrace on a regular grid of `step_s` (see ./grid.ts): row i holds the exact average
 * of the kind's rate shape over step i. Randomness (noise, MMPP state changes, spike jitter) comes from one
 * seeded stream, so the same kind, parameters and seed give the same trace.
 */
import type { RateTrace } from './types.js';
import type { Rng } from '../engine/random.js';
import { seededRng } from '../engine/random.js';
import { UserError } from '../util/errors.js';
import { PiecewiseLinear, gridTrace } from './grid.js';
import { fromNab } from './nab.js';

export type ParamValue = number | number[] | string;
export type ParamValues = Record<string, ParamValue>;

export interface ParamSpec {
  name: string;
  type: 'number' | 'numbers' | 'string';
  default?: ParamValue;
  describe: string;
}

export interface GeneratorKind {
  kind: string;
  describe: string;
  params: ParamSpec[];
  /** Seeded kinds draw from `rng`; the others ignore it. */
  generate(p: ParamValues, rng: Rng): RateTrace;
}

const num = (name: string, def: number | undefined, describe: string): ParamSpec => ({ name, type: 'number', default: def, describe });
const nums = (name: string, def: number[], describe: string): ParamSpec => ({ name, type: 'numbers', default: def, describe });
const str = (name: string, def: string | undefined, describe: string): ParamSpec => ({ name, type: 'string', default: def, describe });

const DURATION = (def: number) => num('duration_s', def, 'length of the trace, s');
const STEP = (def: number) => num('step_s', def, 'length of one row (step), s');

function describeParams(kind: string, p: ParamValues): string {
  const parts = Object.keys(p)
    .sort()
    .map((k) => `${k}=${Array.isArray(p[k]) ? (p[k] as number[]).join(',') : String(p[k])}`);
  return `generated:${kind} ${parts.join(' ')}`;
}

const n = (p: ParamValues, k: string): number => p[k] as number;

/** A flash crowd: base → linear rise → hold at peak → linear decay → base. */
function spikeKnots(base: number, peak: number, start: number, rise: number, hold: number, decay: number): [number[], number[]] {
  return [
    [start, start + rise, start + rise + hold, start + rise + hold + decay],
    [base, peak, peak, base],
  ];
}

function checkNonNegative(kind: string, p: ParamValues, names: string[]): void {
  for (const k of names) {
    const v = p[k];
    const vs = Array.isArray(v) ? v : [v as number];
    for (const x of vs) if (!(x >= 0)) throw new UserError(`trace gen ${kind}: ${k} must be ≥ 0, got ${String(v)}`);
  }
}

/** Java's (1_000_000 + rate/2) / rate on longs: Nexmark's inter-event period, µs, for an integer rate. */
export function nexmarkPeriodUs(rate: number): number {
  const r = Math.trunc(rate);
  if (r <= 0) throw new UserError(`trace gen nexmark: event rate must be ≥ 1, got ${rate}`);
  return Math.trunc((1_000_000 + Math.trunc(r / 2)) / r);
}

/** Nexmark's rate steps over one period (NexmarkUtils.RateShape.interEventDelayUs), as records/s. */
export function nexmarkSteps(first: number, next: number, shape: 'square' | 'sine'): number[] {
  const rateOf = (r: number) => 1_000_000 / nexmarkPeriodUs(r);
  if (first === next) return [rateOf(first)];
  if (shape === 'square') return [rateOf(first), rateOf(next)];
  const N = 10;
  const mid = (first + next) / 2;
  const amp = (first - next) / 2;
  const out: number[] = [];
  for (let i = 0; i < N; i++) out.push(rateOf(Math.floor(mid + amp * Math.cos((2 * Math.PI * i) / N) + 0.5)));
  return out;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Draw Exp(mean). */
function expDraw(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng());
}

/** Standard normal by Box–Muller (one value per call; generators draw few). */
function normalDraw(rng: Rng): number {
  let u = rng();
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export const GENERATORS: GeneratorKind[] = [
  {
    kind: 'steady',
    describe: 'constant rate',
    params: [num('rate', 5000, 'records/s'), DURATION(600), STEP(10)],
    generate(p) {
      checkNonNegative('steady', p, ['rate']);
      return gridTrace(describeParams('steady', p), n(p, 'duration_s'), n(p, 'step_s'), () => n(p, 'rate'));
    },
  },
  {
    kind: 'step',
    describe: 'base rate, then a step to another level at at_s (and back at back_s if given)',
    params: [
      num('base', 2000, 'records/s before the step'),
      num('level', 8000, 'records/s after the step'),
      num('at_s', 300, 'time of the step, s'),
      num('back_s', undefined, 'time the rate returns to base, s (default: never)'),
      DURATION(600),
      STEP(1),
    ],
    generate(p) {
      checkNonNegative('step', p, ['base', 'level', 'at_s']);
      const at = n(p, 'at_s');
      const back = p.back_s === undefined ? Infinity : n(p, 'back_s');
      const t = [at, at];
      const r = [n(p, 'base'), n(p, 'level')];
      if (Number.isFinite(back)) {
        t.push(back, back);
        r.push(n(p, 'level'), n(p, 'base'));
      }
      const shape = new PiecewiseLinear(t, r);
      return gridTrace(describeParams('step', p), n(p, 'duration_s'), n(p, 'step_s'), (a, b) => shape.average(a, b));
    },
  },
  {
    kind: 'spike',
    describe: 'one flash crowd: base, linear rise to peak, hold, linear decay back to base',
    params: [
      num('base', 2000, 'records/s outside the spike'),
      num('peak', 12000, 'records/s at the top'),
      num('start_s', 240, 'start of the rise, s'),
      num('rise_s', 10, 'length of the rise, s'),
      num('hold_s', 100, 'time at peak, s'),
      num('decay_s', 10, 'length of the decay, s'),
      DURATION(600),
      STEP(1),
    ],
    generate(p) {
      checkNonNegative('spike', p, ['base', 'peak', 'start_s', 'rise_s', 'hold_s', 'decay_s']);
      const [t, r] = spikeKnots(n(p, 'base'), n(p, 'peak'), n(p, 'start_s'), n(p, 'rise_s'), n(p, 'hold_s'), n(p, 'decay_s'));
      const shape = new PiecewiseLinear(t, r);
      return gridTrace(describeParams('spike', p), n(p, 'duration_s'), n(p, 'step_s'), (a, b) => shape.average(a, b));
    },
  },
  {
    kind: 'spikes',
    describe: 'repeated flash crowds every every_s, optionally jittered in time and height (seeded)',
    params: [
      num('base', 2000, 'records/s between spikes'),
      num('peak', 10000, 'records/s at the top of each spike'),
      num('first_s', 60, 'start of the first rise, s'),
      num('every_s', 180, 'time between spike starts, s'),
      num('rise_s', 5, 'length of each rise, s'),
      num('hold_s', 30, 'time at peak, s'),
      num('decay_s', 5, 'length of each decay, s'),
      num('jitter_s', 0, 'each start moves by a uniform draw in ±jitter_s'),
      num('peak_jitter', 0, 'each peak is multiplied by a uniform draw in 1 ± peak_jitter'),
      DURATION(1200),
      STEP(1),
    ],
    generate(p, rng) {
      checkNonNegative('spikes', p, ['base', 'peak', 'first_s', 'rise_s', 'hold_s', 'decay_s', 'jitter_s', 'peak_jitter']);
      if (!(n(p, 'every_s') > 0)) throw new UserError(`trace gen spikes: every_s must be > 0, got ${n(p, 'every_s')}`);
      const width = n(p, 'rise_s') + n(p, 'hold_s') + n(p, 'decay_s');
      if (width + 2 * n(p, 'jitter_s') >= n(p, 'every_s')) {
        throw new UserError('trace gen spikes: spikes overlap: rise_s + hold_s + decay_s + 2·jitter_s must be < every_s');
      }
      const t: number[] = [];
      const r: number[] = [];
      const base = n(p, 'base');
      for (let s = n(p, 'first_s'); s < n(p, 'duration_s'); s += n(p, 'every_s')) {
        const start = Math.max(0, s + (2 * rng() - 1) * n(p, 'jitter_s'));
        const peak = Math.max(0, n(p, 'peak') * (1 + (2 * rng() - 1) * n(p, 'peak_jitter')));
        const [kt, kr] = spikeKnots(base, peak, start, n(p, 'rise_s'), n(p, 'hold_s'), n(p, 'decay_s'));
        t.push(...kt);
        r.push(...kr);
      }
      if (t.length === 0) {
        t.push(0);
        r.push(base);
      }
      const shape = new PiecewiseLinear(t, r);
      return gridTrace(describeParams('spikes', p), n(p, 'duration_s'), n(p, 'step_s'), (a, b) => shape.average(a, b));
    },
  },
  {
    kind: 'diurnal',
    describe: 'mean·(1 − amplitude·cos(2π(t + phase_s)/period_s)), starting at the trough, with per-step noise',
    params: [
      num('mean', 5000, 'mean records/s'),
      num('amplitude', 0.6, 'relative swing, 0..1 (peak = mean·(1 + amplitude))'),
      num('period_s', 600, 'length of one "day", s'),
      num('phase_s', 0, 'shift of the cycle, s'),
      num('noise', 0.05, 'per-step relative noise: each row × max(0, 1 + noise·N(0,1))'),
      DURATION(1800),
      STEP(5),
    ],
    generate(p, rng) {
      checkNonNegative('diurnal', p, ['mean', 'amplitude', 'noise']);
      const mean = n(p, 'mean');
      const amp = n(p, 'amplitude');
      const w = (2 * Math.PI) / n(p, 'period_s');
      const phase = n(p, 'phase_s');
      if (amp > 1) throw new UserError(`trace gen diurnal: amplitude must be ≤ 1, got ${amp}`);
      const noise = n(p, 'noise');
      return gridTrace(describeParams('diurnal', p), n(p, 'duration_s'), n(p, 'step_s'), (a, b) => {
        // Exact average of the cosine over [a, b].
        const cosAvg = (Math.sin(w * (b + phase)) - Math.sin(w * (a + phase))) / (w * (b - a));
        const shape = mean * (1 - amp * cosAvg);
        return noise > 0 ? shape * Math.max(0, 1 + noise * normalDraw(rng)) : shape;
      });
    },
  },
  {
    kind: 'mmpp',
    describe: 'Markov-modulated rate: exponential sojourns per state, then a jump to another state chosen uniformly',
    params: [
      nums('rates', [1000, 4000, 12000], 'records/s of each state'),
      nums('sojourns_s', [120, 60, 20], 'mean time in each state, s'),
      num('start_state', -1, 'initial state (index); -1 draws it from the stationary distribution'),
      DURATION(1800),
      STEP(1),
    ],
    generate(p, rng) {
      checkNonNegative('mmpp', p, ['rates', 'sojourns_s']);
      const rates = p.rates as number[];
      const soj = p.sojourns_s as number[];
      const k = rates.length;
      if (k < 2 || soj.length !== k) {
        throw new UserError('trace gen mmpp: rates and sojourns_s must list the same number (≥ 2) of states');
      }
      if (soj.some((s) => !(s > 0))) throw new UserError('trace gen mmpp: every sojourn must be > 0');
      let state = n(p, 'start_state');
      if (state < 0) state = drawStationary(soj, rng);
      if (!Number.isInteger(state) || state >= k) throw new UserError(`trace gen mmpp: start_state must be -1 or 0..${k - 1}`);
      // Walk the state path once, step by step: the time-weighted average rate over each step.
      let leaveAt = expDraw(rng, soj[state]);
      return gridTrace(describeParams('mmpp', p), n(p, 'duration_s'), n(p, 'step_s'), (a, b) => {
        let t = a;
        let sum = 0;
        while (leaveAt < b) {
          sum += rates[state] * (leaveAt - t);
          t = leaveAt;
          let next = Math.floor(rng() * (k - 1));
          if (next >= state) next++;
          state = next;
          leaveAt = t + expDraw(rng, soj[state]);
        }
        sum += rates[state] * (b - t);
        return sum / (b - a);
      });
    },
  },
  {
    kind: 'nexmark',
    describe: "the Nexmark generator's event rate: first/next rate with a square or sine shape over rate.period",
    params: [
      num('first_rate', 10000, 'nexmark.first-event.rate, events/s'),
      num('next_rate', 10000, 'nexmark.next-event.rate, events/s'),
      str('shape', 'square', 'nexmark.rate.shape: square or sine'),
      num('period_s', 600, 'nexmark.rate.period, s'),
      DURATION(600),
    ],
    generate(p) {
      const shape = String(p.shape).toLowerCase();
      if (shape !== 'square' && shape !== 'sine') throw new UserError(`trace gen nexmark: shape must be square or sine, got ${p.shape}`);
      const steps = nexmarkSteps(n(p, 'first_rate'), n(p, 'next_rate'), shape);
      const period = n(p, 'period_s');
      if (!(Number.isInteger(period) && period > 0)) throw new UserError('trace gen nexmark: period_s must be a positive integer');
      // NexmarkUtils.RateShape.stepLengthSec: the period split into equal whole-second steps.
      const stepLen = steps.length === 1 ? 10 : Math.ceil(period / steps.length);
      const duration = n(p, 'duration_s');
      const grid = Number.isInteger(duration) ? gcd(stepLen, duration) : 1;
      return gridTrace(describeParams('nexmark', p), duration, grid, (a) => steps[Math.floor(a / stepLen + 1e-9) % steps.length]);
    },
  },
  {
    kind: 'ysb',
    describe: "YSB's producer (data/src/setup/core.clj run): one event every floor(1e9/throughput) ns",
    params: [num('rate', 1000, 'throughput, events/s (stream-bench.sh LOAD, default 1000)'), DURATION(240), STEP(10)],
    generate(p) {
      const rate = n(p, 'rate');
      if (!(rate >= 1)) throw new UserError(`trace gen ysb: rate must be ≥ 1, got ${rate}`);
      const effective = 1e9 / Math.floor(1e9 / rate);
      return gridTrace(describeParams('ysb', p), n(p, 'duration_s'), n(p, 'step_s'), () => effective);
    },
  },
  {
    kind: 'from-nab',
    describe: 'a NAB series (timestamp,value) scaled to a mean rate, each source step becoming step_s seconds',
    params: [
      str('file', undefined, 'the NAB CSV file'),
      num('mean', 5000, 'target mean rate of the trace, records/s'),
      num('step_s', 1, 'seconds of trace per nominal source step (the median spacing, e.g. 5 min)'),
      num('start_row', 0, 'first data row to use (0-based)'),
      num('rows', 0, 'number of rows to use (0 = to the end)'),
    ],
    generate(p) {
      if (p.file === undefined) throw new UserError('trace gen from-nab: give the series with --param file=<path>');
      return fromNab(String(p.file), {
        mean: n(p, 'mean'),
        stepS: n(p, 'step_s'),
        startRow: n(p, 'start_row'),
        rows: n(p, 'rows'),
      });
    },
  },
];

/** Which stationary state to start in: P(i) ∝ mean sojourn of i (uniform jumps make the jump chain uniform). */
function drawStationary(soj: number[], rng: Rng): number {
  const total = soj.reduce((a, b) => a + b, 0);
  let u = rng() * total;
  for (let i = 0; i < soj.length; i++) {
    u -= soj[i];
    if (u < 0) return i;
  }
  return soj.length - 1;
}

/** Long-run mean rate of an MMPP with uniform jumps: Σ rate·sojourn / Σ sojourn. */
export function mmppStationaryMean(rates: number[], sojournsS: number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < rates.length; i++) {
    num += rates[i] * sojournsS[i];
    den += sojournsS[i];
  }
  return num / den;
}

export function generatorKind(kind: string): GeneratorKind {
  const g = GENERATORS.find((x) => x.kind === kind);
  if (!g) throw new UserError(`trace gen: unknown kind "${kind}"; kinds: ${GENERATORS.map((x) => x.kind).join(', ')}`);
  return g;
}

/**
 * Turn `k=v` strings (or already-typed values) into a kind's parameters with defaults applied.
 * Unknown names and unreadable numbers are user mistakes.
 */
export function resolveParams(kind: string, given: Record<string, ParamValue | string>): ParamValues {
  const g = generatorKind(kind);
  const out: ParamValues = {};
  for (const name of Object.keys(given)) {
    if (!g.params.some((s) => s.name === name)) {
      throw new UserError(`trace gen ${kind}: unknown parameter "${name}"; parameters: ${g.params.map((s) => s.name).join(', ')}`);
    }
  }
  for (const spec of g.params) {
    const v = given[spec.name];
    if (v === undefined) {
      if (spec.default !== undefined) out[spec.name] = spec.default;
      continue;
    }
    out[spec.name] = coerce(kind, spec, v);
  }
  return out;
}

function coerce(kind: string, spec: ParamSpec, v: ParamValue): ParamValue {
  const bad = (s: string) => new UserError(`trace gen ${kind}: ${spec.name}: not a number: "${s}"`);
  const toNum = (s: string | number) => {
    if (typeof s === 'number') return s;
    const x = s.trim() === '' ? NaN : Number(s);
    if (!Number.isFinite(x)) throw bad(s);
    return x;
  };
  if (spec.type === 'string') return String(v);
  if (spec.type === 'number') {
    if (Array.isArray(v)) throw bad(v.join(','));
    return toNum(v);
  }
  if (Array.isArray(v)) return v.map(toNum);
  return typeof v === 'number' ? [v] : v.split(',').map(toNum);
}

/** Generate a trace of a kind from `k=v` parameters and a seed. */
export function generateTrace(kind: string, params: Record<string, ParamValue | string> = {}, seed = 1): RateTrace {
  const g = generatorKind(kind);
  const p = resolveParams(kind, params);
  return g.generate(p, seededRng(`trace-gen/${kind}/${seed}`));
}

/** Parse `--param k=v` strings into a record (values stay strings until resolveParams). */
export function parseParamArgs(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new UserError(`trace gen: --param must be k=v, got "${a}"`);
    out[a.slice(0, eq).trim()] = a.slice(eq + 1).trim();
  }
  return out;
}
