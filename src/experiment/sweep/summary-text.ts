/** A short text table of the best rows, for the terminal. */
import { endingCells } from '../../metrics/endings.js';
import type { MetricStat, SweepResults } from './types.js';

function num(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined) return '-';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
  return Number(v.toPrecision(digits + 1)).toString();
}

function stat(s: MetricStat | undefined): string {
  if (!s || s.mean === null) return '-';
  return s.ci95 === null ? num(s.mean) : `${num(s.mean)} ±${num(s.ci95, 2)}`;
}

export function formatTopRows(results: SweepResults, k: number): string {
  const header = ['rank', 'id', 'policy', 'params', 'p99 ms', 'cost $/h', 'n', 'drained', 'in flight', 'lost', 'feasible', 'pareto'];
  const rows = results.rows.slice(0, k).map((r) => [
    String(r.rank),
    r.id,
    r.policy,
    Object.entries(r.params)
      .map(([key, v]) => `${key}=${v}`)
      .join(' ') || '-',
    stat(r.metrics.latency_p99_ms),
    stat(r.metrics.cost_usd_per_hour),
    String(r.n),
    ...(r.endings ? endingCells(r.endings, r.n) : ['-', '-', '-']),
    r.feasible ? 'yes' : 'no',
    r.pareto ? 'yes' : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
