/**
 * Reading measurement files for calibration. Three kinds, recognised by their content (docs/CALIBRATION.md):
 *
 * - **probe**: the JSON Lines `spillway lambda probe` writes (docs/LAMBDA.md §4), one invocation per line;
 * - **flink-metrics**: samples of Flink task metrics per subtask, CSV (header) or JSON Lines, with at least
 *   `vertex`, `busyTimeMsPerSecond`, `numRecordsInPerSecond` (optional `t_ms`/`t_s`/`t`, `subtask`);
 * - **timings**: per-record service times, CSV or JSON Lines with `service_ms` or `service_us` (optional `vertex`).
 *
 * A directory (a flink-validate run directory) is searched for the files of RUN_DIR_FILES. Every problem is one
 * UserError `file:line: what`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { quoted, UserError, where } from '../util/errors.js';
import type { ProbeSample as ProbeLine } from '../functions/probe.js';
import { findSyntaxError, stripBom } from '../util/json.js';

/** A probe line (the format `spillway lambda probe` writes) with where it came from. */
export interface ProbeSample extends ProbeLine {
  file: string;
  line: number;
}

export interface MetricSample {
  file: string;
  line: number;
  /** ms, when the file has a time column. */
  t: number | null;
  vertex: string;
  subtask: number | null;
  busyTimeMsPerSecond: number;
  numRecordsInPerSecond: number;
}

export interface TimingSample {
  file: string;
  line: number;
  vertex: string | null;
  service_ms: number;
}

export interface Measurements {
  probes: ProbeSample[];
  metrics: MetricSample[];
  timings: TimingSample[];
  /** Every file read, in order, with its kind. */
  files: { path: string; kind: MeasurementKind; records: number }[];
}

export type MeasurementKind = 'probe' | 'flink-metrics' | 'timings';

/** Files looked for inside a run directory (flink-validate output or a `spillway validate` directory). */
export const RUN_DIR_FILES = [
  'service_times.csv',
  'service_times.jsonl',
  'flink-metrics.csv',
  'flink-metrics.jsonl',
  'probe.jsonl',
] as const;

type Row = { line: number; get(name: string): string | number | boolean | null | undefined; has(name: string): boolean };

/** Split one CSV line (RFC 4180 quotes, no embedded newlines). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

function readRows(file: string, text: string): { rows: Row[]; columns: string[] } {
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (first < 0) throw new UserError(where(file, undefined, 'no measurements (the file is empty)'));
  if (lines[first].trim().startsWith('{')) {
    const rows: Row[] = [];
    const cols = new Set<string>();
    lines.forEach((l, i) => {
      const s = l.trim();
      if (s === '' || s.startsWith('#')) return;
      let obj: unknown;
      try {
        obj = JSON.parse(s);
      } catch {
        const { pos, what } = findSyntaxError(s);
        throw new UserError(`${file}:${i + 1}:${pos + 1}: not valid JSON: ${what}`);
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new UserError(where(file, i + 1, 'each line must be a JSON object'));
      const o = obj as Record<string, unknown>;
      Object.keys(o).forEach((k) => cols.add(k));
      rows.push({ line: i + 1, get: (n) => o[n] as never, has: (n) => n in o });
    });
    return { rows, columns: [...cols] };
  }
  const header = splitCsv(lines[first]);
  const idx = new Map(header.map((h, i) => [h, i]));
  const rows: Row[] = [];
  for (let i = first + 1; i < lines.length; i++) {
    const s = lines[i].trim();
    if (s === '' || s.startsWith('#')) continue;
    const cells = splitCsv(lines[i]);
    if (cells.length !== header.length) {
      throw new UserError(where(file, i + 1, `${cells.length} fields, the header has ${header.length}`));
    }
    rows.push({
      line: i + 1,
      get: (n) => {
        const j = idx.get(n);
        if (j === undefined) return undefined;
        const v = cells[j];
        if (v === '') return null;
        const num = Number(v);
        return Number.isNaN(num) ? v : num;
      },
      has: (n) => idx.has(n),
    });
  }
  return { rows, columns: header };
}

export function detectKind(columns: readonly string[]): MeasurementKind | undefined {
  const c = new Set(columns);
  if (c.has('kind') && c.has('client_ms') && c.has('duration_ms')) return 'probe';
  if (c.has('busyTimeMsPerSecond') && c.has('numRecordsInPerSecond')) return 'flink-metrics';
  if (c.has('service_ms') || c.has('service_us')) return 'timings';
  return undefined;
}

function num(file: string, r: Row, field: string, opts: { min?: number; integer?: boolean; nullable?: boolean; optional?: boolean } = {}): number | null {
  const v = r.get(field);
  if (v === undefined && opts.optional) return null;
  if (v === undefined) throw new UserError(where(file, r.line, `${field} is missing`));
  if (v === null) {
    if (opts.nullable || opts.optional) return null;
    throw new UserError(where(file, r.line, `${field} must be a number, not null`));
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new UserError(where(file, r.line, `${field} must be a number (got ${JSON.stringify(v)})`));
  if (opts.integer && !Number.isInteger(v)) throw new UserError(where(file, r.line, `${field} must be an integer (got ${v})`));
  if (opts.min !== undefined && v < opts.min) throw new UserError(where(file, r.line, `${field} must be >= ${opts.min} (got ${v})`));
  return v;
}

function str(file: string, r: Row, field: string, optional = false): string | null {
  const v = r.get(field);
  if ((v === undefined || v === null) && optional) return null;
  if (v === undefined || v === null || v === '') throw new UserError(where(file, r.line, `${field} is missing`));
  return String(v);
}

function probeRow(file: string, r: Row): ProbeSample {
  const kind = r.get('kind');
  if (kind !== 'cold' && kind !== 'warm') throw new UserError(where(file, r.line, `kind must be "cold" or "warm" (got ${JSON.stringify(kind)})`));
  const s: ProbeSample = {
    file,
    line: r.line,
    kind,
    t: num(file, r, 't', { min: 0 })!,
    function: str(file, r, 'function')!,
    memory_mb: num(file, r, 'memory_mb', { min: 1, integer: true })!,
    batch_records: num(file, r, 'batch_records', { min: 0, integer: true })!,
    payload_bytes: num(file, r, 'payload_bytes', { min: 0, integer: true })!,
    client_ms: num(file, r, 'client_ms', { min: 0 })!,
    duration_ms: num(file, r, 'duration_ms', { min: 0 })!,
    billed_ms: num(file, r, 'billed_ms', { min: 0 })!,
    init_ms: num(file, r, 'init_ms', { min: 0, nullable: true }),
  };
  if (kind === 'cold' && s.init_ms === null) throw new UserError(where(file, r.line, 'init_ms must be a number on a cold sample (got null)'));
  if (kind === 'warm' && s.init_ms !== null) throw new UserError(where(file, r.line, `init_ms must be null on a warm sample (got ${s.init_ms})`));
  if (s.client_ms < s.duration_ms) {
    throw new UserError(where(file, r.line, `client_ms (${s.client_ms}) is less than duration_ms (${s.duration_ms}): the caller cannot see less than the handler ran`));
  }
  return s;
}

function metricRow(file: string, r: Row): MetricSample {
  const t = r.has('t_ms') ? num(file, r, 't_ms', { optional: true }) : r.has('t_s') ? (num(file, r, 't_s', { optional: true }) ?? NaN) * 1000 : r.has('t') ? num(file, r, 't', { optional: true }) : null;
  return {
    file,
    line: r.line,
    t: t === null || Number.isNaN(t) ? null : t,
    vertex: str(file, r, 'vertex')!,
    subtask: num(file, r, 'subtask', { optional: true, min: 0, integer: true }),
    busyTimeMsPerSecond: (() => {
      const b = num(file, r, 'busyTimeMsPerSecond', { min: 0 })!;
      if (b > 1000.5) throw new UserError(where(file, r.line, `busyTimeMsPerSecond must be <= 1000 (got ${b})`));
      return b;
    })(),
    numRecordsInPerSecond: num(file, r, 'numRecordsInPerSecond', { min: 0 })!,
  };
}

function timingRow(file: string, r: Row): TimingSample {
  const ms = r.has('service_ms') ? num(file, r, 'service_ms', { min: 0 })! : num(file, r, 'service_us', { min: 0 })! / 1000;
  return { file, line: r.line, vertex: r.has('vertex') ? str(file, r, 'vertex', true) : null, service_ms: ms };
}

/** Read one measurement file into `into`; returns its kind. */
export function readMeasurementFile(file: string, into: Measurements): MeasurementKind {
  let text: string;
  try {
    text = stripBom(readFileSync(file, 'utf8'));
  } catch {
    throw new UserError(`${file}: cannot read the measurement file`);
  }
  const { rows, columns } = readRows(file, text);
  const kind = detectKind(columns);
  if (!kind) {
    throw new UserError(
      where(
        file,
        rows[0]?.line ?? 1,
        `not a measurement file spillway knows: expected probe lines (kind, client_ms, duration_ms, ...), Flink metric samples (vertex, busyTimeMsPerSecond, numRecordsInPerSecond) or per-record timings (service_ms or service_us); found fields ${columns.slice(0, 8).map((c) => quoted(c)).join(', ')}${columns.length > 8 ? ', …' : ''}`,
      ),
    );
  }
  if (rows.length === 0) throw new UserError(where(file, undefined, 'no measurements (a header but no rows)'));
  if (kind === 'probe') into.probes.push(...rows.map((r) => probeRow(file, r)));
  else if (kind === 'flink-metrics') into.metrics.push(...rows.map((r) => metricRow(file, r)));
  else into.timings.push(...rows.map((r) => timingRow(file, r)));
  into.files.push({ path: file, kind, records: rows.length });
  return kind;
}

/** Read files and run directories. */
export function readMeasurements(paths: readonly string[]): Measurements {
  if (paths.length === 0) throw new UserError('name at least one measurement file or run directory');
  const m: Measurements = { probes: [], metrics: [], timings: [], files: [] };
  for (const p of paths) {
    if (!existsSync(p)) throw new UserError(`${p}: no such file or directory`);
    if (statSync(p).isDirectory()) {
      const found = RUN_DIR_FILES.map((f) => join(p, f)).filter((f) => existsSync(f));
      if (found.length === 0) {
        throw new UserError(
          `${p}: a directory with no measurements spillway can calibrate from (looked for ${RUN_DIR_FILES.join(', ')}; see docs/CALIBRATION.md)`,
        );
      }
      for (const f of found) readMeasurementFile(f, m);
    } else {
      readMeasurementFile(p, m);
    }
  }
  return m;
}
