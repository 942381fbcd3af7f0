/**
 * Reports: charts (SVG, PNG) and a self-contained report.html for a run directory, a comparison directory
 * (compare.json: the same scenario under several policies) or a sweep directory (results.json).
 */
import { existsSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { UserError } from '../util/errors.js';
import { replaceSubdir, writeFileAtomic } from '../util/output.js';
import { costP99Chart, runCharts, SWEEP_CDF_ROWS, sweepCharts, sweepLabel } from './charts.js';
import { escapeHtml, renderPage, type ChartEntry } from './html.js';
import { loadCdf, loadCompare, loadRun, loadSweep, rankedRows, type RunData, type SweepRow } from './inputs.js';
import type { CdfCurve } from './specs/cdf.js';
import { renderSvg, svgToPng } from './render.js';
import { traceSpec, type TraceChartOptions, type TraceShape } from './specs/trace.js';
import { orderViolationsNote, rankingTable, summaryTable, zeroLossBanner } from './tables.js';

export { compileSpec, renderSvg, svgToPng } from './render.js';
export type { TraceShape } from './specs/trace.js';

export interface ReportOptions {
  /** Also write charts/*.png next to the SVGs (default true). */
  png?: boolean;
  /** For a comparison directory: also write each run's own report (default true). */
  perRun?: boolean;
  /** For a comparison directory: one sentence shown first (the demo's or a validation's verdict). */
  verdict?: string;
  /** For a comparison directory: HTML sections shown after the verdict (a validation's error table). */
  sections?: readonly string[];
  /** For a comparison directory: charts drawn after the runs' own (a validation's policy signals). */
  charts?: readonly ChartEntry[];
}

export type ReportKind = 'run' | 'compare' | 'sweep';

/** Write charts/<name>.svg (and .png) for each chart; the charts/ directory is replaced as a whole. */
async function writeCharts(dir: string, charts: readonly ChartEntry[], png: boolean): Promise<void> {
  await replaceSubdir(join(dir, 'charts'), async (staging) => {
    for (const c of charts) {
      const svg = await renderSvg(c.spec);
      writeFileAtomic(join(staging, `${c.name}.svg`), svg);
      if (png) writeFileAtomic(join(staging, `${c.name}.png`), svgToPng(svg));
    }
  });
}

function runSubtitle(run: RunData): string[] {
  const s = run.summary;
  return [`scenario ${s.scenario} · policy ${s.policy} · seed ${s.seed} · ${s.duration_s} s replay · spillway ${s.spillway_version ?? '?'}`];
}

/** Charts and report.html for one run directory (summary.json, timeseries.csv, latency_cdf.csv). */
export async function writeRunReport(runDir: string, opts: ReportOptions = {}): Promise<void> {
  const run = loadRun(runDir);
  const charts = runCharts([run]);
  const png = opts.png ?? true;
  await writeCharts(runDir, charts, png);
  const html = renderPage({
    title: `Spillway run: ${run.summary.scenario} / ${run.summary.policy}`,
    subtitle: runSubtitle(run),
    sections: [zeroLossBanner([run]), summaryTable([run]), orderViolationsNote([run])],
    charts,
    staticLinks: { svg: true, png },
  });
  writeFileAtomic(join(runDir, 'report.html'), html);
}

/** Charts overlaying every run of a comparison directory (compare.json), and its report.html. */
export async function writeCompareReport(dir: string, opts: ReportOptions = {}): Promise<void> {
  const cmp = loadCompare(dir);
  const png = opts.png ?? true;
  const charts = runCharts(cmp.runs);
  if (cmp.runs.length > 1) charts.push(costP99Chart(cmp.runs));
  charts.push(...(opts.charts ?? []));
  await writeCharts(dir, charts, png);
  const perRun = opts.perRun ?? true;
  if (perRun) for (const r of cmp.runs) await writeRunReport(r.dir, { png });
  const runList = `<h2>Runs</h2>\n<ul id="run-list">${cmp.runs
    .map((r) => {
      const rel = relative(dir, r.dir).split(sep).join('/');
      return `<li>${escapeHtml(r.label)}: policy ${escapeHtml(r.summary.policy)}${perRun ? ` · <a href="${escapeHtml(rel)}/report.html">its own report</a>` : ''}</li>`;
    })
    .join('')}</ul>`;
  const html = renderPage({
    title: `Spillway comparison: ${cmp.scenario}`,
    subtitle: [`${cmp.runs.length} runs of the same scenario: ${cmp.runs.map((r) => r.label).join(', ')}`],
    sections: [
      ...(opts.verdict ? [`<p id="verdict"><strong>${escapeHtml(opts.verdict)}</strong></p>`] : []),
      ...(opts.sections ?? []),
      zeroLossBanner(cmp.runs),
      summaryTable(cmp.runs),
      orderViolationsNote(cmp.runs),
      runList,
    ],
    charts,
    staticLinks: { svg: true, png },
  });
  writeFileAtomic(join(dir, 'report.html'), html);
}

/**
 * The latency CDFs of the best-ranked rows that have one (cdf/<row id>.csv; a configuration whose runs produced
 * no results has none). A CDF file that exists but is malformed is a UserError.
 */
export function sweepCdfCurves(sweepDir: string, rows: readonly SweepRow[], max = SWEEP_CDF_ROWS): CdfCurve[] {
  const curves: CdfCurve[] = [];
  for (const r of rankedRows(rows)) {
    if (curves.length >= max) break;
    const file = join(sweepDir, 'cdf', `${r.id}.csv`);
    if (!existsSync(file)) continue;
    const points = loadCdf(file);
    if (points.length > 0) curves.push({ label: sweepLabel(r), points });
  }
  return curves;
}

/** The Pareto chart, the best rows' latency CDFs and the ranking table of a sweep directory (results.json). */
export async function writeSweepReport(sweepDir: string, opts: ReportOptions = {}): Promise<void> {
  const sweep = loadSweep(sweepDir);
  const png = opts.png ?? true;
  const curves = sweepCdfCurves(sweepDir, sweep.rows);
  const charts = sweepCharts(sweep, curves);
  await writeCharts(sweepDir, charts, png);
  const objective =
    sweep.objective === undefined ? '' : `<h2>Objective</h2>\n<pre id="objective">${escapeHtml(JSON.stringify(sweep.objective, null, 2))}</pre>`;
  const html = renderPage({
    title: `Spillway sweep: ${sweep.sweep}`,
    subtitle: [`${sweep.rows.length} configurations · ${sweep.rows.filter((r) => r.pareto).length} on the Pareto front`],
    sections: [objective, rankingTable(sweep.rows)],
    charts,
    staticLinks: { svg: true, png },
  });
  writeFileAtomic(join(sweepDir, 'report.html'), html);
}

/** Render a trace's shape (rate over time) to an SVG file (and a PNG beside it when asked). */
export async function renderTraceChart(
  trace: TraceShape,
  outSvgPath: string,
  opts: TraceChartOptions & { png?: boolean } = {},
): Promise<void> {
  if (trace.tS.length === 0) throw new UserError(`${outSvgPath}: the trace has no points to chart`);
  if (trace.tS.length !== trace.rate.length) {
    throw new UserError(`${outSvgPath}: the trace has ${trace.tS.length} times but ${trace.rate.length} rates`);
  }
  const svg = await renderSvg(traceSpec(trace, opts));
  writeFileAtomic(outSvgPath, svg);
  if (opts.png) writeFileAtomic(outSvgPath.replace(/\.svg$/i, '') + '.png', svgToPng(svg));
}

/** What kind of report directory this is: results.json → sweep, compare.json → comparison, summary.json → run. */
export function detectReportKind(dir: string): ReportKind {
  if (!existsSync(dir)) throw new UserError(`${dir}: directory not found`);
  if (!statSync(dir).isDirectory()) throw new UserError(`${dir}: not a directory`);
  if (existsSync(join(dir, 'results.json'))) return 'sweep';
  if (existsSync(join(dir, 'compare.json'))) return 'compare';
  if (existsSync(join(dir, 'summary.json'))) return 'run';
  throw new UserError(`${dir}: not a run, comparison or sweep directory (no summary.json, compare.json or results.json)`);
}

/** Write the report of a run, comparison or sweep directory, whichever it is. */
export async function writeReport(dir: string, opts: ReportOptions = {}): Promise<ReportKind> {
  const kind = detectReportKind(dir);
  if (kind === 'sweep') await writeSweepReport(dir, opts);
  else if (kind === 'compare') await writeCompareReport(dir, opts);
  else await writeRunReport(dir, opts);
  return kind;
}
