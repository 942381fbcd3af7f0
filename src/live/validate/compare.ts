/**
 * Real vs simulated: the comparison metrics of two run summaries, their relative errors, comparison.json and the
 * printed table.
 *
 * relative error = (simulated − real) / |real|: +0.25 means the simulator predicts 25 % more than was measured.
 * When the real value is 0, the error is 0 if the simulated value is 0 too, and undefined (null) otherwise; when
 * either value is missing (not measured, not a number), it is null.
 */
import type { RunSummary } from '../../metrics/summary.js';

export interface ComparisonMetric {
  key: string;
  label: string;
  unit: string;
  /** `lastResultS`: time of the last result after t0, s (NaN when unknown: end_s is used). */
  of: (s: RunSummary, lastResultS: number) => number;
  /** A difference of times that may be 0 or negative: shown side by side, no relative error (not in the mean). */
  noRelativeError?: boolean;
}

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

export const COMPARISON_METRICS: readonly ComparisonMetric[] = [
  {
    key: 'throughput_rps',
    label: 'throughput (emitted / time of last result)',
    unit: 'rec/s',
    of: (s, last) => {
      const span = Number.isFinite(last) && last > 0 ? last : s.end_s;
      return span > 0 ? s.records.emitted / span : NaN;
    },
  },
  { key: 'latency_p50_ms', label: 'latency p50', unit: 'ms', of: (s) => s.latency_ms.p50 },
  { key: 'latency_p99_ms', label: 'latency p99', unit: 'ms', of: (s) => s.latency_ms.p99 },
  { key: 'max_pending_records', label: 'max pending records', unit: 'records', of: (s) => s.max_pending_records },
  { key: 'backpressured_s', label: 'backpressured time (all vertices)', unit: 's', of: (s) => sum(s.backpressured_s) },
  { key: 'offloaded_share', label: 'offloaded share', unit: '', of: (s) => s.offload.share },
  { key: 'invocations', label: 'invocations', unit: '', of: (s) => s.lambda.invocations },
  { key: 'cold_starts', label: 'cold starts', unit: '', of: (s) => s.lambda.cold_starts },
  { key: 'cost_usd', label: 'cost', unit: 'USD', of: (s) => s.cost_usd.total },
  // First overloaded interval → first offloaded record (src/metrics/flapping.ts; live: react.ts)
  { key: 'time_to_react_s', label: 'time to react', unit: 's', of: (s) => s.flapping?.time_to_react_s ?? NaN, noRelativeError: true },
];

export function relativeError(real: number | null, simulated: number | null): number | null {
  if (real === null || simulated === null || !Number.isFinite(real) || !Number.isFinite(simulated)) return null;
  if (real === 0) return simulated === 0 ? 0 : null;
  return (simulated - real) / Math.abs(real);
}

export interface ComparisonRow {
  key: string;
  label: string;
  unit: string;
  real: number | null;
  simulated: number | null;
  rel_error: number | null;
  /**
   * With --target local: the simulator on the scenario's own platform model (published figures), the uncalibrated
   * default that `simulated` (the local endpoint's model) replaces.
   */
  published?: number | null;
  rel_error_published?: number | null;
  /** With --calibrate: the simulator on the calibrated scenario. */
  calibrated?: number | null;
  rel_error_calibrated?: number | null;
}

const val = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : null);
const err = (x: number | null): number | null => (x === null ? null : Math.round(x * 1e4) / 1e4);

/**
 * When the last result left the sink, s after t0: the end of the last time-series interval with emitted records
 * (the simulator keeps running until its drain deadline, so its end_s is not that time).
 */
export function lastResultS(ts: { columns: string[]; rows: number[][] }): number {
  const t = ts.columns.indexOf('t_s');
  const e = ts.columns.indexOf('emitted_rps');
  if (t < 0 || e < 0) return NaN;
  for (let i = ts.rows.length - 1; i >= 0; i--) if (ts.rows[i][e] > 0) return ts.rows[i][t];
  return NaN;
}

export interface LastResults {
  real?: number;
  simulated?: number;
  published?: number;
  calibrated?: number;
}

/**
 * One row per comparison metric; `calibrated` adds the re-simulation on the calibrated scenario, `published` the
 * simulation on the scenario's own (published-figures) platform model.
 */
export function compareSummaries(
  real: RunSummary,
  simulated: RunSummary,
  calibrated?: RunSummary | null,
  last: LastResults = {},
  published?: RunSummary | null,
): ComparisonRow[] {
  return COMPARISON_METRICS.map((m) => {
    const r = val(m.of(real, last.real ?? NaN));
    const s = val(m.of(simulated, last.simulated ?? NaN));
    const rel = (x: number | null) => (m.noRelativeError ? null : err(relativeError(r, x)));
    const row: ComparisonRow = { key: m.key, label: m.label, unit: m.unit, real: r, simulated: s, rel_error: rel(s) };
    if (published) {
      const p = val(m.of(published, last.published ?? NaN));
      row.published = p;
      row.rel_error_published = rel(p);
    }
    if (calibrated) {
      const c = val(m.of(calibrated, last.calibrated ?? NaN));
      row.calibrated = c;
      row.rel_error_calibrated = rel(c);
    }
    return row;
  });
}

/** Mean absolute relative error over the rows that have one. */
export function meanAbsError(rows: readonly ComparisonRow[], which: 'rel_error' | 'rel_error_published' | 'rel_error_calibrated' = 'rel_error'): number | null {
  const xs = rows.map((r) => r[which]).filter((x): x is number => typeof x === 'number');
  return xs.length > 0 ? Math.round((xs.reduce((a, b) => a + Math.abs(b), 0) / xs.length) * 1e4) / 1e4 : null;
}

function fmtNum(x: number | null | undefined, unit: string): string {
  if (x === null || x === undefined) return 'n/a';
  if (unit === 'USD') return x === 0 ? '0' : x.toPrecision(3);
  if (unit === '' && x > 0 && x < 1) return x.toFixed(3);
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  return String(Math.round(x * 100) / 100);
}

function fmtErr(x: number | null | undefined): string {
  if (x === null || x === undefined) return 'n/a';
  const pct = x * 100;
  return `${pct >= 0 ? '+' : ''}${Math.abs(pct) >= 100 ? Math.round(pct) : pct.toFixed(1)}%`;
}

/** The runs behind the columns, for how each ended (drained, in flight, lost); not judged, only shown. */
export interface ComparedRuns {
  real: RunSummary;
  simulated: RunSummary;
  published?: RunSummary | null;
  calibrated?: RunSummary | null;
}

const endingCells: { label: string; of: (s: RunSummary) => string }[] = [
  { label: 'drained', of: (s) => (s.drained ? 'yes' : 'NO') },
  { label: 'in flight (records)', of: (s) => s.records.in_flight.toLocaleString('en-US') },
  // Losses are only known once every record has finished: an undrained run never shows "lost 0".
  { label: 'lost (records)', of: (s) => (s.drained || s.records.lost > 0 ? s.records.lost.toLocaleString('en-US') : '–') },
];

/** One row per ending, in the table's column layout (errors left blank). */
function endingRows(runs: ComparedRuns, withPub: boolean, withCal: boolean): string[][] {
  return endingCells.map(({ label, of }) => {
    const cells = [label, of(runs.real)];
    if (withPub) cells.push(runs.published ? of(runs.published) : 'n/a', '');
    cells.push(of(runs.simulated), '');
    if (withCal) cells.push(runs.calibrated ? of(runs.calibrated) : 'n/a', '');
    return cells;
  });
}

/** The comparison as a plain-text table (what `spillway validate` prints); with `runs`, how each run ended. */
export function formatComparisonTable(rows: readonly ComparisonRow[], runs?: ComparedRuns): string {
  const withCal = rows.some((r) => r.calibrated !== undefined);
  const withPub = rows.some((r) => r.published !== undefined);
  const head = ['metric', 'real', ...(withPub ? ['published', 'rel. error'] : []), 'simulated', 'rel. error', ...(withCal ? ['calibrated', 'rel. error'] : [])];
  const body = rows.map((r) => {
    const label = r.unit ? `${r.label} (${r.unit})` : r.label;
    const cells = [label, fmtNum(r.real, r.unit)];
    if (withPub) cells.push(fmtNum(r.published, r.unit), fmtErr(r.rel_error_published));
    cells.push(fmtNum(r.simulated, r.unit), fmtErr(r.rel_error));
    if (withCal) cells.push(fmtNum(r.calibrated, r.unit), fmtErr(r.rel_error_calibrated));
    return cells;
  });
  const mae = ['mean |rel. error|', ''];
  if (withPub) mae.push('', fmtErr(meanAbsError(rows, 'rel_error_published')));
  mae.push('', fmtErr(meanAbsError(rows)));
  if (withCal) mae.push('', fmtErr(meanAbsError(rows, 'rel_error_calibrated')));
  const endings = runs ? endingRows(runs, withPub, withCal) : [];
  const all = [head, ...body, mae, ...endings];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  const tail = endings.length > 0 ? [sep, ...endings.map(line)] : [];
  return [line(head), sep, ...body.map(line), sep, line(mae), ...tail].join('\n') + '\n';
}
