/**
 * The policy's own signals, real against simulated (docs/VALIDATION.md, "The policy's signals"): the source backlog
 * (pendingRecords, what target-lag reads), the tokenizer's busy and backpressured time (what threshold reads) and the
 * share the policy decided. Both sides take them the same way, from the MetricsSnapshots their policy was fed (the
 * real side's polls, the simulator's snapshots recorded by a wrapper around the policy), read with the policy layer's
 * own readers (sum of pendingRecords, max over subtasks of the time gauges): so a difference in the chart is a
 * difference in what the policy saw, not in how each side writes its time series. Their peaks, and whether the
 * policy's trigger (the first decision with a share above 0) fired on one side only, go to comparison.json
 * (`signals`); report.html gets a chart; each run directory gets policy-signals.csv.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { MetricsSnapshot, Policy, PolicyFactory } from '../../policy/contract.js';
import { readMetric } from '../../policy/signals.js';
import type { ChartEntry } from '../../report/html.js';
import { base } from '../../report/specs/common.js';

export interface Series {
  columns: string[];
  rows: number[][];
}

export interface SignalDef {
  name: string;
  column: string;
  unit: string;
}

export interface SignalPeak {
  name: string;
  unit: string;
  real_peak: number | null;
  real_peak_t_s: number | null;
  simulated_peak: number | null;
  simulated_peak_t_s: number | null;
}

export interface SignalComparison {
  signals: SignalPeak[];
  /** First time (s) each side decided a share above 0; null = never. */
  trigger: { real_first_on_s: number | null; simulated_first_on_s: number | null; one_sided: boolean };
  /** A sentence for stdout and the report when the trigger fired on one side only; else null. */
  warning: string | null;
}

/** Which snapshot vertices and offload point the signals come from. */
export interface SignalRoles {
  source: string;
  tokenizer: string;
  point: string | null;
}

/** The columns of a signal series (and of policy-signals.csv). */
export const SIGNAL_COLUMNS = ['t_s', 'pending_records', 'busy_ms_per_s', 'backpressured_ms_per_s', 'decision_share'] as const;

/** The signals validate charts for the tokenizer-shaped job. */
export function signalDefs(tokenizer: string): SignalDef[] {
  return [
    { name: 'pending records (source backlog)', column: 'pending_records', unit: 'records' },
    { name: `${tokenizer} busy time (max over subtasks)`, column: 'busy_ms_per_s', unit: 'ms/s' },
    { name: `${tokenizer} backpressured time (max over subtasks)`, column: 'backpressured_ms_per_s', unit: 'ms/s' },
    { name: 'decided share', column: 'decision_share', unit: '' },
  ];
}

/** One row of a signal series: what the policy read in `snapshot` at `tS`, and the share in effect after it decided. */
export function signalRow(tS: number, snapshot: MetricsSnapshot, roles: SignalRoles, share: number): number[] {
  return [
    tS,
    readMetric(snapshot, roles.source, 'pendingRecords', 'sum'),
    readMetric(snapshot, roles.tokenizer, 'busyTimeMsPerSecond', 'max'),
    readMetric(snapshot, roles.tokenizer, 'backPressuredTimeMsPerSecond', 'max'),
    share,
  ];
}

export const signalSeries = (rows: number[][]): Series => ({ columns: [...SIGNAL_COLUMNS], rows });

/**
 * The factory, its policies recording into `rows` every snapshot they decide on (signalRow at the snapshot's tMs) and
 * the share in effect after it: the decision's share for the point, else the previous one (as the control loop keeps
 * it). The decisions are the policy's own, unchanged.
 */
export function recordingFactory(factory: PolicyFactory, roles: SignalRoles, rows: number[][]): PolicyFactory {
  return {
    ...factory,
    create(params, context): Policy {
      const policy = factory.create(params, context);
      let share = 0;
      return {
        name: policy.name,
        decide(snapshot) {
          const decision = policy.decide(snapshot);
          const d = roles.point === null ? undefined : decision.points[roles.point];
          if (d) share = d.share;
          rows.push(signalRow(snapshot.tMs / 1000, snapshot, roles, share));
          return decision;
        },
      };
    },
  };
}

/** policy-signals.csv: the series, an unknown value (NaN) as an empty field. */
export function signalsCsv(s: Series): string {
  return [s.columns.join(','), ...s.rows.map((r) => r.map((x) => (Number.isFinite(x) ? String(x) : '')).join(','))].join('\n') + '\n';
}

function peak(ts: Series, column: string): { v: number | null; t: number | null } {
  const c = ts.columns.indexOf(column);
  const t = ts.columns.indexOf('t_s');
  let v: number | null = null;
  let at: number | null = null;
  if (c < 0) return { v, t: at };
  for (const row of ts.rows) {
    const x = row[c];
    if (Number.isFinite(x) && (v === null || x > v)) {
      v = x;
      at = row[t];
    }
  }
  return { v, t: at };
}

function firstOn(ts: Series): number | null {
  const c = ts.columns.indexOf('decision_share');
  const t = ts.columns.indexOf('t_s');
  if (c < 0) return null;
  for (const row of ts.rows) if (row[c] > 0) return row[t];
  return null;
}

export function compareSignals(real: Series, simulated: Series, defs: readonly SignalDef[]): SignalComparison {
  const signals = defs.map((d) => {
    const r = peak(real, d.column);
    const s = peak(simulated, d.column);
    return { name: d.name, unit: d.unit, real_peak: r.v, real_peak_t_s: r.t, simulated_peak: s.v, simulated_peak_t_s: s.t };
  });
  const ro = firstOn(real);
  const so = firstOn(simulated);
  const oneSided = (ro === null) !== (so === null);
  const warning = oneSided
    ? `the policy's trigger fired on the ${ro !== null ? 'real' : 'simulated'} side only (first share > 0 at ${ro ?? so} s); compare its signals in report.html, "Policy signals"`
    : null;
  return { signals, trigger: { real_first_on_s: ro, simulated_first_on_s: so, one_sided: oneSided }, warning };
}

/** Long-form rows for the chart: every signal of both runs. */
function chartRows(runs: readonly { label: string; ts: Series }[], defs: readonly SignalDef[]): { t_s: number; run: string; signal: string; value: number }[] {
  const out: { t_s: number; run: string; signal: string; value: number }[] = [];
  for (const run of runs) {
    const t = run.ts.columns.indexOf('t_s');
    for (const d of defs) {
      const c = run.ts.columns.indexOf(d.column);
      if (c < 0) continue;
      for (const row of run.ts.rows) if (Number.isFinite(row[c])) out.push({ t_s: row[t], run: run.label, signal: d.name, value: row[c] });
    }
  }
  return out;
}

/** The report's chart: one panel per signal (own y scale), real and simulated overlaid. */
export function signalsChart(runs: readonly { label: string; ts: Series }[], defs: readonly SignalDef[], c: SignalComparison): ChartEntry {
  const spec = {
    ...base('The policy\'s signals, real vs simulated', c.warning ?? 'the trigger fired on both sides or on neither'),
    data: { values: chartRows(runs, defs) },
    facet: { row: { field: 'signal', type: 'nominal', title: null, sort: defs.map((d) => d.name), header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' } } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 640,
      height: 110,
      mark: { type: 'line', interpolate: 'step-before' },
      encoding: {
        x: { field: 't_s', type: 'quantitative', title: 'time (s)' },
        y: { field: 'value', type: 'quantitative', title: null },
        color: { field: 'run', type: 'nominal', title: 'run', sort: runs.map((r) => r.label) },
      },
    },
  } as unknown as TopLevelSpec;
  return {
    name: 'signals',
    heading: 'Policy signals',
    question: 'Did the policy see the same signals on both sides, and did its trigger fire on both?',
    spec,
  };
}
