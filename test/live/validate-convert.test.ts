import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PolicyFactory } from '../../src/policy/contract.js';
import { createPolicy } from '../../src/policy/registry.js';
import { loadRun } from '../../src/report/inputs.js';
import type { FlinkRunSummary } from '../../src/live/flink-job.js';
import { LiveController, type LiveReading, type MappedVertex } from '../../src/live/validate/controller.js';
import { convertRealRun, flinkMetricsCsv, parseJobTimeseries, percentilesToCdf, sampleAt, writeRealRunFiles } from '../../src/live/validate/convert.js';

const T0 = 1_795_000_000_000;
const MAPPED: MappedVertex[] = [
  { id: 'source', role: 'source', parallelism: 1 },
  { id: 'tokenizer', role: 'tokenizer', parallelism: 2 },
  { id: 'sink', role: 'sink', parallelism: 1 },
];
const POINT = { id: 'burst', vertex: 'tokenizer' };
const COST = { perRequestUsd: 2e-7, perGbSUsd: 1.66667e-5, memoryMb: 1024, workUsPerRecord: 1000, billInit: true };
const one = (v: number) => ({ min: v, max: v, avg: v, sum: v });

const JOB: FlinkRunSummary & { function_billed_ms: number; function_init_ms: number } = {
  ok: true, run_id: 'r1', flink_version: '2.3.0', duration_s: 4, t0_epoch_ms: T0,
  records_generated: 1000, records_emitted: 1000, lost: 0, duplicated: 0, out_of_range: 0, first_missing_seq: -1,
  token_mismatches: 0, tokens: 8000, local: 700, offloaded: 280, fallbacks: 20, fallback_batches: 1,
  invocations: 12, cold_starts: 2, throttles: 2, errors: 1, function_billed_ms: 400, function_init_ms: 100,
  latency_ms: { count: 1000, p50: 120, p90: 300, p99: 900, p999: 990, max: 1000, mean: 180.5, min: 3 },
  first_emit_epoch_ms: T0 + 100, last_emit_epoch_ms: T0 + 5000, span_s: 5, throughput_rps: 200,
};
const JOB_TS = 't_s,input_rps,emitted_rps,offloaded_rps,fallback_rps,latency_p50_ms,latency_p99_ms\n0,250,200,0,0,100,200\n1,250,240,50,0,110,300\n2,250,260,100,20,130,800\n3,250,200,130,0,150,900\n4,0,100,0,0,,\n';
const PERCENTILES = `       Value     Percentile TotalCount 1/(1-Percentile)

       3.000 0.000000000000          1           1.00
     120.000 0.500000000000        500           2.00
     300.000 0.900000000000        900          10.00
     900.000 0.990000000000        990         100.00
    1000.000 1.000000000000       1000
#[Mean    =      180.500, StdDeviation   =      100.000]
#[Max     =     1000.000, Total count    =         1000]
`;

/** Readings every second at T0 + 500 + 1000 k: counters grow linearly, the tokenizer is busy 800 ms/s. */
function readings(): LiveReading[] {
  const out: LiveReading[] = [];
  for (let k = 0; k < 5; k++) {
    out.push({
      epochMs: T0 + 500 + 1000 * k,
      endpoint: { concurrency: k, maxConcurrency: 4, environments: 5 },
      vertices: [
        {
          name: 'Source: source',
          parallelism: 1,
          metrics: {
            pendingRecords: one(10 * k),
            currentEmitEventTimeLag: one(100 * k),
            numRecordsOut: one(250 * k),
            numRecordsIn: one(0),
            busyTimeMsPerSecond: one(100),
            idleTimeMsPerSecond: one(400),
            backPressuredTimeMsPerSecond: one(500),
          },
        },
        {
          name: 'tokenizer',
          parallelism: 2,
          metrics: {
            busyTimeMsPerSecond: { min: 700, max: 900, avg: 800, sum: 1600 },
            idleTimeMsPerSecond: { min: 100, max: 300, avg: 200, sum: 400 },
            backPressuredTimeMsPerSecond: one(0),
            numRecordsIn: one(200 * k),
            numRecordsOut: one(200 * k),
            'buffers.inPoolUsage': one(0.5),
            'buffers.outPoolUsage': one(0.25),
          },
        },
        { name: 'router', parallelism: 1, metrics: { routedOffload: one(60 * k) } },
        {
          name: 'offload-batcher -> offload-invoke',
          parallelism: 1,
          metrics: { offloadColdStarts: one(Math.min(k, 2)), offloadThrottles: one(0), offloadInvocations: one(3 * k), offloadRecords: one(60 * k), offloadFallbackRecords: one(0), offloadInFlightRecords: one(7), openBatchRecords: one(3), offloadBatches: one(3 * k) },
        },
      ],
    });
  }
  return out;
}

function controllerWithSamples(): LiveController {
  const factory: PolicyFactory = {
    name: 'half',
    description: 'share 0.5',
    params: [],
    create: () => ({ name: 'half', decide: () => ({ points: { burst: { share: 0.5, batchRecords: 100, maxWaitMs: 50, maxInFlight: 8 } } }) }),
  };
  const ctl = new LiveController(createPolicy(factory, {}, LiveController.context(MAPPED, POINT, 1000)), {
    vertices: MAPPED,
    offloadPoint: POINT,
    originEpochMs: T0,
    cost: COST,
  });
  for (const r of readings()) ctl.step(r);
  return ctl;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('real run conversion', () => {
  it('parses the job time series and the HdrHistogram percentile text', () => {
    const rows = parseJobTimeseries(JOB_TS);
    expect(rows).toHaveLength(5);
    expect(rows[4]).toEqual({ t_s: 4, input_rps: 0, emitted_rps: 100, offloaded_rps: 0, fallback_rps: 0, latency_p50_ms: NaN, latency_p99_ms: NaN });
    const cdf = percentilesToCdf(PERCENTILES);
    const at = Object.fromEntries(cdf);
    expect(cdf[0]).toEqual([0, 3]);
    expect(at[50]).toBe(120);
    expect(at[60]).toBe(300);
    expect(at[99]).toBe(900);
    expect(at[99.9]).toBe(1000);
    expect(at[100]).toBe(1000);
    expect(percentilesToCdf('')).toEqual([]);
  });

  it('builds summary.json, timeseries.csv and latency_cdf.csv the report module reads', () => {
    const ctl = controllerWithSamples();
    expect(sampleAt(ctl.samples, T0 + 2600)?.epochMs).toBe(T0 + 2500);
    expect(sampleAt(ctl.samples, T0)).toBeUndefined();
    const run = convertRealRun({
      scenario: 'validate-spike', policy: 'half', params: {}, seed: 7, durationS: 4,
      job: JOB, jobTimeseries: JOB_TS, percentiles: PERCENTILES, vertices: MAPPED,
      samples: ctl.samples, decisions: ctl.decisions, cost: COST, endpointMaxConcurrency: 4,
    });
    const s = run.summary;
    expect(s.records).toEqual({ arrived: 1000, emitted: 1000, filtered: 0, in_flight: 0, lost: 0, duplicated: 0, results: 8000 });
    expect(s.latency_ms).toEqual({ p50: 120, p90: 300, p99: 900, p999: 990, max: 1000, mean: 180.5, count: 1000 });
    expect(s.end_s).toBe(5);
    expect(s.throughput_rps).toBe(250);
    expect(s.max_pending_records).toBe(40);
    expect(s.offload).toEqual({ records: 300, batches: 12, fallbacks: 1, share: 0.3 });
    expect(s.lambda).toEqual({ invocations: 12, cold_starts: 2, throttles: 2, errors: 1, timeouts: 0, max_concurrency: 4 });
    // 10 admitted requests + (400 billed + 100 init) ms × 1 GB
    expect(s.cost_usd.total).toBeCloseTo(10 * 2e-7 + 0.5 * 1.66667e-5, 8);
    expect(s.real.function_billed_ms).toBe(400);
    expect(s.cost_usd.requests).toBeCloseTo(2e-6, 10);
    // source backpressured 500 ms/s × 4 s between the five polls (the last poll has no interval after it)
    expect(s.backpressured_s).toEqual({ source: 2, tokenizer: 0, sink: 0 });
    expect(s.vertices.tokenizer).toEqual({ parallelism: 2, chain: ['tokenizer'], records_in: 800, records_out: 800, busy_ratio: 0.8, idle_ratio: 0.2, backpressured_ratio: 0 });
    expect(s.real.not_measured).toContain('timeseries.results_rps');

    const ts = run.timeseries;
    const col = (name: string) => ts.columns.indexOf(name);
    expect(ts.rows).toHaveLength(5);
    expect(ts.rows.map((r) => r[col('t_s')])).toEqual([1, 2, 3, 4, 5]);
    const r2 = ts.rows[2]; // the second [2, 3): poll at T0 + 2500
    expect(r2[col('input_rps')]).toBe(250);
    expect(r2[col('offloaded_rps')]).toBe(120);
    expect(r2[col('emitted_rps')]).toBe(260);
    expect(r2[col('results_rps')]).toBeNaN();
    expect(r2[col('pending_records')]).toBe(20);
    expect(r2[col('lag_ms')]).toBe(200);
    expect(r2[col('latency_p99_ms')]).toBe(800);
    expect(r2[col('latency_max_ms')]).toBeNaN();
    expect(r2[col('in_flight_records')]).toBe(10);
    expect(r2[col('concurrency')]).toBe(2);
    expect(r2[col('cold_starts')]).toBe(1);
    expect(r2[col('decision_share')]).toBe(0.5);
    // rates from counters over the 3 s window: from the poll at T0 + 500 (0 records) to T0 + 2500 (500 / 400)
    expect(r2[col('read_rps')]).toBe(250);
    expect(r2[col('tokenizer.numRecordsInPerSecond')]).toBe(200);
    expect(r2[col('tokenizer.busyTimeMsPerSecond')]).toBe(800);
    expect(r2[col('tokenizer.inPoolUsage')]).toBe(0.5);
    expect(r2[col('source.backPressuredTimeMsPerSecond')]).toBe(500);
    expect(ts.rows[0][col('read_rps')]).toBeNaN(); // no earlier poll to difference against

    const dir = mkdtempSync(join(tmpdir(), 'spillway-validate-convert-'));
    dirs.push(dir);
    writeRealRunFiles(dir, run);
    const loaded = loadRun(dir, 'real');
    expect(loaded.vertices).toEqual(['source', 'tokenizer', 'sink']);
    expect(loaded.cdf.find((p) => p.percentile === 50)?.latency_ms).toBe(120);
    expect(readFileSync(join(dir, 'decisions.csv'), 'utf8').split('\n')[1]).toBe('0.5,burst,0.5,100,50,8,0,""');
  });

  it('writes Flink metric samples for calibration (busy time and the records-in rate over the gauge window)', () => {
    const ctl = controllerWithSamples();
    const csv = flinkMetricsCsv(ctl.samples, MAPPED, T0, 2000).trim().split('\n');
    expect(csv[0]).toBe('t_ms,vertex,busyTimeMsPerSecond,numRecordsInPerSecond');
    // from the poll at T0 + 2500 on (2 s after the first); tokenizer: 200 records/s over 2 subtasks = 100 each
    expect(csv).toContain('2500,tokenizer,800,100');
    expect(csv).toContain('4500,tokenizer,800,100');
    expect(csv.filter((l) => l.includes(',tokenizer,'))).toHaveLength(3);
  });
});

describe('the job\'s own timings for calibration', () => {
  it('service_times.csv gets the scenario vertex id', async () => {
    const { serviceTimesForScenario } = await import('../../src/live/validate/convert.js');
    expect(serviceTimesForScenario('service_us,vertex\n1003.5,tokenizer\n998.0,tokenizer\n', 'tok')).toEqual({ csv: 'service_us,vertex\n1003.5,tok\n998,tok\n', n: 2 });
    expect(serviceTimesForScenario('service_us,vertex\n', 'tok')).toBeNull();
  });
  it('offload_batches.csv becomes probe lines calibrate() reads', async () => {
    const { offloadBatchesToProbe } = await import('../../src/live/validate/convert.js');
    const { readMeasurementFile } = await import('../../src/calibrate/inputs.js');
    const csv = 't_epoch_ms,batch_records,payload_bytes,client_ms,duration_ms,init_ms,cold\n'
      + '1000,100,9000,1800.25,1750.5,31.2,1\n2000,100,9000,1700.0,1690.0,0.0,0\n3000,37,3300,700.0,650.0,0.0,0\n4000,10,900,1.0,2.0,0.0,0\n';
    const r = offloadBatchesToProbe(csv, { functionName: 'f', memoryMb: 1024 })!;
    expect(r).toMatchObject({ warm: 2, cold: 1, warmSizes: 2, dropped: 1 });
    const lines = r.jsonl.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({ kind: 'cold', t: 1000, function: 'f', memory_mb: 1024, batch_records: 100, payload_bytes: 9000, client_ms: 1800.25, duration_ms: 1750.5, billed_ms: 1751, init_ms: 31.2 });
    expect(lines[2]).toMatchObject({ kind: 'warm', batch_records: 37, init_ms: null, billed_ms: 650 });
    const dir = mkdtempSync(join(tmpdir(), 'spillway-ob-'));
    try {
      const f = join(dir, 'offload_batches.jsonl');
      (await import('node:fs')).writeFileSync(f, r.jsonl);
      const m = { probes: [], metrics: [], timings: [], files: [] };
      expect(readMeasurementFile(f, m)).toBe('probe');
      expect(m.probes).toHaveLength(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
