/**
 * (g) Cost vs p99 latency of every sweep row: error bars from the 95% confidence intervals, the Pareto front
 * highlighted and connected, the best-ranked points labelled.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { SweepRow } from '../inputs.js';
import { base, num, WIDTH, zoomParam } from './common.js';

export interface ParetoOptions {
  title?: string;
  subtitle?: string;
  /** Latency axis scale; 'auto' (default) is log when p99 means span more than 30×. */
  yScale?: 'auto' | 'log' | 'linear';
  /** Label the points ranked 1..labelTop (default 5). */
  labelTop?: number;
}

export type ParetoClass = 'Pareto front' | 'feasible' | 'infeasible';
export const PARETO_CLASSES: readonly ParetoClass[] = ['Pareto front', 'feasible', 'infeasible'];

export interface ParetoRow {
  id: string;
  policy: string;
  params: string;
  n: number;
  rank: number | null;
  score: number | null;
  class: ParetoClass;
  label: string | null;
  cost: number;
  cost_lo: number | null;
  cost_hi: number | null;
  p99: number;
  p99_lo: number | null;
  p99_hi: number | null;
}

export function formatParams(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}

export function chooseLogY(rows: readonly SweepRow[]): boolean {
  const p = rows.map((r) => r.metrics.latency_p99_ms.mean).filter((v) => v > 0);
  if (p.length < 2) return false;
  return Math.max(...p) / Math.min(...p) > 30;
}

export function paretoRows(rows: readonly SweepRow[], logY: boolean, labelTop: number): ParetoRow[] {
  return rows.map((r) => {
    const c = r.metrics.cost_usd_per_hour;
    const l = r.metrics.latency_p99_ms;
    // The front is over all rows (results.json's `pareto`), feasible or not, as the sweep computes it.
    const cls: ParetoClass = r.pareto ? 'Pareto front' : !r.feasible ? 'infeasible' : 'feasible';
    const hasC = Number.isFinite(c.ci95) && c.ci95 > 0;
    const hasL = Number.isFinite(l.ci95) && l.ci95 > 0;
    // A log axis cannot show a lower bound <= 0: the bar then only goes up.
    const p99Lo = hasL ? (logY && l.mean - l.ci95 <= 0 ? l.mean : Math.max(0, l.mean - l.ci95)) : null;
    return {
      id: r.id,
      policy: r.policy,
      params: formatParams(r.params),
      n: r.n,
      rank: r.rank,
      score: r.score,
      class: cls,
      label: r.rank !== null && r.rank <= labelTop ? `#${r.rank} ${r.policy}` : null,
      cost: c.mean,
      cost_lo: hasC ? Math.max(0, c.mean - c.ci95) : null,
      cost_hi: hasC ? num(c.mean + c.ci95) : null,
      p99: l.mean,
      p99_lo: p99Lo,
      p99_hi: hasL ? num(l.mean + l.ci95) : null,
    };
  });
}

export function paretoSpec(rows: readonly SweepRow[], opts: ParetoOptions = {}): TopLevelSpec {
  const logY = opts.yScale === 'log' || (opts.yScale !== 'linear' && chooseLogY(rows));
  // Rows without a mean cost or p99 (null in results.json) cannot be placed; a log axis also drops p99 <= 0.
  const plotted = rows.filter((r) => {
    const c = r.metrics.cost_usd_per_hour.mean;
    const l = r.metrics.latency_p99_ms.mean;
    return Number.isFinite(c) && Number.isFinite(l) && (!logY || l > 0);
  });
  const values = paretoRows(plotted, logY, opts.labelTop ?? 5);
  const left = rows.length - plotted.length;
  const x = { field: 'cost', type: 'quantitative', title: 'cost (USD per hour of replay, mean)', scale: { zero: true, nice: true } };
  const y = {
    field: 'p99',
    type: 'quantitative',
    title: `p99 latency (ms, mean${logY ? ', log scale' : ''})`,
    scale: logY ? { type: 'log' } : { zero: true },
  };
  const color = {
    field: 'class',
    type: 'nominal',
    title: null,
    scale: { domain: PARETO_CLASSES, range: ['#d62728', '#4c78a8', '#b0b0b0'] },
  };
  return {
    ...base(
      opts.title ?? 'Cost vs p99 latency',
      opts.subtitle ??
        `one point per configuration; bars = 95% CI over replications; red line = Pareto front${left > 0 ? `; ${left} row${left > 1 ? 's' : ''} without a value left out` : ''}`,
    ),
    width: WIDTH,
    height: 380,
    data: { values },
    layer: [
      {
        transform: [{ filter: 'isValid(datum.cost_lo)' }],
        mark: { type: 'rule', color: '#999', strokeWidth: 1 },
        encoding: { x: { ...x, field: 'cost_lo' }, x2: { field: 'cost_hi' }, y },
      },
      {
        transform: [{ filter: 'isValid(datum.p99_lo)' }],
        mark: { type: 'rule', color: '#999', strokeWidth: 1 },
        encoding: { x, y: { ...y, field: 'p99_lo' }, y2: { field: 'p99_hi' } },
      },
      {
        transform: [{ filter: "datum.class === 'Pareto front'" }],
        mark: { type: 'line', color: '#d62728', strokeWidth: 2, interpolate: 'step-after', opacity: 0.7 },
        encoding: { x, y, order: { field: 'cost', type: 'quantitative' } },
      },
      {
        params: [zoomParam('zoom_pareto', ['x', 'y'])],
        mark: { type: 'point', filled: true, size: 90, opacity: 0.9 },
        encoding: {
          x,
          y,
          color,
          shape: { field: 'class', type: 'nominal', title: null, scale: { domain: PARETO_CLASSES, range: ['circle', 'circle', 'cross'] } },
          tooltip: [
            { field: 'id', type: 'nominal', title: 'row' },
            { field: 'rank', type: 'quantitative', title: 'rank' },
            { field: 'policy', type: 'nominal', title: 'policy' },
            { field: 'params', type: 'nominal', title: 'params' },
            { field: 'n', type: 'quantitative', title: 'replications' },
            { field: 'cost', type: 'quantitative', title: 'cost (USD/h)', format: '$,.4f' },
            { field: 'p99', type: 'quantitative', title: 'p99 (ms)', format: ',.1f' },
            { field: 'score', type: 'quantitative', title: 'score', format: ',.4~g' },
            { field: 'class', type: 'nominal', title: 'class' },
          ],
        },
      },
      {
        transform: [{ filter: 'isValid(datum.label)' }],
        mark: { type: 'text', align: 'left', dx: 8, dy: -8, fontSize: 12, fontWeight: 'bold', color: '#222' },
        encoding: { x, y, text: { field: 'label', type: 'nominal' } },
      },
    ],
  } as TopLevelSpec;
}
