/**
 * The live controller against a fake Flink REST server: the snapshot a policy sees is built from the REST answers
 * with exact values, the same policy module decides, and the decision server serves the job's control format.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsSnapshot, PolicyFactory } from '../../src/policy/contract.js';
import { createPolicy, getPolicyFactory } from '../../src/policy/registry.js';
import { FlinkRestClient } from '../../src/live/flink-rest.js';
import {
  estimateCostUsd,
  LiveController,
  toFlinkDecision,
  wantedMetrics,
  type LiveReading,
  type MappedVertex,
} from '../../src/live/validate/controller.js';
import { startDecisionServer } from '../../src/live/validate/decision-server.js';
import { RestMetricsSource } from '../../src/live/validate/rest-source.js';

const JID = 'f00d';
type Agg = { min: number; max: number; avg: number; sum: number; skew?: number };
const a = (min: number, max: number, avg: number, sum: number): Agg => ({ min, max, avg, sum, skew: 1 });

/** Vertex id → REST vertex name, parallelism, metrics (REST ids → aggregate). Mirrors flink-validate on Flink 2.3. */
const VERTICES: Record<string, { name: string; parallelism: number; metrics: Record<string, Agg> }> = {
  v1: {
    name: 'Source: source',
    parallelism: 2,
    metrics: {
      busyTimeMsPerSecond: a(100, 140, 120, 240),
      backPressuredTimeMsPerSecond: a(600, 700, 650, 1300),
      idleTimeMsPerSecond: a(200, 260, 230, 460),
      numRecordsInPerSecond: a(0, 0, 0, 0),
      numRecordsOutPerSecond: a(900, 1100, 1000, 2000),
      numRecordsIn: a(0, 0, 0, 0),
      numRecordsOut: a(5000, 5200, 5100, 10200),
      'Shuffle.Netty.Input.Buffers.inPoolUsage': a(0, 0, 0, 0),
      'Shuffle.Netty.Output.Buffers.outPoolUsage': a(0.9, 1, 0.95, 1.9),
      'Source__source.pendingRecords': a(1500, 2500, 2000, 4000),
      'Source__source.currentEmitEventTimeLag': a(800, 1200, 1000, 2000),
      'Source__source.numRecordsOut': a(5000, 5200, 5100, 10200),
    },
  },
  v2: { name: 'Source: control', parallelism: 1, metrics: { busyTimeMsPerSecond: a(0, 0, 0, 0), 'Source__control.currentEmitEventTimeLag': a(-1, -1, -1, -1) } },
  v3: {
    name: 'router',
    parallelism: 2,
    metrics: { busyTimeMsPerSecond: a(50, 50, 50, 100), 'router.routedOffload': a(300, 340, 320, 640), 'router.routedLocal': a(4000, 4200, 4100, 8200) },
  },
  v4: {
    name: 'tokenizer',
    parallelism: 2,
    metrics: {
      busyTimeMsPerSecond: a(950, 990, 970, 1940),
      backPressuredTimeMsPerSecond: a(0, 10, 5, 10),
      idleTimeMsPerSecond: a(10, 40, 25, 50),
      numRecordsInPerSecond: a(480, 520, 500, 1000),
      numRecordsOutPerSecond: a(480, 520, 500, 1000),
      numRecordsIn: a(4000, 4200, 4100, 8200),
      numRecordsOut: a(4000, 4200, 4100, 8200),
      accumulateBusyTimeMs: a(9000, 9500, 9250, 18_500),
      accumulateBackPressuredTimeMs: a(0, 100, 50, 100),
      'Shuffle.Netty.Input.Buffers.inPoolUsage': a(0.8, 1, 0.9, 1.8),
      'Shuffle.Netty.Output.Buffers.outPoolUsage': a(0.1, 0.3, 0.2, 0.4),
    },
  },
  v5: {
    name: 'offload-batcher -> offload-invoke',
    parallelism: 2,
    metrics: {
      'offload-batcher.openBatchRecords': a(10, 30, 20, 40),
      'offload-invoke.offloadInFlight': a(1, 2, 1.5, 3),
      'offload-invoke.offloadInFlightRecords': a(100, 200, 150, 300),
      'offload-invoke.offloadQueuedBatches': a(0, 0, 0, 0),
      'offload-invoke.offloadBatches': a(2, 3, 2.5, 5),
      'offload-invoke.offloadRecords': a(200, 300, 250, 500),
      'offload-invoke.offloadInvocations': a(3, 4, 3.5, 7),
      'offload-invoke.offloadColdStarts': a(1, 1, 1, 2),
      'offload-invoke.offloadThrottles': a(0, 1, 0.5, 1),
      'offload-invoke.offloadErrors': a(0, 1, 0.5, 1),
      'offload-invoke.offloadTimeouts': a(0, 0, 0, 0),
      'offload-invoke.offloadFallbacks': a(0, 0, 0, 0),
      'offload-invoke.offloadFallbackRecords': a(0, 0, 0, 0),
      'offload-invoke.offloadSuccessfulBatches': a(1, 2, 1.5, 3),
      'offload-invoke.offloadLastRttMs': a(40, 60, 50, 100),
      'offload-invoke.offloadBilledMs': a(100, 200, 150, 300),
      'offload-invoke.offloadInitMs': a(50, 50, 50, 100),
    },
  },
  v6: {
    name: 'sink: Writer',
    parallelism: 1,
    metrics: {
      busyTimeMsPerSecond: a(30, 30, 30, 30),
      backPressuredTimeMsPerSecond: a(0, 0, 0, 0),
      idleTimeMsPerSecond: a(970, 970, 970, 970),
      numRecordsInPerSecond: a(520, 520, 520, 520),
      numRecordsOutPerSecond: a(0, 0, 0, 0),
      numRecordsIn: a(4300, 4300, 4300, 4300),
      numRecordsOut: a(0, 0, 0, 0),
      'Shuffle.Netty.Input.Buffers.inPoolUsage': a(0.05, 0.05, 0.05, 0.05),
      'Shuffle.Netty.Output.Buffers.outPoolUsage': a(0, 0, 0, 0),
    },
  },
};

let server: Server;
let base: string;
const requests: string[] = [];

function send(res: ServerResponse, status: number, body: unknown): void {
  const b = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(b) });
  res.end(b);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const u = new URL(req.url ?? '/', 'http://x');
  requests.push(u.pathname + u.search);
  if (u.pathname === `/jobs/${JID}`) {
    return send(res, 200, {
      jid: JID,
      name: 'spillway-validate',
      state: 'RUNNING',
      vertices: Object.entries(VERTICES).map(([id, v]) => ({ id, name: v.name, parallelism: v.parallelism, status: 'RUNNING' })),
    });
  }
  const m = /^\/jobs\/f00d\/vertices\/(v\d)\/subtasks\/metrics$/.exec(u.pathname);
  if (m) {
    const v = VERTICES[m[1]];
    const get = u.searchParams.get('get');
    if (!get) return send(res, 200, Object.keys(v.metrics).map((id) => ({ id })));
    const names = get.split(',');
    // Flink 2.x answers [] for the whole request when any requested name is unknown
    if (names.some((n) => !(n in v.metrics))) return send(res, 200, []);
    return send(res, 200, names.map((id) => ({ id, ...v.metrics[id] })));
  }
  send(res, 404, { errors: ['Not found: ' + u.pathname] });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

const MAPPED: MappedVertex[] = [
  { id: 'source', role: 'source', parallelism: 2 },
  { id: 'tokenizer', role: 'tokenizer', parallelism: 2 },
  { id: 'sink', role: 'sink', parallelism: 1 },
];
const POINT = { id: 'burst', vertex: 'tokenizer' };
const COST = { perRequestUsd: 2e-7, perGbSUsd: 1.66667e-5, memoryMb: 1024, workUsPerRecord: 1000, billInit: true };

/** A policy that records what it sees and sends a fixed decision. */
function recorder(decision = { share: 0.4, batchRecords: 50, maxWaitMs: 20, maxInFlight: 4 }) {
  const seen: MetricsSnapshot[] = [];
  const factory: PolicyFactory = {
    name: 'recorder',
    description: 'records snapshots',
    params: [],
    create: () => ({
      name: 'recorder',
      decide(s) {
        seen.push(s);
        return { points: { burst: decision }, note: 'rec' };
      },
    }),
  };
  return { seen, policy: createPolicy(factory, {}, LiveController.context(MAPPED, POINT, 1000)) };
}

describe('live controller: snapshot from Flink REST', () => {
  it('builds the snapshot with the REST values under the contract names, in scenario vertex order', async () => {
    const { seen, policy } = recorder();
    const ctl = new LiveController(policy, { vertices: MAPPED, offloadPoint: POINT, originEpochMs: 1_000_000, cost: COST });
    const source = new RestMetricsSource({
      client: new FlinkRestClient(base),
      jobId: JID,
      wanted: wantedMetrics(true),
      endpoint: () => ({ concurrency: 3, maxConcurrency: 5, environments: 7 }),
      now: () => 1_012_345,
    });
    const reading = await source.read();
    const step = ctl.step(reading);
    expect(seen).toHaveLength(1);
    const s = seen[0];
    expect(s).toBe(step.snapshot);
    expect(s.tMs).toBe(12_345);
    expect(s.receivedMs).toBe(12_345);
    expect(s.windowMs).toBe(5000);
    expect(s.vertices.map((v) => v.id)).toEqual(['source', 'tokenizer', 'sink']);
    const strip = ({ min, max, avg, sum }: Agg) => ({ min, max, avg, sum });
    const src = VERTICES.v1.metrics;
    expect(s.vertices[0]).toEqual({
      id: 'source',
      parallelism: 2,
      metrics: {
        busyTimeMsPerSecond: strip(src.busyTimeMsPerSecond),
        backPressuredTimeMsPerSecond: strip(src.backPressuredTimeMsPerSecond),
        idleTimeMsPerSecond: strip(src.idleTimeMsPerSecond),
        numRecordsInPerSecond: strip(src.numRecordsInPerSecond),
        numRecordsOutPerSecond: strip(src.numRecordsOutPerSecond),
        'buffers.inPoolUsage': strip(src['Shuffle.Netty.Input.Buffers.inPoolUsage']),
        'buffers.outPoolUsage': strip(src['Shuffle.Netty.Output.Buffers.outPoolUsage']),
        numRecordsIn: strip(src.numRecordsIn),
        numRecordsOut: strip(src.numRecordsOut),
        pendingRecords: { min: 1500, max: 2500, avg: 2000, sum: 4000 },
        currentEmitEventTimeLag: { min: 800, max: 1200, avg: 1000, sum: 2000 },
      },
    });
    expect(s.vertices[1].metrics.busyTimeMsPerSecond).toEqual({ min: 950, max: 990, avg: 970, sum: 1940 });
    expect(s.vertices[1].metrics['buffers.inPoolUsage']).toEqual({ min: 0.8, max: 1, avg: 0.9, sum: 1.8 });
    expect(s.vertices[1].metrics.pendingRecords).toBeUndefined();
    // the counters the fast signals difference (src/policy/fast-signals.ts), under the contract names
    expect(s.vertices[1].metrics.accumulateBusyTimeMs).toEqual({ min: 9000, max: 9500, avg: 9250, sum: 18_500 });
    expect(s.vertices[1].metrics.numRecordsIn).toEqual({ min: 4000, max: 4200, avg: 4100, sum: 8200 });
    expect(s.vertices[1].metrics.accumulateIdleTimeMs).toBeUndefined();
    expect(s.vertices[2]).toMatchObject({ id: 'sink', parallelism: 1 });
    expect(s.vertices[2].metrics.numRecordsInPerSecond).toEqual({ min: 520, max: 520, avg: 520, sum: 520 });
    expect(s.offload).toEqual([
      {
        id: 'burst',
        vertex: 'tokenizer',
        inFlightRecords: 40 + 300,
        inFlightBatches: 3,
        concurrency: 3,
        warmIdle: 4,
        offloadedRecords: 640,
        coldStarts: 2,
        throttles: 1,
        errors: 1,
        fallbacks: 0,
        costUsd: estimateCostUsd(COST, 7 - 1, 500, 300, 100),
        recentRoundTripMs: 50,
      },
    ]);
    // 6 admitted requests + (300 billed + 100 init) ms × 1 GB
    expect(s.offload[0].costUsd).toBeCloseTo(6 * 2e-7 + 0.4 * 1.66667e-5, 15);
    // without billed durations: records done remotely × work per record; without INIT billing: billed ms only
    expect(estimateCostUsd(COST, 6, 500)).toBeCloseTo(6 * 2e-7 + 0.5 * 1.66667e-5, 15);
    expect(estimateCostUsd({ ...COST, billInit: false, memoryMb: 512 }, 0, 500, 300, 100)).toBeCloseTo(0.5 * 0.3 * 1.66667e-5, 15);
    // the decision in the job's format, version 1
    expect(step.published).toEqual({ version: 1, share: 0.4, batchRecords: 50, maxWaitMs: 20, maxInFlight: 4 });
    expect(ctl.decisions[0]).toMatchObject({ tMs: 12_345, point: 'burst', share: 0.4, note: 'rec' });
    // counters kept for the time series
    expect(ctl.samples[0].counters).toEqual({ source: { recordsIn: 0, recordsOut: 10200 }, tokenizer: { recordsIn: 8200, recordsOut: 8200 }, sink: { recordsIn: 4300, recordsOut: 0 } });
    // the REST client fell back to name-by-name requests for none: every requested name exists
    expect(requests.some((r) => r.includes('Source__source.pendingRecords'))).toBe(true);
    expect(requests.some((r) => r.includes('Shuffle.Netty.Input.Buffers.inPoolUsage'))).toBe(true);
    expect(requests.some((r) => r.startsWith('/jobs/f00d/vertices/v2/'))).toBe(false); // the control source is not read
  });

  it('publishes a new version only when the decision changes; a repeated round trip reads NaN', async () => {
    const { policy } = recorder();
    const ctl = new LiveController(policy, { vertices: MAPPED, offloadPoint: POINT, originEpochMs: 0 });
    const source = new RestMetricsSource({ client: new FlinkRestClient(base), jobId: JID, wanted: wantedMetrics(true) });
    const first = ctl.step(await source.read());
    const second = ctl.step(await source.read());
    expect(first.published?.version).toBe(1);
    expect(second.published).toBeNull();
    expect(ctl.decision.version).toBe(1);
    expect(second.snapshot.offload[0].recentRoundTripMs).toBeNaN(); // no new successful batch since the last poll
    expect(second.snapshot.offload[0].concurrency).toBe(3); // no endpoint: in-flight batches
    expect(second.snapshot.offload[0].warmIdle).toBeNaN();
    expect(second.snapshot.offload[0].costUsd).toBeNaN(); // no price list
  });
});

describe('live controller: rules', () => {
  const reading = (metrics: Record<string, Record<string, { min: number; max: number; avg: number; sum: number }>>, t = 5000): LiveReading => ({
    epochMs: t,
    endpoint: null,
    vertices: Object.entries(metrics).map(([name, m]) => ({ name, parallelism: 1, metrics: m })),
  });
  const one = (v: number) => ({ min: v, max: v, avg: v, sum: v });

  it("treats Flink's pre-measurement busy 1000 / idle 0 / backpressured 0 as unknown until a real reading", () => {
    const { seen, policy } = recorder();
    const ctl = new LiveController(policy, { vertices: MAPPED, offloadPoint: null, originEpochMs: 0 });
    const placeholder = { busyTimeMsPerSecond: one(1000), idleTimeMsPerSecond: one(0), backPressuredTimeMsPerSecond: one(0) };
    ctl.step(reading({ tokenizer: placeholder }));
    expect(seen[0].vertices[1].metrics.busyTimeMsPerSecond).toBeUndefined();
    ctl.step(reading({ tokenizer: { busyTimeMsPerSecond: one(400), idleTimeMsPerSecond: one(600), backPressuredTimeMsPerSecond: one(0) } }));
    expect(seen[1].vertices[1].metrics.busyTimeMsPerSecond).toEqual(one(400));
    // once measured, a saturated reading is a reading
    ctl.step(reading({ tokenizer: placeholder }));
    expect(seen[2].vertices[1].metrics.busyTimeMsPerSecond).toEqual(one(1000));
    expect(seen[2].offload).toEqual([]);
  });

  it('leaves out a negative (undefined) emit lag and matches chained vertices', () => {
    const { seen, policy } = recorder();
    const ctl = new LiveController(policy, { vertices: MAPPED, offloadPoint: null, originEpochMs: 0 });
    ctl.step(reading({ 'Source: source': { currentEmitEventTimeLag: one(-1), pendingRecords: one(0) }, 'tokenizer -> sink: Writer': { numRecordsInPerSecond: one(7) } }));
    expect(seen[0].vertices[0].metrics).toEqual({ pendingRecords: one(0) });
    expect(seen[0].vertices[1].metrics).toEqual({ numRecordsInPerSecond: one(7) });
    expect(seen[0].vertices[2].metrics).toEqual({ numRecordsInPerSecond: one(7) });
  });

  it('missing aggregates read as NaN; missing vertices have no metrics', () => {
    const { seen, policy } = recorder();
    const ctl = new LiveController(policy, { vertices: MAPPED, offloadPoint: POINT, originEpochMs: 0 });
    ctl.step({ epochMs: 1, endpoint: null, vertices: [{ name: 'Source: source', parallelism: 2, metrics: { pendingRecords: { sum: 12 } } }] });
    expect(seen[0].vertices[0].metrics.pendingRecords).toEqual({ min: NaN, max: NaN, avg: NaN, sum: 12 });
    expect(seen[0].vertices[1].metrics).toEqual({});
    expect(seen[0].offload[0].offloadedRecords).toBeNaN();
  });

  it('the same built-in policy module decides (static on pending)', () => {
    const factory = getPolicyFactory('static');
    const policy = createPolicy(factory, { signal: 'pending', threshold: 1000, share: 0.5 }, LiveController.context(MAPPED, POINT, 1000));
    const ctl = new LiveController(policy, { vertices: MAPPED, offloadPoint: POINT, originEpochMs: 0 });
    const low = ctl.step(reading({ 'Source: source': { pendingRecords: one(10) } }));
    expect(low.decision.points.burst.share).toBe(0);
    expect(low.published).toEqual({ version: 1, share: 0, batchRecords: 100, maxWaitMs: 50, maxInFlight: 32 });
    const high = ctl.step(reading({ 'Source: source': { pendingRecords: one(5000) } }, 6000));
    expect(high.published).toEqual({ version: 2, share: 0.5, batchRecords: 100, maxWaitMs: 50, maxInFlight: 32 });
  });

  it('toFlinkDecision clamps as the job does; maxInFlight 0 means share 0', () => {
    expect(toFlinkDecision({ share: 0.7, batchRecords: 10.4, maxWaitMs: 12.6, maxInFlight: 0 }, 3)).toEqual({
      version: 3,
      share: 0,
      batchRecords: 10,
      maxWaitMs: 13,
      maxInFlight: 1,
    });
    expect(toFlinkDecision({ share: 1.5, batchRecords: 0, maxWaitMs: -1, maxInFlight: 500 }, 1, 64)).toEqual({
      version: 1,
      share: 1,
      batchRecords: 1,
      maxWaitMs: 0,
      maxInFlight: 64,
    });
  });

  it('notes what the job cannot do (rate cap, pre-warming)', () => {
    const { policy } = recorder({ share: 0.5, batchRecords: 10, maxWaitMs: 5, maxInFlight: 2, maxRateRps: 100, prewarm: 3 } as never);
    const ctl = new LiveController(policy, { vertices: MAPPED, offloadPoint: POINT, originEpochMs: 0 });
    ctl.step(reading({}));
    expect([...ctl.notes].join('\n')).toMatch(/maxRateRps[\s\S]*prewarm/);
  });

  it('counts a parallelism request (an autoscaler) the live job ignores (the run line and note: ignored-parallelism.test.ts)', () => {
    const policy = { name: 'asks', decide: () => ({ points: {}, parallelism: { tokenizer: 4 } }) };
    const ctl = new LiveController(policy, { vertices: MAPPED, offloadPoint: POINT, originEpochMs: 0 });
    ctl.step(reading({}));
    expect(ctl.ignoredParallelism).toEqual({ requests: 1, vertices: ['tokenizer'] });
  });
});

describe('decision server', () => {
  it('serves the latest decision as JSON on 127.0.0.1', async () => {
    const ds = await startDecisionServer({ version: 0, share: 0, batchRecords: 100, maxWaitMs: 50, maxInFlight: 1 });
    try {
      expect(ds.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/decision$/);
      expect(await (await fetch(ds.url)).json()).toEqual({ version: 0, share: 0, batchRecords: 100, maxWaitMs: 50, maxInFlight: 1 });
      ds.publish({ version: 4, share: 0.25, batchRecords: 20, maxWaitMs: 10, maxInFlight: 8 });
      const res = await fetch(ds.url);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toEqual({ version: 4, share: 0.25, batchRecords: 20, maxWaitMs: 10, maxInFlight: 8 });
      expect((await fetch(ds.url, { method: 'POST' })).status).toBe(405);
      expect(ds.polls()).toBe(2);
    } finally {
      await ds.close();
    }
  });
});
