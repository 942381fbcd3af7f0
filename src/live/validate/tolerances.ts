/**
 * Tolerances as data, errors with floors, and the verdict (docs/VALIDATION.md, "Tolerances and the verdict").
 *
 * Each judged metric has a tolerance and an absolute floor. The error of a relative metric is
 * (simulated − real) / max(|real|, floor): a real value near zero (a max pending of 2, no invocations) cannot blow
 * the error up, because below the floor the error is measured against the floor. The offloaded share is judged in
 * percentage points, (simulated − real) × 100. A metric is PASS when −below ≤ error ≤ tolerance (`below` defaults to
 * the tolerance: a symmetric band), FAIL otherwise, and n/a when either side is missing. Metrics without a tolerance are
 * reported, not judged. An asymmetric band is what a single run's real spread justifies (docs/VALIDATION.md, "What the
 * e2e asserts"): a relative error cannot go below −100 %, so a symmetric band wider than that would never fail low.
 *
 * The headline is one figure per run: the mean over the judged metrics of |error| / tolerance (1.0 = on average at
 * the tolerance; it is not a pass mark, the verdict is).
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../../util/errors.js';

export interface Tolerance {
  key: string;
  /** relative: |error| as a fraction; points: the share's difference in percentage points. */
  kind: 'relative' | 'points';
  /** |error| allowed: a fraction (0.05 = ±5 %) or percentage points; with `below`, the error allowed above 0. */
  tolerance: number;
  /** relative only: the denominator is max(|real|, floor), in the metric's unit. */
  floor: number;
  /** The error allowed below 0 (as a positive number), when it differs from `tolerance`. */
  below?: number;
}

/** The goal tolerances; floors in the metric's unit (ms, records, invocations, USD). */
export const DEFAULT_TOLERANCES: readonly Tolerance[] = [
  { key: 'throughput_rps', kind: 'relative', tolerance: 0.05, floor: 1 },
  { key: 'latency_p50_ms', kind: 'relative', tolerance: 0.1, floor: 50 },
  { key: 'latency_p99_ms', kind: 'relative', tolerance: 0.2, floor: 50 },
  { key: 'max_pending_records', kind: 'relative', tolerance: 0.25, floor: 200 },
  { key: 'offloaded_share', kind: 'points', tolerance: 5, floor: 0 },
  { key: 'invocations', kind: 'relative', tolerance: 0.2, floor: 20 },
  // ~20 invocations of a 100-record batch at 1 ms per record on 1,024 MB: the cost of a near-idle offload path
  { key: 'cost_usd', kind: 'relative', tolerance: 0.2, floor: 4e-5 },
];

export type Verdict = 'PASS' | 'FAIL' | 'n/a';

export interface Judgement {
  key: string;
  kind: Tolerance['kind'];
  tolerance: number;
  floor: number;
  /** The band below 0 (= tolerance when symmetric). */
  below: number;
  real: number | null;
  simulated: number | null;
  /** Floored relative error (fraction) or points; null when a side is missing. */
  error: number | null;
  verdict: Verdict;
}

/** The floored error of one metric (see the module comment); null when a side is missing or not finite. */
export function flooredError(t: Tolerance, real: number | null, simulated: number | null): number | null {
  if (real === null || simulated === null || !Number.isFinite(real) || !Number.isFinite(simulated)) return null;
  if (t.kind === 'points') return (simulated - real) * 100;
  return (simulated - real) / Math.max(Math.abs(real), t.floor);
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** One judgement per tolerance, on rows holding `real` and `simulated` by metric key. */
export function judge(rows: readonly { key: string; real: number | null; simulated: number | null }[], tolerances: readonly Tolerance[] = DEFAULT_TOLERANCES): Judgement[] {
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return tolerances.map((t) => {
    const row = byKey.get(t.key);
    const e = row ? flooredError(t, row.real, row.simulated) : null;
    const below = t.below ?? t.tolerance;
    const verdict: Verdict = e === null ? 'n/a' : e <= t.tolerance + 1e-12 && -e <= below + 1e-12 ? 'PASS' : 'FAIL';
    return { key: t.key, kind: t.kind, tolerance: t.tolerance, floor: t.floor, below, real: row?.real ?? null, simulated: row?.simulated ?? null, error: e === null ? null : r4(e), verdict };
  });
}

/** |error| over the band on its side: 1.0 = at the tolerance. */
export const inTolerances = (j: Judgement): number => Math.abs(j.error!) / (j.error! < 0 ? j.below : j.tolerance);

/** Mean of |error| / tolerance (on the error's side) over the judged metrics (null when none could be judged). */
export function headline(js: readonly Judgement[]): number | null {
  const xs = js.filter((j) => j.error !== null).map(inTolerances);
  return xs.length > 0 ? r4(xs.reduce((a, b) => a + b, 0) / xs.length) : null;
}

/** FAIL when any judged metric fails; PASS when every one passes; n/a when none could be judged. */
export function overall(js: readonly Judgement[]): Verdict {
  if (js.some((j) => j.verdict === 'FAIL')) return 'FAIL';
  return js.some((j) => j.verdict === 'PASS') ? 'PASS' : 'n/a';
}

const fmtErr = (j: Judgement) => (j.error === null ? 'n/a' : j.kind === 'points' ? `${j.error >= 0 ? '+' : ''}${j.error.toFixed(1)} pts` : `${j.error >= 0 ? '+' : ''}${(j.error * 100).toFixed(1)}%`);
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
export const formatTolerance = (j: Judgement): string => {
  const asym = j.below !== j.tolerance;
  if (j.kind === 'points') return asym ? `+${j.tolerance}/-${j.below} pts` : `±${j.tolerance} pts`;
  return asym ? `+${pct(j.tolerance)}/-${pct(j.below)}` : `±${pct(j.tolerance)}`;
};

/** One sentence: the verdict, how many metrics are within, the worst one, and the headline. */
export function verdictSentence(js: readonly Judgement[]): string {
  const judged = js.filter((j) => j.verdict !== 'n/a');
  const fails = judged.filter((j) => j.verdict === 'FAIL');
  const h = headline(js);
  const hs = h === null ? '' : `; mean error ${h.toFixed(2)}× tolerance`;
  if (judged.length === 0) return 'n/a: no metric could be judged (a side is missing).';
  if (fails.length === 0) return `PASS: the simulator is within tolerance on all ${judged.length} judged metrics${hs}.`;
  const worst = fails.reduce((a, b) => (inTolerances(a) >= inTolerances(b) ? a : b));
  return `FAIL: ${fails.length} of ${judged.length} judged metrics outside tolerance (${fails.map((f) => f.key).join(', ')}); worst ${worst.key} ${fmtErr(worst)} against ${formatTolerance(worst)}${hs}.`;
}

/** The judgements as a plain-text table. */
export function formatVerdictTable(js: readonly Judgement[]): string {
  const head = ['metric', 'error (floored)', 'tolerance', 'floor', 'verdict'];
  const body = js.map((j) => [j.key, fmtErr(j), formatTolerance(j), j.kind === 'points' ? '-' : String(j.floor), j.verdict]);
  const all = [head, ...body];
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...body.map(line)].join('\n') + '\n';
}

/**
 * Reads a tolerances file: a JSON array of {key, kind, tolerance, floor, below?, why?} (the keys of comparison.json's
 * metrics).
 * Any mistake is a UserError naming the file and the entry.
 */
export function loadTolerances(path: string, known: readonly string[]): Tolerance[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`--tolerances ${path}: ${(err as Error).message}`);
  }
  if (!Array.isArray(raw) || raw.length === 0) throw new UserError(`--tolerances ${path}: expected a non-empty JSON array of {key, kind, tolerance, floor}`);
  return raw.map((e: unknown, i) => {
    const at = `--tolerances ${path}: entry ${i}`;
    if (typeof e !== 'object' || e === null) throw new UserError(`${at}: not an object`);
    const o = e as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!['key', 'kind', 'tolerance', 'below', 'floor', 'why'].includes(k)) throw new UserError(`${at}: unknown field "${k}"`);
    if (typeof o.key !== 'string' || !known.includes(o.key)) throw new UserError(`${at}: key must be one of ${known.join(', ')}`);
    if (o.kind !== 'relative' && o.kind !== 'points') throw new UserError(`${at} (${o.key}): kind must be "relative" or "points"`);
    if (typeof o.tolerance !== 'number' || !(o.tolerance > 0) || !Number.isFinite(o.tolerance)) throw new UserError(`${at} (${o.key}): tolerance must be a positive number`);
    const floor = o.floor ?? 0;
    if (typeof floor !== 'number' || !(floor >= 0) || !Number.isFinite(floor)) throw new UserError(`${at} (${o.key}): floor must be a number >= 0`);
    if (o.below !== undefined && (typeof o.below !== 'number' || !(o.below > 0) || !Number.isFinite(o.below))) throw new UserError(`${at} (${o.key}): below must be a positive number`);
    return { key: o.key, kind: o.kind, tolerance: o.tolerance, floor, ...(o.below !== undefined ? { below: o.below } : {}) };
  });
}

/** One metric's real spread as validate --repeat writes it (comparison.json `spreads[].real`). */
export interface RealSpread {
  min: number | null;
  mean: number | null;
  max: number | null;
  n: number;
}

/**
 * Several cells' real spreads of one metric pooled into one (bench/validate-tolerances.mjs: runs on a loaded and a
 * quiet host): min of the minima, max of the maxima, the mean weighted by runs. Null when a cell lacks the metric.
 */
export function poolSpreads(cells: readonly RealSpread[]): RealSpread {
  const n = cells.reduce((a, c) => a + c.n, 0);
  if (cells.length === 0 || n === 0 || cells.some((c) => c.min === null || c.mean === null || c.max === null)) return { min: null, mean: null, max: null, n };
  return {
    min: Math.min(...cells.map((c) => c.min!)),
    max: Math.max(...cells.map((c) => c.max!)),
    mean: cells.reduce((a, c) => a + c.mean! * c.n, 0) / n,
    n,
  };
}

/**
 * The band a measured real spread justifies around a goal tolerance (docs/VALIDATION.md, "What the e2e asserts"): a
 * simulated value within the goal of the real mean passes against every measured real run. Relative (goal g, floor
 * f, d(x) = max(|x|, f)): above max(g, (1+g)·mean/d(min) − 1), below max(g, 1 − (1−g)·mean/d(max)); points: above
 * g + 100·(mean − min), below g + 100·(max − mean). Rounded up to 0.01 (points: 0.5). Null without a spread.
 */
export function bandFromSpread(goal: Tolerance, real: { min: number | null; mean: number | null; max: number | null }): Tolerance | null {
  const { min, mean, max } = real;
  if (min === null || mean === null || max === null) return null;
  const up = (x: number, step: number) => Math.ceil(x / step - 1e-9) * step;
  const g = goal.tolerance;
  if (goal.kind === 'points') {
    return { ...goal, tolerance: r4(up(g + 100 * (mean - min), 0.5)), below: r4(up(g + 100 * (max - mean), 0.5)) };
  }
  const d = (x: number) => Math.max(Math.abs(x), goal.floor);
  const above = Math.max(g, (1 + g) * (mean / d(min)) - 1);
  const below = Math.max(g, 1 - (1 - g) * (mean / d(max)));
  return { ...goal, tolerance: r4(up(above, 0.01)), below: r4(up(below, 0.01)) };
}
