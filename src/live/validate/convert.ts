/**
 * The real run as a run directory the report module reads (summary.json, timeseries.csv, latency_cdf.csv,
 * decisions.csv), built from the job's own outputs (flink-validate/README.md, "Output") and the controller's polls.
 *
 * Where each real number comes from:
 * - records, lost/duplicated, tokens, latency percentiles, offloaded/fallback counts, invocations, cold starts,
 *   throttles, errors: the job's summary.json (the sink's exact counts);
 * - per-second input, emitted, offloaded (+ fallback) records and latency p50/p99: the job's timeseries.csv;
 * - pending records, lag, busy/backpressured/idle time, pool usage, in-flight records, concurrency, decision share:
 *   the controller's REST polls (one per controller interval), the last poll in each second; record rates per
 *   vertex from differences of the numRecordsIn/numRecordsOut counters over the last 3 s (RATE_WINDOW_MS);
 * - cost: requests admitted × price + the function's reported billed ms (+ init ms when the model bills INIT) ×
 *   memory × price; without billed ms (an older job), records done remotely × work per record instead.
 * Not measured by the real job (left empty in timeseries.csv, 0 in summary.json and listed in `real.not_measured`):
 * results per second (tokens are only counted in total), latency max per interval, Lambda timeouts (counted among
 * errors), order violations, events processed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary, VertexSummary } from '../../metrics/summary.js';
import { TIMESERIES_COLUMNS, VERTEX_COLUMNS } from '../../metrics/summary.js';
import type { ParamValue } from '../../policy/contract.js';
import { timeseriesCsv } from '../../experiment/run-output.js';
import type { FlinkRunSummary } from '../flink-job.js';
import { estimateCostUsd, type CostModel, type LiveDecisionRecord, type LiveSample, type MappedVertex } from './controller.js';

/** Record rates in the real time series are averaged over this window (see convertRealRun). */
export const RATE_WINDOW_MS = 3000;

export const NOT_MEASURED = [
  'timeseries.results_rps',
  'timeseries.latency_max_ms',
  'lambda.timeouts (counted among lambda.errors)',
  'order_violations',
  'events_processed',
] as const;

export interface RealRunInputs {
  scenario: string;
  policy: string;
  params: Record<string, ParamValue>;
  seed: number;
  durationS: number;
  /** The job's summary.json. */
  job: FlinkRunSummary;
  /** The job's timeseries.csv text. */
  jobTimeseries: string;
  /** The job's latency_percentiles.txt text (HdrHistogram outputPercentileDistribution), if any. */
  percentiles: string | null;
  vertices: MappedVertex[];
  samples: LiveSample[];
  decisions: LiveDecisionRecord[];
  cost: CostModel | null;
  /** Max concurrency the local endpoint saw (null on AWS: the max in-flight batches polled is used). */
  endpointMaxConcurrency: number | null;
}

export interface RealRun {
  summary: RunSummary & { real: Record<string, unknown> };
  timeseries: { columns: string[]; rows: number[][] };
  latencyCdf: [number, number][];
  decisions: LiveDecisionRecord[];
}

/** Parses the job's timeseries.csv (t_s,input_rps,emitted_rps,offloaded_rps,fallback_rps,latency_p50_ms,latency_p99_ms). */
export function parseJobTimeseries(text: string): Record<string, number>[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  if (lines.length === 0) return [];
  const cols = lines[0].split(',').map((c) => c.trim());
  return lines.slice(1).map((l) => {
    const cells = l.split(',');
    const row: Record<string, number> = {};
    cols.forEach((c, i) => {
      const v = (cells[i] ?? '').trim();
      row[c] = v === '' ? NaN : Number(v);
    });
    return row;
  });
}

/**
 * HdrHistogram's outputPercentileDistribution (Value, Percentile 0..1, TotalCount, 1/(1-Percentile)) → CDF points
 * [percentile 0..100, latency ms] at the simulator's percentiles (the first listed value at or above each).
 */
export function percentilesToCdf(text: string): [number, number][] {
  const pts: [number, number][] = [];
  for (const line of text.split(/\r?\n/)) {
    const cells = line.trim().split(/\s+/);
    if (cells.length < 3) continue;
    const v = Number(cells[0]);
    const p = Number(cells[1]);
    if (!Number.isFinite(v) || !Number.isFinite(p) || p < 0 || p > 1) continue;
    pts.push([p * 100, v]);
  }
  if (pts.length === 0) return [];
  const want = [0, 1, 5, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 95, 97.5, 99, 99.5, 99.9, 99.95, 99.99, 100];
  const out: [number, number][] = [];
  for (const p of want) {
    const hit = p === 0 ? pts[0] : p === 100 ? pts[pts.length - 1] : pts.find(([q]) => q >= p - 1e-9) ?? pts[pts.length - 1];
    out.push([p, hit[1]]);
  }
  return out;
}

/** The last sample taken at or before `epochMs` (samples are in time order). */
export function sampleAt(samples: readonly LiveSample[], epochMs: number): LiveSample | undefined {
  let lo = 0;
  let hi = samples.length - 1;
  let found: LiveSample | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid].epochMs <= epochMs) {
      found = samples[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function rate(a: LiveSample | undefined, b: LiveSample | undefined, get: (s: LiveSample) => number): number {
  if (!a || !b || b.epochMs <= a.epochMs) return NaN;
  const d = get(b) - get(a);
  return Number.isFinite(d) ? (d * 1000) / (b.epochMs - a.epochMs) : NaN;
}

function diff(a: LiveSample | undefined, b: LiveSample | undefined, get: (s: LiveSample) => number): number {
  if (!b) return NaN;
  const vb = get(b);
  const va = a ? get(a) : 0;
  return Number.isFinite(vb) && Number.isFinite(va) ? vb - va : NaN;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const round8 = (x: number) => Math.round(x * 1e8) / 1e8;
const fin = (x: number | null | undefined, fallback = 0) => (typeof x === 'number' && Number.isFinite(x) ? x : fallback);

/** Builds the real run's summary, time series and latency CDF. */
export function convertRealRun(inp: RealRunInputs): RealRun {
  const t0 = fin(inp.job.t0_epoch_ms, inp.samples[0]?.epochMs ?? 0);
  const columns: string[] = [...TIMESERIES_COLUMNS];
  for (const v of inp.vertices) for (const m of VERTEX_COLUMNS) columns.push(`${v.id}.${m}`);
  const totals = vertexTotals(inp);
  const summary = realSummary(inp, t0, totals, pollMaxima(inp));
  const latencyCdf = inp.percentiles ? percentilesToCdf(inp.percentiles) : [];
  return { summary, timeseries: { columns, rows: timeseriesRows(inp, t0) }, latencyCdf, decisions: inp.decisions };
}

/** One row per second of the job's timeseries.csv, with the polls' gauges and counter rates of that second. */
function timeseriesRows(inp: RealRunInputs, t0: number): number[][] {
  const rows = parseJobTimeseries(inp.jobTimeseries);
  const samples = inp.samples;
  const source = inp.vertices.find((v) => v.role === 'source');
  const out: number[][] = [];
  for (const r of rows) {
    const k = r.t_s;
    // Flink's REST fetcher refreshes every second, like the polls, so one-poll differences alias (0, then 2x):
    // record rates are taken over the last RATE_WINDOW_MS before the end of the second.
    const start = sampleAt(samples, t0 + (k + 1) * 1000 - RATE_WINDOW_MS) ?? samples[0];
    const end = sampleAt(samples, t0 + (k + 1) * 1000);
    // a sample inside this second (end) distinct from the one before it (start)
    const inBin = end && end.epochMs > t0 + k * 1000 ? end : undefined;
    const prev = sampleAt(samples, t0 + k * 1000);
    const snapV = (id: string) => inBin?.snapshot.vertices.find((v) => v.id === id)?.metrics;
    const srcM = source ? snapV(source.id) : undefined;
    const row: number[] = [
      k + 1,
      fin(r.input_rps, NaN),
      source ? rate(start, inBin, (s) => s.counters[source.id]?.recordsOut ?? NaN) : NaN,
      fin(r.offloaded_rps, 0) + fin(r.fallback_rps, 0),
      fin(r.emitted_rps, NaN),
      NaN,
      srcM?.pendingRecords?.sum ?? NaN,
      srcM?.currentEmitEventTimeLag?.max ?? NaN,
      fin(r.latency_p50_ms, NaN),
      fin(r.latency_p99_ms, NaN),
      NaN,
      inBin?.offload.inFlightRecords ?? NaN,
      inBin?.offload.concurrency ?? NaN,
      inBin ? diff(prev, inBin, (s) => s.offload.coldStarts) : NaN,
      inBin ? diff(prev, inBin, (s) => s.offload.throttles) : NaN,
      inBin?.offload.costUsd ?? NaN,
      inBin?.share ?? NaN,
      0, // restarting: the live job is never rescaled
    ];
    for (const v of inp.vertices) {
      const m = snapV(v.id);
      row.push(
        m?.busyTimeMsPerSecond?.avg ?? NaN,
        m?.backPressuredTimeMsPerSecond?.avg ?? NaN,
        m?.idleTimeMsPerSecond?.avg ?? NaN,
        rate(start, inBin, (s) => s.counters[v.id]?.recordsIn ?? NaN),
        rate(start, inBin, (s) => s.counters[v.id]?.recordsOut ?? NaN),
        m?.['buffers.inPoolUsage']?.avg ?? NaN,
        m?.['buffers.outPoolUsage']?.avg ?? NaN,
      );
    }
    out.push(row);
  }

  return out;
}

/** Per-vertex totals from the polls: time ratios and the backpressured seconds (Σ polled gauge × time to the next poll). */
function vertexTotals(inp: RealRunInputs): { vertices: Record<string, VertexSummary>; backpressured: Record<string, number> } {
  const samples = inp.samples;
  const vertices: Record<string, VertexSummary> = {};
  const backpressured: Record<string, number> = {};
  for (const v of inp.vertices) {
    let bpMs = 0;
    let busy = 0;
    let idle = 0;
    let bpAvg = 0;
    let n = 0;
    for (let i = 0; i < samples.length; i++) {
      const m = samples[i].snapshot.vertices.find((x) => x.id === v.id)?.metrics;
      const bp = m?.backPressuredTimeMsPerSecond;
      if (!bp || !m?.busyTimeMsPerSecond || !m.idleTimeMsPerSecond) continue;
      const next = samples[i + 1];
      const dtS = next ? Math.min(10, (next.epochMs - samples[i].epochMs) / 1000) : 0;
      if (Number.isFinite(bp.sum)) bpMs += bp.sum * dtS;
      busy += m.busyTimeMsPerSecond.avg;
      idle += m.idleTimeMsPerSecond.avg;
      bpAvg += bp.avg;
      n++;
    }
    const last = [...samples].reverse().find((s) => Number.isFinite(s.counters[v.id]?.recordsIn));
    const span = busy + idle + bpAvg;
    vertices[v.id] = {
      parallelism: v.parallelism,
      chain: [v.id],
      records_in: fin(last?.counters[v.id].recordsIn),
      records_out: fin(last?.counters[v.id].recordsOut),
      busy_ratio: n > 0 && span > 0 ? round6(busy / span) : 0,
      idle_ratio: n > 0 && span > 0 ? round6(idle / span) : 0,
      backpressured_ratio: n > 0 && span > 0 ? round6(bpAvg / span) : 0,
    };
    backpressured[v.id] = round3(bpMs / 1000);
  }

  return { vertices, backpressured };
}

/** The largest polled backlog and in-flight batches, and the last batch count. */
function pollMaxima(inp: RealRunInputs): { maxPending: number; maxInFlightBatches: number; batches: number } {
  const source = inp.vertices.find((v) => v.role === 'source');
  let maxPending = 0;
  let maxInFlightBatches = 0;
  let batches = 0;
  for (const s of inp.samples) {
    const p = source ? s.snapshot.vertices.find((x) => x.id === source.id)?.metrics.pendingRecords?.sum : undefined;
    if (typeof p === 'number' && Number.isFinite(p) && p > maxPending) maxPending = p;
    const b = s.snapshot.offload[0]?.inFlightBatches;
    if (typeof b === 'number' && Number.isFinite(b) && b > maxInFlightBatches) maxInFlightBatches = b;
    if (Number.isFinite(s.offload.batches)) batches = Math.max(batches, s.offload.batches);
  }

  return { maxPending, maxInFlightBatches, batches };
}

/** The real bill: admitted requests and the function-reported billed ms (else records × nominal work). */
function realCost(inp: RealRunInputs): { admitted: number; billed: number; total: number; requests: number } {
  const job = inp.job as FlinkRunSummary & { function_billed_ms?: number; function_init_ms?: number };
  const admitted = Math.max(0, job.invocations - job.throttles);
  const billed = typeof job.function_billed_ms === 'number' ? job.function_billed_ms : NaN;
  const total = estimateCostUsd(inp.cost, admitted, job.offloaded, billed, typeof job.function_init_ms === 'number' ? job.function_init_ms : NaN);
  return { admitted, billed, total, requests: inp.cost ? admitted * inp.cost.perRequestUsd : NaN };
}

function realLatency(lat: FlinkRunSummary['latency_ms']): RealRun['summary']['latency_ms'] {
  return { p50: fin(lat.p50), p90: fin(lat.p90), p99: fin(lat.p99), p999: fin(lat.p999), max: fin(lat.max), mean: fin(lat.mean), count: fin(lat.count) };
}

function realCostUsd(inp: RealRunInputs, c: ReturnType<typeof realCost>): RealRun['summary']['cost_usd'] {
  const total = fin(c.total);
  return {
    total: round8(total),
    functions: round8(total),
    // The live run measures the functions' bill only; the MiniCluster has no price.
    cluster: 0,
    per_hour: round8((total * 3600) / inp.durationS),
    requests: round8(fin(c.requests)),
    duration: round8(fin(c.total - c.requests)),
    provisioned: 0,
  };
}

/** The real-only block: the job's own identity and checks, and what was estimated or not measured. */
function realOnly(inp: RealRunInputs, c: ReturnType<typeof realCost>): RealRun['summary']['real'] {
  const job = inp.job;
  const billed = Number.isFinite(c.billed);
  return {
    source: 'flink-validate',
    flink_version: job.flink_version,
    run_id: job.run_id,
    t0_epoch_ms: job.t0_epoch_ms,
    ok: job.ok,
    token_mismatches: job.token_mismatches,
    out_of_range: job.out_of_range,
    local: job.local,
    offloaded_by_function: job.offloaded,
    fallback_records: job.fallbacks,
    polls: inp.samples.length,
    not_measured: [...NOT_MEASURED],
    function_billed_ms: billed ? c.billed : null,
    // the same bill if every record had cost exactly work_us_per_record (no host contention, no overhead)
    cost_from_work_usd: inp.cost ? round8(estimateCostUsd(inp.cost, c.admitted, job.offloaded)) : null,
    estimated: [
      billed
        ? 'cost_usd (requests admitted x price + function-reported billed ms (+ init ms when the model bills INIT) x memory x price)'
        : 'cost_usd (requests admitted x price + records done remotely x work_us_per_record x memory x price)',
      'backpressured_s (integral of polled backPressuredTimeMsPerSecond)',
    ],
  };
}

function realSummary(
  inp: RealRunInputs,
  t0: number,
  { vertices, backpressured }: ReturnType<typeof vertexTotals>,
  { maxPending, maxInFlightBatches, batches }: ReturnType<typeof pollMaxima>,
): RealRun['summary'] {
  const job = inp.job;
  const routed = job.offloaded + job.fallbacks;
  const cost = realCost(inp);
  return {
    spillway_version: '0.1.0',
    scenario: inp.scenario,
    policy: inp.policy,
    params: inp.params,
    seed: inp.seed,
    duration_s: inp.durationS,
    end_s: round3(Math.max(0, fin(job.last_emit_epoch_ms, t0) - t0) / 1000),
    drained: job.lost === 0,
    records: { arrived: job.records_generated, emitted: job.records_emitted, filtered: 0, in_flight: 0, lost: job.lost, duplicated: job.duplicated, results: job.tokens },
    latency_ms: realLatency(job.latency_ms),
    throughput_rps: round3(job.records_generated / inp.durationS),
    max_pending_records: maxPending,
    backpressured_s: backpressured,
    vertices,
    cost_usd: realCostUsd(inp, cost),
    cluster: { model: null, taskmanagers: 0, taskmanager_hours: 0, rescales: 0, downtime_s: 0, events: [] },
    offload: { records: routed, batches, fallbacks: job.fallback_batches, share: job.records_generated > 0 ? round6(routed / job.records_generated) : 0 },
    lambda: {
      invocations: job.invocations,
      cold_starts: job.cold_starts,
      throttles: job.throttles,
      errors: job.errors,
      timeouts: 0,
      max_concurrency: inp.endpointMaxConcurrency ?? maxInFlightBatches,
    },
    order_violations: 0,
    events_processed: 0,
    real: realOnly(inp, cost),
  };
}

/** Writes summary.json, timeseries.csv, latency_cdf.csv and decisions.csv into `dir` (which must exist). */
export function writeRealRunFiles(dir: string, run: RealRun): void {
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(run.summary, null, 2) + '\n');
  writeFileSync(join(dir, 'timeseries.csv'), timeseriesCsv(run.timeseries));
  writeFileSync(join(dir, 'latency_cdf.csv'), 'percentile,latency_ms\n' + run.latencyCdf.map(([p, v]) => `${p},${v}`).join('\n') + '\n');
  if (run.decisions.length > 0) {
    const rows = run.decisions.map((d) =>
      [d.tMs / 1000, d.point, d.share, d.batchRecords, d.maxWaitMs, d.maxInFlight, d.prewarm, JSON.stringify(d.note)].join(','),
    );
    writeFileSync(join(dir, 'decisions.csv'), 't_s,point,share,batch_records,max_wait_ms,max_in_flight,prewarm,note\n' + rows.join('\n') + '\n');
  }
}

/**
 * Flink metric samples for calibration (src/calibrate reads `flink-metrics.csv`: vertex, busyTimeMsPerSecond,
 * numRecordsInPerSecond, t_ms): per poll and scenario vertex, the busy time Flink reports (avg over subtasks) and the
 * records-in rate per subtask from the numRecordsIn counter over the preceding `windowMs` (the time gauge's window),
 * not Flink's 60 s meter, so busy time and rate cover about the same period.
 */
export function flinkMetricsCsv(samples: readonly LiveSample[], vertices: readonly MappedVertex[], t0EpochMs: number, windowMs = 5000): string {
  const lines = ['t_ms,vertex,busyTimeMsPerSecond,numRecordsInPerSecond'];
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    let j = i;
    while (j > 0 && s.epochMs - samples[j].epochMs < windowMs) j--;
    const a = samples[j];
    if (a === s || s.epochMs - a.epochMs < windowMs * 0.8) continue;
    for (const v of vertices) {
      const busy = s.snapshot.vertices.find((x) => x.id === v.id)?.metrics.busyTimeMsPerSecond?.avg;
      const r = rate(a, s, (x) => x.counters[v.id]?.recordsIn ?? NaN) / v.parallelism;
      if (typeof busy !== 'number' || !Number.isFinite(busy) || !Number.isFinite(r)) continue;
      lines.push(`${s.epochMs - t0EpochMs},${v.id},${round3(busy)},${round3(r)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * The job's per-record tokenizer timings (`service_times.csv`: `service_us,vertex` with the job's operator name) as
 * calibration reads them, with the vertex column set to the scenario's tokenizer id (calibrate() matches on it).
 * Returns null when the file has no rows.
 */
export function serviceTimesForScenario(csv: string, vertexId: string): { csv: string; n: number } | null {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2 || !lines[0].startsWith('service_us')) return null;
  const out = ['service_us,vertex'];
  for (const l of lines.slice(1)) {
    const us = Number(l.split(',')[0]);
    if (Number.isFinite(us) && us >= 0) out.push(`${us},${vertexId}`);
  }
  return out.length > 1 ? { csv: out.join('\n') + '\n', n: out.length - 1 } : null;
}

/** What the job's offload_batches.csv gave, as probe lines for calibrate(). */
export interface RunLambdaSamples {
  /** JSON Lines in `spillway lambda probe`'s format (docs/LAMBDA.md §4), one per successful batch. */
  jsonl: string;
  warm: number;
  cold: number;
  /** Distinct batch sizes among the warm batches. */
  warmSizes: number;
  /** Rows left out: the client saw less time than the function reported (clock granularity). */
  dropped: number;
}

/**
 * The offload path's successful batches (the job's `offload_batches.csv`: t_epoch_ms, batch_records, payload_bytes,
 * client_ms, duration_ms, init_ms, cold) as probe samples, so calibration fits the batch model, the warm overhead,
 * the round trip (and cold starts) from the run itself, under the run's conditions (the local endpoint's
 * environments sharing the CPUs with Flink), instead of from a separate probe. billed_ms = ceil(duration_ms).
 */
export function offloadBatchesToProbe(csv: string, o: { functionName: string; memoryMb: number }): RunLambdaSamples | null {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) return null;
  const head = lines[0].split(',').map((h) => h.trim());
  const col = (n: string) => head.indexOf(n);
  const need = ['t_epoch_ms', 'batch_records', 'payload_bytes', 'client_ms', 'duration_ms', 'init_ms', 'cold'];
  if (need.some((n) => col(n) < 0)) return null;
  const out: string[] = [];
  let warm = 0;
  let cold = 0;
  let dropped = 0;
  const sizes = new Set<number>();
  for (const l of lines.slice(1)) {
    const c = l.split(',').map(Number);
    const get = (n: string) => c[col(n)];
    const isCold = get('cold') === 1;
    const duration = get('duration_ms');
    const client = get('client_ms');
    const init = get('init_ms');
    if (![duration, client, init, get('batch_records'), get('t_epoch_ms'), get('payload_bytes')].every(Number.isFinite)) continue;
    if (client < duration) {
      dropped++;
      continue;
    }
    const s = {
      kind: isCold ? 'cold' : 'warm',
      t: get('t_epoch_ms'),
      function: o.functionName,
      memory_mb: o.memoryMb,
      batch_records: get('batch_records'),
      payload_bytes: get('payload_bytes'),
      client_ms: round3(client),
      duration_ms: round3(duration),
      billed_ms: Math.ceil(duration - 1e-9),
      init_ms: isCold ? round3(init) : null,
    };
    if (isCold) cold++;
    else {
      warm++;
      sizes.add(s.batch_records);
    }
    out.push(JSON.stringify(s));
  }
  if (out.length === 0) return null;
  return { jsonl: out.join('\n') + '\n', warm, cold, warmSizes: sizes.size, dropped };
}
