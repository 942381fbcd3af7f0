/** The short side-by-side table `simulate` and `demo` print. */
import type { RunSummary } from '../metrics/summary.js';

export interface LabelledSummary {
  label: string;
  summary: RunSummary;
}

const fmt = (v: number, digits = 1): string => (Number.isFinite(v) ? v.toFixed(digits) : '–');

export function summaryRows(runs: LabelledSummary[]): string[][] {
  const head = ['policy', 'p50 ms', 'p99 ms', 'max ms', 'max pending', 'offloaded', 'cost $', 'results', 'lost', 'dup'];
  const rows = runs.map(({ label, summary: s }) => [
    label,
    fmt(s.latency_ms.p50),
    fmt(s.latency_ms.p99),
    fmt(s.latency_ms.max),
    String(s.max_pending_records),
    `${fmt(s.offload.share * 100, 1)}%`,
    s.cost_usd.total.toFixed(4),
    String(s.records.results),
    String(s.records.lost),
    String(s.records.duplicated),
  ]);
  return [head, ...rows];
}

export function printSummaryTable(runs: LabelledSummary[], out: NodeJS.WritableStream = process.stdout): void {
  const rows = summaryRows(runs);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const [i, r] of rows.entries()) {
    out.write(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ') + '\n');
    if (i === 0) out.write(widths.map((w) => '-'.repeat(w)).join('  ') + '\n');
  }
}
