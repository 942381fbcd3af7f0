/**
 * `validate --repeat N`: the spread of each comparison metric over N repetitions (real runs, and the simulator over N
 * seeds), and the rows whose means the verdict judges.
 */
import { endingCells, endingsOf } from '../../metrics/endings.js';
import type { RunSummary } from '../../metrics/summary.js';
import type { ComparisonRow } from './compare.js';

export interface Spread {
  min: number | null;
  mean: number | null;
  max: number | null;
  /** How many repetitions had a value. */
  n: number;
}

export interface SpreadRow {
  key: string;
  label: string;
  unit: string;
  real: Spread;
  simulated: Spread;
  calibrated?: Spread;
}

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** min, mean, max of the finite values (nulls and NaN are left out; n counts the rest). */
export function spread(xs: readonly (number | null | undefined)[]): Spread {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  if (v.length === 0) return { min: null, mean: null, max: null, n: 0 };
  return { min: r6(Math.min(...v)), mean: r6(v.reduce((a, b) => a + b, 0) / v.length), max: r6(Math.max(...v)), n: v.length };
}

/** One row per metric over the repetitions' comparison rows (every repetition has the same metrics, in order). */
export function spreadRows(reps: readonly (readonly ComparisonRow[])[]): SpreadRow[] {
  if (reps.length === 0) return [];
  return reps[0].map((first, i) => {
    const col = (pick: (r: ComparisonRow) => number | null | undefined) => spread(reps.map((rows) => pick(rows[i])));
    const row: SpreadRow = { key: first.key, label: first.label, unit: first.unit, real: col((r) => r.real), simulated: col((r) => r.simulated) };
    if (first.calibrated !== undefined) row.calibrated = col((r) => r.calibrated);
    return row;
  });
}

/** The means as rows the verdict judges (real mean vs simulated mean per metric). */
export function meanRows(rows: readonly SpreadRow[]): { key: string; real: number | null; simulated: number | null }[] {
  return rows.map((r) => ({ key: r.key, real: r.real.mean, simulated: r.simulated.mean }));
}

/** Drained, in flight (the most of any repetition) and lost, real and simulated, in the table's columns. */
function endingRows(runs: readonly { real: RunSummary; simulated: RunSummary }[]): string[][] {
  const real = endingCells(endingsOf(runs.map((r) => r.real)), runs.length);
  const sim = endingCells(endingsOf(runs.map((r) => r.simulated)), runs.length);
  return ['drained', 'in flight (records, max)', 'lost (records)'].map((label, i) => [label, real[i], sim[i]]);
}

/** The spreads as a plain-text table (printed by validate --repeat); with `runs`, how the repetitions ended. */
export function formatSpreadTable(rows: readonly SpreadRow[], runs?: readonly { real: RunSummary; simulated: RunSummary }[]): string {
  const f = (x: number | null) => (x === null ? 'n/a' : Math.abs(x) >= 100 ? String(Math.round(x)) : x !== 0 && Math.abs(x) < 0.01 ? x.toPrecision(3) : String(Math.round(x * 1000) / 1000));
  const s = (x: Spread) => `${f(x.min)} / ${f(x.mean)} / ${f(x.max)}`;
  const head = ['metric', 'real min / mean / max', 'simulated min / mean / max'];
  const body = rows.map((r) => [r.unit ? `${r.label} (${r.unit})` : r.label, s(r.real), s(r.simulated)]);
  const endings = runs ? endingRows(runs) : [];
  const all = [head, ...body, ...endings];
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  ');
  const sep = w.map((n) => '-'.repeat(n)).join('  ');
  return [line(head), sep, ...body.map(line), ...(endings.length > 0 ? [sep, ...endings.map(line)] : [])].join('\n') + '\n';
}
