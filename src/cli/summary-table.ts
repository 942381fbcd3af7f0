/** The short side-by-side table `simulate` and `demo` print, and how each run ended. */
import type { RunSummary } from '../metrics/summary.js';

export interface LabelledSummary {
  label: string;
  summary: RunSummary;
  /** The scenario's drain_s: 0 means it stops at the end of the trace on purpose, records still in flight. */
  drainS: number;
}

/** Exit code of a run that did not drain although its scenario allowed it to (docs/INPUTS.md). */
export const EXIT_NOT_DRAINED = 3;

const fmt = (v: number, digits = 1): string => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const count = (n: number): string => n.toLocaleString('en-US');

/** "yes", "NO", or in words why not when the scenario asked for it. */
function drainedCell(r: LabelledSummary): string {
  if (r.summary.drained) return 'yes';
  return r.drainS === 0 ? 'no: drain_s 0' : 'NO';
}

export function summaryRows(runs: LabelledSummary[]): string[][] {
  const head = ['policy', 'p50 ms', 'p99 ms', 'max ms', 'max pending', 'offloaded', 'cost $', 'results', 'drained', 'in flight', 'lost', 'dup'];
  const rows = runs.map((r) => {
    const s = r.summary;
    return [
      r.label,
      fmt(s.latency_ms.p50),
      fmt(s.latency_ms.p99),
      fmt(s.latency_ms.max),
      String(s.max_pending_records),
      `${fmt(s.offload.share * 100, 1)}%`,
      s.cost_usd.total.toFixed(4),
      String(s.records.results),
      drainedCell(r),
      String(s.records.in_flight),
      // Losses are only known once every record has finished: an undrained run never shows "lost 0".
      s.drained || s.records.lost > 0 ? String(s.records.lost) : '–',
      String(s.records.duplicated),
    ];
  });
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

/** How many records were still in flight, and where; null for a drained run. */
export function inFlightLine(r: LabelledSummary): string | null {
  const s = r.summary;
  if (s.drained) return null;
  const at = s.records.in_flight_at;
  const where = at ? ` (external queue ${count(at.external_queue)}, buffers ${count(at.buffers)}, functions ${count(at.functions)})` : '';
  return `${r.label}: did not drain: ${count(s.records.in_flight)} of ${count(s.records.arrived)} records still in flight at ${s.end_s} s${where}`;
}

/**
 * Print how each undrained run ended: on stdout when the scenario asked for it (drain_s 0), as a failure on
 * stderr otherwise. Returns the exit code the command should end with (0, or EXIT_NOT_DRAINED).
 */
export function reportEndings(runs: LabelledSummary[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): number {
  let code = 0;
  for (const r of runs) {
    const line = inFlightLine(r);
    if (!line) continue;
    if (r.drainS === 0) {
      out.write(`${line}; the scenario stops at the end of the trace on purpose (drain_s 0), so losses are not counted\n`);
    } else {
      err.write(`spillway: RUN DID NOT DRAIN: ${line}; drain_s ${r.drainS} s was not enough (raise drain_s, or lower the load); losses not counted\n`);
      code = EXIT_NOT_DRAINED;
    }
  }
  return code;
}
