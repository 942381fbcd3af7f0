/** Loading and checking the inputs of a report: a run directory, a comparison directory, a sweep directory. */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '../metrics/summary.js';
import { TIMESERIES_COLUMNS, VERTEX_COLUMNS } from '../metrics/summary.js';
import { UserError, where } from '../util/errors.js';
import { parseNumericCsv, readText, type NumericTable } from './csv.js';
import { loadDecisions, type DecisionPoint } from './decisions.js';
import { parseJsonFile } from '../util/json.js';

export interface CdfPoint {
  /** 0..100 */
  percentile: number;
  latency_ms: number;
}

export interface RunData {
  dir: string;
  /** How charts name this run: the comparison label, or the policy for a single run. */
  label: string;
  summary: RunSummary;
  timeseries: NumericTable;
  /** Job vertex ids found in timeseries.csv (`<vertex>.<metric>` columns), in column order. */
  vertices: string[];
  cdf: CdfPoint[];
  /** decisions.csv as points (share and the note's numbers); absent or empty without offloading. */
  decisions?: DecisionPoint[];
}

export interface CompareData {
  dir: string;
  scenario: string;
  runs: RunData[];
}

export interface MetricStat {
  /** NaN when results.json has null (e.g. a latency of a configuration with no results). */
  mean: number;
  /** Half-width of the 95% confidence interval; NaN when not given (e.g. n = 1). */
  ci95: number;
}

export interface SweepRow {
  id: string;
  policy: string;
  params: Record<string, unknown>;
  trace: string;
  n: number;
  metrics: Record<string, MetricStat>;
  rank: number | null;
  pareto: boolean;
  feasible: boolean;
  score: number | null;
}

export interface SweepData {
  dir: string;
  sweep: string;
  objective: unknown;
  rows: SweepRow[];
}

/** Metrics every sweep row must have (the Pareto chart's axes). */
export const SWEEP_REQUIRED_METRICS = ['latency_p99_ms', 'cost_usd_per_hour'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty array' : 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}

export function readJson(file: string): unknown {
  const text = readText(file);
  return parseJsonFile(text, file);
}

function get(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function expectNumber(file: string, obj: Record<string, unknown>, path: string): void {
  const v = get(obj, path);
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new UserError(where(file, path, `expected a number, found ${describe(v)}`));
}
function expectString(file: string, obj: Record<string, unknown>, path: string): void {
  const v = get(obj, path);
  if (typeof v !== 'string') throw new UserError(where(file, path, `expected a string, found ${describe(v)}`));
}
function expectBoolean(file: string, obj: Record<string, unknown>, path: string): void {
  const v = get(obj, path);
  if (typeof v !== 'boolean') throw new UserError(where(file, path, `expected true or false, found ${describe(v)}`));
}
function expectObject(file: string, obj: Record<string, unknown>, path: string): void {
  const v = get(obj, path);
  if (!isObject(v)) throw new UserError(where(file, path, `expected an object, found ${describe(v)}`));
}

const SUMMARY_NUMBERS = [
  'seed', 'duration_s', 'end_s',
  'records.arrived', 'records.emitted', 'records.filtered', 'records.in_flight', 'records.lost', 'records.duplicated', 'records.results',
  'latency_ms.p50', 'latency_ms.p90', 'latency_ms.p99', 'latency_ms.p999', 'latency_ms.max', 'latency_ms.mean', 'latency_ms.count',
  'throughput_rps', 'max_pending_records',
  'cost_usd.total', 'cost_usd.requests', 'cost_usd.duration', 'cost_usd.provisioned',
  'offload.records', 'offload.batches', 'offload.fallbacks', 'offload.share',
  'lambda.invocations', 'lambda.cold_starts', 'lambda.throttles', 'lambda.errors', 'lambda.timeouts', 'lambda.max_concurrency',
  'order_violations',
] as const;

/** Check the fields of summary.json a report shows. */
export function checkSummary(file: string, v: unknown): RunSummary {
  if (!isObject(v)) throw new UserError(where(file, undefined, `expected a JSON object, found ${describe(v)}`));
  for (const p of ['scenario', 'policy']) expectString(file, v, p);
  expectBoolean(file, v, 'drained');
  for (const p of ['params', 'records', 'latency_ms', 'cost_usd', 'offload', 'lambda', 'vertices']) expectObject(file, v, p);
  for (const p of SUMMARY_NUMBERS) expectNumber(file, v, p);
  return v as unknown as RunSummary;
}

/** Job vertex ids named by `<vertex>.<metric>` columns (vertex ids may themselves contain dots). */
export function vertexIds(columns: readonly string[]): string[] {
  const ids: string[] = [];
  for (const c of columns) {
    for (const m of VERTEX_COLUMNS) {
      const suffix = `.${m}`;
      if (c.endsWith(suffix) && c.length > suffix.length) {
        const id = c.slice(0, -suffix.length);
        if (!ids.includes(id)) ids.push(id);
      }
    }
  }
  return ids;
}

export function loadTimeseries(file: string): NumericTable {
  // `restarting` came with rescaling; runs written before it lack the column (read as never stopped).
  const table = parseNumericCsv(file, readText(file), TIMESERIES_COLUMNS.filter((c) => c !== 'restarting'));
  if (table.rows.length === 0) throw new UserError(where(file, undefined, 'no data rows'));
  let prev = -Infinity;
  for (const row of table.rows) {
    const t = row.t_s;
    if (Number.isNaN(t)) throw new UserError(where(file, 't_s', 'empty time'));
    if (t <= prev) throw new UserError(where(file, 't_s', `times must increase, found ${t} after ${prev}`));
    prev = t;
  }
  return table;
}

/** A latency CDF; it may have no rows (a run with no results has no latencies). */
export function loadCdf(file: string): CdfPoint[] {
  const table = parseNumericCsv(file, readText(file), ['percentile', 'latency_ms']);
  const out: CdfPoint[] = [];
  let prev = -Infinity;
  for (const row of table.rows) {
    const p = row.percentile;
    const l = row.latency_ms;
    if (!(p >= 0 && p <= 100)) throw new UserError(where(file, 'percentile', `${p} is outside 0..100`));
    if (p < prev) throw new UserError(where(file, 'percentile', `percentiles must not decrease, found ${p} after ${prev}`));
    if (!(l >= 0)) throw new UserError(where(file, 'latency_ms', `${l} is not a latency (expected a number >= 0)`));
    prev = p;
    out.push({ percentile: p, latency_ms: l });
  }
  return out;
}

function requireDir(dir: string): void {
  if (!existsSync(dir)) throw new UserError(`${dir}: directory not found`);
  if (!statSync(dir).isDirectory()) throw new UserError(`${dir}: not a directory`);
}

export function loadRun(dir: string, label?: string): RunData {
  requireDir(dir);
  const summary = checkSummary(join(dir, 'summary.json'), readJson(join(dir, 'summary.json')));
  const timeseries = loadTimeseries(join(dir, 'timeseries.csv'));
  const cdf = loadCdf(join(dir, 'latency_cdf.csv'));
  const decisions = loadDecisions(join(dir, 'decisions.csv'));
  return { dir, label: label ?? summary.policy, summary, timeseries, vertices: vertexIds(timeseries.columns), cdf, decisions };
}

export function loadCompare(dir: string): CompareData {
  requireDir(dir);
  const file = join(dir, 'compare.json');
  const v = readJson(file);
  if (!isObject(v)) throw new UserError(where(file, undefined, `expected a JSON object, found ${describe(v)}`));
  expectString(file, v, 'scenario');
  const runs = v.runs;
  if (!Array.isArray(runs) || runs.length === 0) throw new UserError(where(file, 'runs', `expected a non-empty array, found ${describe(runs)}`));
  const labels = new Set<string>();
  const out: RunData[] = [];
  runs.forEach((r: unknown, i) => {
    if (!isObject(r)) throw new UserError(where(file, `runs[${i}]`, `expected an object, found ${describe(r)}`));
    expectString(file, r, 'label');
    expectString(file, r, 'dir');
    const label = r.label as string;
    if (labels.has(label)) throw new UserError(where(file, `runs[${i}].label`, `duplicate label "${label}"`));
    labels.add(label);
    out.push(loadRun(join(dir, r.dir as string), label));
  });
  return { dir, scenario: v.scenario as string, runs: out };
}

function checkStat(file: string, field: string, v: unknown, required: boolean): MetricStat | undefined {
  if (v === undefined && !required) return undefined;
  if (!isObject(v)) throw new UserError(where(file, field, `expected {"mean": number, "ci95": number}, found ${describe(v)}`));
  if (v.mean !== null && (typeof v.mean !== 'number' || !Number.isFinite(v.mean))) {
    throw new UserError(where(file, `${field}.mean`, `expected a number or null, found ${describe(v.mean)}`));
  }
  const ci = v.ci95;
  if (ci !== undefined && ci !== null && (typeof ci !== 'number' || !(ci >= 0))) {
    throw new UserError(where(file, `${field}.ci95`, `expected a number >= 0 or null, found ${describe(ci)}`));
  }
  return { mean: typeof v.mean === 'number' ? v.mean : Number.NaN, ci95: typeof ci === 'number' ? ci : Number.NaN };
}

export function loadSweep(dir: string): SweepData {
  requireDir(dir);
  const file = join(dir, 'results.json');
  const v = readJson(file);
  if (!isObject(v)) throw new UserError(where(file, undefined, `expected a JSON object, found ${describe(v)}`));
  expectString(file, v, 'sweep');
  const rows = v.rows;
  if (!Array.isArray(rows) || rows.length === 0) throw new UserError(where(file, 'rows', `expected a non-empty array, found ${describe(rows)}`));
  const ids = new Set<string>();
  const out: SweepRow[] = rows.map((r: unknown, i): SweepRow => {
    const at = `rows[${i}]`;
    if (!isObject(r)) throw new UserError(where(file, at, `expected an object, found ${describe(r)}`));
    for (const p of ['id', 'policy']) {
      if (typeof r[p] !== 'string') throw new UserError(where(file, `${at}.${p}`, `expected a string, found ${describe(r[p])}`));
    }
    const id = r.id as string;
    if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw new UserError(where(file, `${at}.id`, `"${id}" is not a usable id (letters, digits, _ . - only)`));
    if (ids.has(id)) throw new UserError(where(file, `${at}.id`, `duplicate id "${id}"`));
    ids.add(id);
    if (!isObject(r.metrics)) throw new UserError(where(file, `${at}.metrics`, `expected an object, found ${describe(r.metrics)}`));
    const metrics: Record<string, MetricStat> = {};
    for (const [k, m] of Object.entries(r.metrics)) {
      const s = checkStat(file, `${at}.metrics.${k}`, m, (SWEEP_REQUIRED_METRICS as readonly string[]).includes(k));
      if (s) metrics[k] = s;
    }
    for (const k of SWEEP_REQUIRED_METRICS) {
      if (!metrics[k]) checkStat(file, `${at}.metrics.${k}`, undefined, true);
    }
    const rank = r.rank;
    if (rank !== undefined && rank !== null && (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 1)) {
      throw new UserError(where(file, `${at}.rank`, `expected a whole number >= 1 or null, found ${describe(rank)}`));
    }
    const score = r.score;
    if (score !== undefined && score !== null && (typeof score !== 'number' || !Number.isFinite(score))) {
      throw new UserError(where(file, `${at}.score`, `expected a number or null, found ${describe(score)}`));
    }
    return {
      id,
      policy: r.policy as string,
      params: isObject(r.params) ? r.params : {},
      trace: typeof r.trace === 'string' ? r.trace : '',
      n: typeof r.n === 'number' ? r.n : 1,
      metrics,
      rank: typeof rank === 'number' ? rank : null,
      pareto: r.pareto === true,
      feasible: r.feasible !== false,
      score: typeof score === 'number' ? score : null,
    };
  });
  return { dir, sweep: v.sweep as string, objective: v.objective, rows: out };
}

/** Rows in ranking order: ranked rows by rank, then unranked rows in file order. */
export function rankedRows(rows: readonly SweepRow[]): SweepRow[] {
  const ranked = rows.filter((r) => r.rank !== null).sort((a, b) => (a.rank as number) - (b.rank as number));
  return [...ranked, ...rows.filter((r) => r.rank === null)];
}
