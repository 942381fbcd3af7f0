/**
 * The files a sweep leaves in its directory besides runs.jsonl: results.json, results.csv, cdf/<row id>.csv
 * and, with --top K, top/<rank>-<row id>.json scenario files. Everything written here is a pure function of the
 * sweep and its recorded runs, so a resumed sweep writes the same bytes as an uninterrupted one.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../util/output.js';
import { looksLikeModulePath } from '../../policy/loader.js';
import { withScenarioPaths } from '../../scenario/paths.js';
import { recordsOf } from './aggregate.js';
import { readScenarioRefs, relPath } from './inputs.js';
import type { ConfigSpec, ResultRow, RunRecord, RunSpec, SweepResults, SweepSpec } from './types.js';

export const RESULTS_JSON = 'results.json';
export const RESULTS_CSV = 'results.csv';
export const CDF_DIR = 'cdf';
export const TOP_DIR = 'top';

export function resultsJson(results: SweepResults): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One line per row, in rank order: id, rank, policy, trace, n, feasible, pareto, score, param.<name>…, <metric>_mean, <metric>_ci95… */
export function resultsCsv(results: SweepResults, metrics: readonly string[]): string {
  const paramNames = [...new Set(results.rows.flatMap((r) => Object.keys(r.params)))].sort();
  const header = ['id', 'rank', 'policy', 'trace', 'n', 'feasible', 'pareto', 'score', ...paramNames.map((p) => `param.${p}`)];
  for (const m of metrics) header.push(`${m}_mean`, `${m}_ci95`);
  const lines = [header.join(',')];
  for (const r of results.rows) {
    const cells: unknown[] = [r.id, r.rank, r.policy, r.trace, r.n, r.feasible, r.pareto, r.score, ...paramNames.map((p) => r.params[p])];
    for (const m of metrics) cells.push(r.metrics[m]?.mean, r.metrics[m]?.ci95);
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function writeResults(outDir: string, spec: SweepSpec, results: SweepResults): void {
  writeFileAtomic(join(outDir, RESULTS_JSON), resultsJson(results));
  writeFileAtomic(join(outDir, RESULTS_CSV), resultsCsv(results, spec.metrics));
}

/** cdf/<row id>.csv from each configuration's lowest-seed run that carries a latency CDF. */
export function writeCdfs(outDir: string, configs: readonly ConfigSpec[], runs: readonly RunSpec[], records: ReadonlyMap<string, RunRecord>): number {
  const dir = join(outDir, CDF_DIR);
  rmSync(dir, { recursive: true, force: true });
  let written = 0;
  for (const c of configs) {
    const rec = recordsOf(c, runs, records).find((r) => Array.isArray(r.latency_cdf) && r.latency_cdf.length > 0);
    if (!rec?.latency_cdf) continue;
    if (written === 0) mkdirSync(dir, { recursive: true });
    const lines = ['percentile,latency_ms', ...rec.latency_cdf.map(([p, ms]) => `${csvCell(p)},${csvCell(ms)}`)];
    writeFileAtomic(join(dir, `${c.rowId}.csv`), `${lines.join('\n')}\n`);
    written++;
  }
  return written;
}

/**
 * The base scenario with one row's policy, params and trace filled in, every path rewritten relative to
 * `targetDir` (where the file will live), so it runs as is: `spillway simulate top/1-r12.json`.
 */
export function scenarioForRow(spec: SweepSpec, config: ConfigSpec, row: ResultRow, targetDir: string): Record<string, unknown> {
  const refs = readScenarioRefs(spec.scenario);
  const scenarioDir = resolve(spec.scenario, '..');
  const scenario = withScenarioPaths(JSON.parse(JSON.stringify(refs.raw)) as Record<string, unknown>, (p) => relPath(targetDir, resolve(scenarioDir, p)));
  const baseName = typeof scenario.name === 'string' ? scenario.name : 'scenario';
  scenario.name = `${baseName}-${spec.name}-${row.id}`;
  scenario.description = `Rank ${row.rank} of sweep "${spec.name}": policy ${row.policy} ${JSON.stringify(row.params)}, trace ${row.trace}` +
    (typeof refs.raw.description === 'string' ? `. Base: ${refs.raw.description}` : '');
  if (spec.durationS !== undefined) scenario.duration_s = spec.durationS;
  const traceAbs = config.tracePath ?? refs.trace;
  if (traceAbs && typeof scenario.workload === 'object' && scenario.workload !== null) {
    (scenario.workload as Record<string, unknown>).trace = relPath(targetDir, traceAbs);
  }
  const policy = looksLikeModulePath(config.policy) ? relPath(targetDir, resolve(spec.dir, config.policy)) : config.policy;
  scenario.policy = { name: policy, params: { ...config.params } };
  return scenario;
}

/** top/<rank>-<row id>.json for the best `k` rows (replacing an earlier top/); returns the files written. */
export function exportTop(outDir: string, spec: SweepSpec, configs: readonly ConfigSpec[], results: SweepResults, k: number): string[] {
  if (k <= 0) return []; // an earlier export is left alone
  const dir = join(outDir, TOP_DIR);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const byRow = new Map(configs.map((c) => [c.rowId, c]));
  const files: string[] = [];
  for (const row of results.rows.slice(0, k)) {
    const config = byRow.get(row.id);
    if (!config) continue;
    const file = join(dir, `${row.rank}-${row.id}.json`);
    writeFileAtomic(file, `${JSON.stringify(scenarioForRow(spec, config, row, resolve(dir)), null, 2)}\n`);
    files.push(file);
  }
  return files;
}
