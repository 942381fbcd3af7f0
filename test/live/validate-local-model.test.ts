/**
 * `--target local`: the simulator runs models/local-endpoint.json (one shared host, processor sharing), calibration
 * reduces the run's overlapping batches to solo times before fitting it, and validate can pin the MiniCluster and
 * the endpoint's processes to separate CPUs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/index.js';
import type { Measurements, ProbeSample } from '../../src/calibrate/inputs.js';
import { normalizeSharing, sharedHostVcpus } from '../../src/calibrate/sharing.js';
import { startInvokeServer, type InvokeServer } from '../../src/endpoint/index.js';
import { cpuPinning, localEndpointModelPath, wireBytesPerLine } from '../../src/live/validate/run.js';
import { loadPlatformModel } from '../../src/serverless/model-file.js';

const ROOT = join(__dirname, '..', '..');

function sample(kind: 'cold' | 'warm', t: number, records: number, durationMs: number, initMs: number | null = null, line = 0): ProbeSample {
  return {
    file: 'run.jsonl',
    line,
    kind,
    t,
    function: 'spillway-offload',
    memory_mb: 1024,
    batch_records: records,
    payload_bytes: records * 100,
    client_ms: durationMs + (initMs ?? 0) + 2,
    duration_ms: durationMs,
    billed_ms: Math.ceil(durationMs),
    init_ms: initMs,
  };
}

describe('models/local-endpoint.json', () => {
  it('is one shared host with one vCPU, process-start cold starts and loopback round trips, at Lambda prices', () => {
    const path = localEndpointModelPath();
    expect(path).toBe(join(ROOT, 'models', 'local-endpoint.json'));
    const m = loadPlatformModel(path);
    const aws = loadPlatformModel(join(ROOT, 'models', 'aws-lambda-nodejs-1024.json'));
    expect(m.id).toBe('local-endpoint');
    expect(m.cpu).toEqual({ vcpus_per_instance: 1 });
    expect(m.concurrency.max_instances).toBe(1);
    expect(m.instance.max_concurrency).toBeGreaterThanOrEqual(m.concurrency.account_limit!);
    expect(m.cold_start_ms).toMatchObject({ type: 'lognormal', median: 33 });
    expect(m.network.rtt_ms).toMatchObject({ type: 'lognormal', median: 1.5 });
    expect(m.billing).toEqual(aws.billing);
    expect(sharedHostVcpus(m)).toBe(1);
    expect(sharedHostVcpus(aws)).toBeNull();
    expect(sharedHostVcpus(loadPlatformModel(join(ROOT, 'models', 'azure-functions-consumption.json')))).toBeNull(); // many instances
  });
});

describe('normalizeSharing (processor sharing on one host)', () => {
  it('halves two executions that ran together on one vCPU and leaves a lone one alone', () => {
    const r = normalizeSharing([sample('warm', 1200, 100, 200, null, 1), sample('warm', 1200, 100, 200, null, 2), sample('warm', 5000, 100, 100, null, 3)], 1);
    expect(r.samples.map((s) => s.duration_ms)).toEqual([100, 100, 100]);
    expect(r.samples.map((s) => s.client_ms)).toEqual([102, 102, 102]);
    expect(r.maxOverlap).toBe(2);
    expect(r.meanFactor).toBeCloseTo(2 / 3, 9);
  });

  it('partial overlap: each second of the shared part counts half; on 2 vCPUs two never slow each other', () => {
    // a: [0, 300), b: [200, 400): shared [200, 300)
    const a = sample('warm', 300, 10, 300);
    const b = sample('warm', 400, 10, 200);
    expect(normalizeSharing([a, b], 1).samples.map((s) => s.duration_ms)).toEqual([250, 150]);
    expect(normalizeSharing([a, b], 2).samples.map((s) => s.duration_ms)).toEqual([300, 200]);
  });

  it('cold starts that started together are reduced to one INIT alone', () => {
    // two processes start at 0 and are ready at 80 (INIT 80 ms each, together), then run 10 ms each, together
    const r = normalizeSharing([sample('cold', 100, 1, 20, 80), sample('cold', 100, 1, 20, 80)], 1);
    expect(r.samples.map((s) => s.init_ms)).toEqual([40, 40]);
    expect(r.samples.map((s) => s.duration_ms)).toEqual([10, 10]);
  });
});

describe('calibrate() on the local endpoint model', () => {
  it('fits the solo per-record time and INIT from batches that shared the host', () => {
    // 30 rounds of 3 batches at once (100, 50 and 10 records at 1 ms each + 1 ms overhead), then 20 cold starts in
    // pairs (INIT 30 ms alone, 60 together): what a pinned run looks like on one vCPU.
    const probes: ProbeSample[] = [];
    let t = 1_000_000;
    let line = 0;
    for (let i = 0; i < 30; i++) {
      // processor sharing, all start at t: 10-record batch ends after 3 × 11 = 33 ms; 50-record after 33 + 2 × 40 = 113;
      // 100-record after 113 + 50 = 163
      probes.push(sample('warm', t + 33, 10, 33, null, ++line), sample('warm', t + 113, 50, 113, null, ++line), sample('warm', t + 163, 100, 163, null, ++line));
      t += 1000;
    }
    for (let i = 0; i < 10; i++) {
      probes.push(sample('cold', t + 70, 5, 10, 60, ++line), sample('cold', t + 70, 5, 10, 60, ++line));
      t += 1000;
    }
    const m: Measurements = { probes, metrics: [], timings: [], files: [{ path: 'run.jsonl', kind: 'probe', records: probes.length }] };
    const r = calibrate(m, { base: localEndpointModelPath(), fit: { bootstrap: 19 } });
    expect(r.sharing).toMatchObject({ vcpus: 1, maxOverlap: 3 });
    expect(r.batch!.per_record_ms).toBeCloseTo(1, 6);
    expect(r.batch!.per_batch_ms).toBeCloseTo(1, 6);
    const cold = r.fits.find((f) => f.field === 'cold_start_ms')!;
    expect(cold.values.every((v) => Math.abs(v - 30) < 1e-9)).toBe(true);
    expect(r.warnings.some((w) => w.includes('one shared host'))).toBe(true);
    expect(r.model.provenance.parameters!.cold_start_ms.method).toContain('solo times on the shared host');
  });

  it('on the AWS model nothing is reduced', () => {
    const probes = [0, 1, 2].flatMap((i) => Array.from({ length: 10 }, (_, j) => sample('warm', 1000 + j, [1, 10, 100][i], 2 + [1, 10, 100][i], null, i * 10 + j)));
    const m: Measurements = { probes, metrics: [], timings: [], files: [{ path: 'run.jsonl', kind: 'probe', records: probes.length }] };
    const r = calibrate(m, { base: join(ROOT, 'models', 'aws-lambda-nodejs-1024.json'), fit: { bootstrap: 19 } });
    expect(r.sharing).toBeNull();
    expect(r.batch!.per_record_ms).toBeCloseTo(1, 6);
  });
});

describe('wireBytesPerLine (the calibrated scenario\'s workload.record_bytes)', () => {
  it('is the source\'s numBytesOut / numRecordsOut at the last poll that read both', () => {
    const c = (recordsOut: number, bytesOut?: number) => ({ counters: { source: { recordsIn: 0, recordsOut, ...(bytesOut !== undefined ? { bytesOut } : {}) } } });
    expect(wireBytesPerLine([c(100, 15_000), c(1000, 161_400), c(2000)], 'source')).toBe(161);
    expect(wireBytesPerLine([c(0, 0), c(2000)], 'source')).toBeNull();
    expect(wireBytesPerLine([c(10, 800)], 'other')).toBeNull();
  });
});

describe('CPU pinning', () => {
  it('is off with SPILLWAY_VALIDATE_PIN=0 or without taskset on PATH', () => {
    expect(cpuPinning({ ...process.env, SPILLWAY_VALIDATE_PIN: '0' })).toBeNull();
    expect(cpuPinning({ PATH: '/nonexistent' })).toBeNull();
  });

  const pin = cpuPinning();
  const servers: InvokeServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
  });
  it.runIf(pin !== null)('the endpoint runs its environments under taskset, pinned, and they still answer', async () => {
    const s = await startInvokeServer({ port: 0, cpus: '0' });
    servers.push(s);
    const res = await fetch(`${s.url}/2015-03-31/functions/${s.functionName}/invocations`, {
      method: 'POST',
      body: JSON.stringify({ op: 'tokenize', work_us_per_record: 0, records: [{ seq: 1, t: 1, text: 'a b c' }] }),
    });
    expect(res.status).toBe(200);
    await res.text();
    // the environment is a child of this process: its allowed CPUs are "0"
    const children = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d) && existsSync(`/proc/${d}/stat`))
      .filter((d) => {
        try {
          const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('bootstrap');
        } catch {
          return false;
        }
      });
    expect(children.length).toBeGreaterThan(0);
    for (const d of children) expect(/Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${d}/status`, 'utf8'))![1]).toBe('0');
  });
});
