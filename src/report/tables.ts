/** The HTML tables of a report: the zero-loss check, the key numbers of summary.json, a sweep's ranking. */
import type { RunSummary } from '../metrics/summary.js';
import { escapeHtml } from './html.js';
import type { SweepRow } from './inputs.js';
import { rankedRows } from './inputs.js';
import { formatParams } from './specs/pareto.js';

export type ZeroLossStatus = 'pass' | 'fail' | 'warn';

export interface ZeroLoss {
  status: ZeroLossStatus;
  /** One line: PASS / FAIL / NOT DRAINED and the counts. */
  text: string;
}

/** The zero-loss check of a run: every arrived record left the sink exactly once, and the run drained. */
export function zeroLoss(s: RunSummary): ZeroLoss {
  const r = s.records;
  // Losses are known only once every record has finished: an undrained run never reads "lost 0" (a record
  // neither finished nor in flight is lost all the same).
  const lost = s.drained || r.lost > 0 ? fmtInt(r.lost) : '–';
  const counts = `lost ${lost}, duplicated ${fmtInt(r.duplicated)}, in flight at end ${fmtInt(r.in_flight)}`;
  if (r.lost > 0 || r.duplicated > 0) return { status: 'fail', text: `FAIL: ${counts}` };
  if (!s.drained || r.in_flight > 0) return { status: 'warn', text: `NOT DRAINED: zero loss not established (${counts})` };
  return { status: 'pass', text: `PASS: every arrived record left the sink exactly once (${counts})` };
}

export function zeroLossBanner(runs: readonly { label: string; summary: RunSummary }[]): string {
  const checks = runs.map((r) => ({ label: r.label, ...zeroLoss(r.summary) }));
  const worst: ZeroLossStatus = checks.some((c) => c.status === 'fail') ? 'fail' : checks.some((c) => c.status === 'warn') ? 'warn' : 'pass';
  const head = { pass: 'Zero loss: PASS', fail: 'Zero loss: FAIL', warn: 'Zero loss: NOT ESTABLISHED' }[worst];
  const details =
    runs.length === 1
      ? `<span class="detail">${escapeHtml(checks[0].text)}</span>`
      : checks.map((c) => `<span class="detail">${escapeHtml(c.label)}: ${escapeHtml(c.text)}</span>`).join('');
  return `<section class="banner ${worst}" id="zero-loss" data-status="${worst}">${head}${details}</section>`;
}

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export function fmtInt(n: number): string {
  return Number.isFinite(n) ? INT.format(n) : '—';
}
export function fmtNum(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(n);
}
export function fmtUsd(n: number): string {
  if (!Number.isFinite(n)) return '—';
  return `$${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 6 : 4)}`;
}
function fmtPct(n: number): string {
  return Number.isFinite(n) ? `${(n * 100).toFixed(1)}%` : '—';
}

type Cell = { html: string; cls?: string };
type Row = { key: string; cell: (s: RunSummary) => Cell } | { group: string };

const t = (html: string, cls?: string): Cell => ({ html: escapeHtml(html), cls });

const SUMMARY_ROWS: Row[] = [
  { group: 'Run' },
  { key: 'scenario', cell: (s) => t(s.scenario) },
  { key: 'policy', cell: (s) => t(s.policy) },
  { key: 'policy parameters', cell: (s) => t(formatParams(s.params) || '—', 'wrap') },
  { key: 'seed', cell: (s) => t(String(s.seed)) },
  { key: 'replay length (s)', cell: (s) => t(fmtNum(s.duration_s, 1)) },
  { key: 'ended at (s, after draining)', cell: (s) => t(fmtNum(s.end_s, 1)) },
  { key: 'drained', cell: (s) => t(s.drained ? 'yes' : 'no', s.drained ? 'pass' : 'warn') },
  { group: 'Records' },
  { key: 'arrived', cell: (s) => t(fmtInt(s.records.arrived)) },
  { key: 'emitted (left the sink)', cell: (s) => t(fmtInt(s.records.emitted)) },
  { key: 'filtered on purpose', cell: (s) => t(fmtInt(s.records.filtered)) },
  { key: 'in flight at end', cell: (s) => t(fmtInt(s.records.in_flight), s.records.in_flight > 0 ? 'warn' : undefined) },
  { key: 'lost', cell: (s) => (s.drained || s.records.lost > 0 ? t(fmtInt(s.records.lost), s.records.lost > 0 ? 'fail' : 'pass') : t('– (not drained)', 'warn')) },
  { key: 'duplicated', cell: (s) => t(fmtInt(s.records.duplicated), s.records.duplicated > 0 ? 'fail' : 'pass') },
  { key: 'results', cell: (s) => t(fmtInt(s.records.results)) },
  { key: 'zero-loss check', cell: (s) => { const z = zeroLoss(s); return t(z.text.split(':')[0], z.status); } },
  { group: 'Latency (sink time − intended arrival)' },
  { key: 'p50 (ms)', cell: (s) => t(fmtNum(s.latency_ms.p50, 1)) },
  { key: 'p90 (ms)', cell: (s) => t(fmtNum(s.latency_ms.p90, 1)) },
  { key: 'p99 (ms)', cell: (s) => t(fmtNum(s.latency_ms.p99, 1)) },
  { key: 'p99.9 (ms)', cell: (s) => t(fmtNum(s.latency_ms.p999, 1)) },
  { key: 'max (ms)', cell: (s) => t(fmtNum(s.latency_ms.max, 1)) },
  { key: 'mean (ms)', cell: (s) => t(fmtNum(s.latency_ms.mean, 1)) },
  { group: 'Load' },
  { key: 'throughput (records/s)', cell: (s) => t(fmtNum(s.throughput_rps, 1)) },
  { key: 'max pending records', cell: (s) => t(fmtInt(s.max_pending_records)) },
  {
    key: 'backpressured time (s, per vertex)',
    cell: (s) => t(Object.entries(s.backpressured_s ?? {}).map(([v, x]) => `${v} ${fmtNum(x, 1)}`).join(', ') || '—', 'wrap'),
  },
  { group: 'Offload and functions' },
  { key: 'offloaded records', cell: (s) => t(`${fmtInt(s.offload.records)} (${fmtPct(s.offload.share)})`) },
  { key: 'batches / fallbacks to local', cell: (s) => t(`${fmtInt(s.offload.batches)} / ${fmtInt(s.offload.fallbacks)}`) },
  { key: 'invocations', cell: (s) => t(fmtInt(s.lambda.invocations)) },
  { key: 'cold starts', cell: (s) => t(fmtInt(s.lambda.cold_starts)) },
  { key: 'throttles / errors / timeouts', cell: (s) => t(`${fmtInt(s.lambda.throttles)} / ${fmtInt(s.lambda.errors)} / ${fmtInt(s.lambda.timeouts)}`) },
  { key: 'max concurrency', cell: (s) => t(fmtInt(s.lambda.max_concurrency)) },
  { key: 'order violations', cell: (s) => t(fmtInt(s.order_violations), s.order_violations > 0 ? 'warn' : undefined) },
  // first overloaded interval → first offloaded record, at record resolution (metrics/flapping.ts)
  { key: 'time to react (s)', cell: (s) => t(fmtNum(s.flapping?.time_to_react_s ?? null, 3)) },
  { group: 'Cost' },
  { key: 'total (USD)', cell: (s) => t(fmtUsd(s.cost_usd.total)) },
  { key: 'requests / duration / provisioned (USD)', cell: (s) => t(`${fmtUsd(s.cost_usd.requests)} / ${fmtUsd(s.cost_usd.duration)} / ${fmtUsd(s.cost_usd.provisioned)}`) },
];

/** Key numbers of summary.json: one column per run. */
export function summaryTable(runs: readonly { label: string; summary: RunSummary }[]): string {
  const head = runs.length > 1 ? `<tr><th class="k"></th>${runs.map((r) => `<th>${escapeHtml(r.label)}</th>`).join('')}</tr>` : '';
  const body = SUMMARY_ROWS.map((row) => {
    if ('group' in row) return `<tr class="group"><td colspan="${runs.length + 1}">${escapeHtml(row.group)}</td></tr>`;
    const cells = runs.map((r) => {
      const c = row.cell(r.summary);
      return `<td${c.cls ? ` class="${c.cls}"` : ''}>${c.html}</td>`;
    });
    return `<tr><td class="k">${escapeHtml(row.key)}</td>${cells.join('')}</tr>`;
  }).join('\n');
  return `<h2>Summary</h2>\n<div class="table-wrap"><table id="summary-table">\n${head}\n${body}\n</table></div>`;
}

function stat(r: SweepRow, metric: string, fmt: (n: number) => string): string {
  const m = r.metrics[metric];
  if (!m) return '—';
  return Number.isFinite(m.ci95) ? `${fmt(m.mean)} ± ${fmt(m.ci95)}` : fmt(m.mean);
}

/** The ranking of a sweep: ranked rows first, Pareto rows highlighted. The trace column only when rows differ. */
export function rankingTable(rows: readonly SweepRow[]): string {
  const traces = new Set(rows.map((r) => r.trace));
  const showTrace = traces.size > 1;
  const cols: [string, boolean][] = [
    ['rank', false], ['row', true], ['policy', true], ['parameters', true], ...(showTrace ? [['trace', true] as [string, boolean]] : []),
    ['n', false], ['p99 (ms)', false], ['p50 (ms)', false], ['cost (USD)', false], ['cost (USD/h)', false],
    ['max pending', false], ['throughput (rec/s)', false], ['share switches/min', false], ['share variance', false],
    ['time to react (s)', false], ['status', true], ['score', false],
  ];
  const head = `<tr>${cols.map(([c, left]) => `<th${left ? ' class="k"' : ''}>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = rankedRows(rows).map((r) => {
    const status = !r.feasible ? t('infeasible', 'k fail') : r.pareto ? t('Pareto front', 'k pass') : t('feasible', 'k');
    const cells = [
      t(r.rank === null ? '—' : String(r.rank)),
      t(r.id, 'k'),
      t(r.policy, 'k'),
      t(formatParams(r.params) || '—', 'k wrap'),
      ...(showTrace ? [t(r.trace || '—', 'k')] : []),
      t(String(r.n)),
      t(stat(r, 'latency_p99_ms', (n) => fmtNum(n, 1))),
      t(stat(r, 'latency_p50_ms', (n) => fmtNum(n, 1))),
      t(stat(r, 'cost_usd', (n) => fmtNum(n, 4))),
      t(stat(r, 'cost_usd_per_hour', (n) => fmtNum(n, 3))),
      t(stat(r, 'max_pending_records', (n) => fmtNum(n, 0))),
      t(stat(r, 'throughput_rps', (n) => fmtNum(n, 0))),
      t(stat(r, 'share_switches_per_min', (n) => fmtNum(n, 2))),
      t(stat(r, 'share_variance', (n) => fmtNum(n, 3))),
      t(stat(r, 'time_to_react_s', (n) => fmtNum(n, 3))), // record resolution: ms
      status,
      t(r.score === null ? '—' : fmtNum(r.score, 4)),
    ];
    return `<tr data-row="${escapeHtml(r.id)}"${r.pareto ? ' class="pareto"' : ''}>${cells.map((c) => `<td${c.cls ? ` class="${c.cls}"` : ''}>${c.html}</td>`).join('')}</tr>`;
  });
  const traceNote = !showTrace && rows[0]?.trace ? ` Every row replays ${escapeHtml(rows[0].trace)}.` : '';
  return `<h2>Ranking</h2>\n<p class="hint">Means over replications ± 95% confidence half-width. Highlighted rows are on the cost–p99 Pareto front.${traceNote}</p>\n<div class="table-wrap"><table id="ranking-table">\n${head}\n${body.join('\n')}\n</table></div>`;
}

/**
 * What the "order violations" row means, in words, under the summary table of runs that offloaded: a number
 * without this reads like an error, and with unordered merge it is not one.
 */
export function orderViolationsNote(runs: readonly { summary: RunSummary }[]): string {
  if (!runs.some((r) => r.summary.offload.records > 0)) return '';
  return (
    '<p class="hint" id="order-violations-note"><b>Order violations</b> counts records that left an offload point after a record ' +
    'its router handed on later (per subtask): a batch that came back from a function overtook, or was overtaken by, other ' +
    'records. With <code>merge: "unordered"</code> (Flink\'s unorderedWait) this is expected, since functions and local ' +
    'processing finish in any order; it says how much reordering the operators after the offload point must tolerate ' +
    '(event time and watermarks handle it; arrival-order logic does not). With <code>merge: "ordered"</code> the point holds ' +
    'results back to router order and the count is zero by construction.</p>'
  );
}
