/**
 * validate on a scenario-built job (graph-validate.ts, issue 16 item 1): the simulator's tasks map onto the job's
 * REST vertices by scenario id (not by position), the window's offload metrics are read on the window's own vertex,
 * and a scenario the job cannot build stops before anything starts with one line naming the field.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/experiment/runner.js';
import { createPolicy, getPolicyFactory } from '../../src/policy/registry.js';
import { LiveController, type LiveReading, type VertexReading } from '../../src/live/validate/controller.js';
import { graphVertices, graphWantedMetrics, isTokenizerScenario, prepareGraph } from '../../src/live/validate/graph-validate.js';
import { UserError } from '../../src/util/errors.js';
import { tempDir } from '../helpers/tmp.js';

const WINDOW = resolve(__dirname, '..', 'e2e', 'validate-window.json');
const SPIKE = resolve(__dirname, '..', 'e2e', 'validate-spike.json');

const agg = (sum: number) => ({ min: sum / 2, max: sum / 2, avg: sum / 2, sum });
const task = (busy: number, inRec: number, outRec: number) => ({
  busyTimeMsPerSecond: agg(busy),
  backPressuredTimeMsPerSecond: agg(0),
  idleTimeMsPerSecond: agg(2000 - busy),
  numRecordsIn: agg(inRec),
  numRecordsOut: agg(outRec),
});

/** REST vertices of the built window job, listed in an order unlike the scenario's (mapping must not be positional). */
const READING: VertexReading[] = [
  { name: 'sink: Writer', parallelism: 1, metrics: task(10, 290, 0) },
  {
    name: 'per_auction',
    parallelism: 2,
    metrics: { ...task(700, 4000, 290), routedOffload: agg(1200), offloadInvocations: agg(24), offloadInFlight: agg(3), openBatchRecords: agg(40), offloadInFlightRecords: agg(150) },
  },
  { name: 'Source: control', parallelism: 1, metrics: task(0, 0, 0) },
  { name: 'Source: bids -> bids-records -> bids-watermarks', parallelism: 2, metrics: { ...task(300, 0, 5000), pendingRecords: agg(37) } },
];

describe('validate on a scenario-built job', () => {
  it('tells the tokenizer shape from a graph', () => {
    expect(isTokenizerScenario(loadScenario(SPIKE))).toBe(true);
    expect(isTokenizerScenario(loadScenario(WINDOW))).toBe(false);
  });

  it('maps each simulator task to its REST vertex by scenario id', () => {
    const vs = graphVertices(loadScenario(WINDOW));
    expect(vs.map((v) => [v.id, v.role, v.parallelism, v.operators])).toEqual([
      ['bids', 'source', 2, ['Source: bids']],
      ['per_auction', 'operator', 2, ['per_auction']],
      ['sink', 'sink', 1, ['sink: Writer', 'sink']],
    ]);
    const wanted = graphWantedMetrics(vs, 'per_auction').map((w) => w.operator);
    expect(wanted).toEqual(['Source: bids', 'per_auction', 'sink: Writer', 'sink', 'per_auction']);
  });

  it('fills the snapshot from the vertex with the same id, and the offload point from the window', () => {
    const vertices = graphVertices(loadScenario(WINDOW));
    const point = { id: 'burst', vertex: 'per_auction' };
    const policy = createPolicy(getPolicyFactory('threshold'), {}, LiveController.context(vertices, point, 1000));
    const c = new LiveController(policy, { vertices, offloadPoint: point, originEpochMs: 0, offloadOperators: { routed: 'per_auction', client: 'per_auction' } });
    const reading: LiveReading = { epochMs: 5000, vertices: READING, endpoint: null };
    const { snapshot, counters } = c.buildSnapshot(reading);
    expect(snapshot.vertices.map((v) => [v.id, v.metrics.busyTimeMsPerSecond?.sum])).toEqual([
      ['bids', 300],
      ['per_auction', 700],
      ['sink', 10],
    ]);
    expect(snapshot.vertices[0].metrics.pendingRecords?.sum).toBe(37);
    expect(counters).toEqual({ bids: { recordsIn: 0, recordsOut: 5000 }, per_auction: { recordsIn: 4000, recordsOut: 290 }, sink: { recordsIn: 290, recordsOut: 0 } });
    const off = snapshot.offload[0];
    expect([off.vertex, off.offloadedRecords, off.inFlightBatches, off.inFlightRecords]).toEqual(['per_auction', 1200, 3, 190]);
  });

  it('a scenario the job cannot build: one line naming the field, before anything is written', async () => {
    const dir = tempDir('spillway-graph-bad-');
    const raw = JSON.parse(JSON.stringify(loadRaw(WINDOW)));
    raw.edges[0].partitioning = 'rebalance';
    raw.workload.trace = resolve(__dirname, '..', 'e2e', 'validate-window.csv');
    raw.offload[0].platform = resolve(__dirname, '..', '..', 'models', 'aws-lambda-nodejs-1024.json');
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(raw));
    const out = join(dir, 'out');
    const err = await prepareGraph({ scenario: file, out, log: () => undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(`${file}: edges[0].partitioning: must be hash: "per_auction" is a keyed window`);
    expect((err as Error).message.split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses what the built job does not support, naming the flag', async () => {
    const err = await prepareGraph({ scenario: WINDOW, calibrate: true, log: () => undefined }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^--calibrate: .*validate-window\.json is not the tokenizer shape/);
  });
});

describe('validate on a benchmark shape', () => {
  const EX = (n: string) => resolve(__dirname, '..', '..', 'examples', `${n}.json`);

  it('offload at the source: the static policy at the shape job\'s fixed share on both sides, the parts in the summary', async () => {
    const dir = tempDir('spillway-shape-prep-');
    const p = await prepareGraph({ scenario: EX('ysb-source-offload'), out: join(dir, 'o'), durationS: 10, rateScale: 0.1, log: () => undefined });
    expect([p.factory.name, p.params.share, p.point?.vertex]).toEqual(['static', 0.5, 'parse_filter']);
    expect(p.translation.config.shape?.source_offload).toEqual({ share: 0.5 });
    // the simulator chains source → parse_filter → project → join_campaign: one task, found by any of its operators
    expect(p.vertices.map((v) => [v.id, v.operators])).toEqual([
      ['source -> parse_filter -> project -> join_campaign', ['Source: source', 'parse_filter', 'project', 'join_campaign']],
      ['campaign_window_count', ['campaign_window_count']],
      ['sink', ['sink: Writer', 'sink']],
    ]);
    writeFileSync(join(p.jobOut, 'source_offload-0.json'), JSON.stringify({ calls: 7, offloaded: 300, fallbacks: 1, fallback_records: 20 }));
    writeFileSync(join(p.jobOut, 'source_offload-1.json'), JSON.stringify({ calls: 5, offloaded: 280, fallbacks: 0, fallback_records: 0 }));
    const s = { offloaded: 0, fallbacks: 0, fallback_batches: 0, invocations: 0 } as Parameters<NonNullable<typeof p.jobSummaryExtra>>[1];
    p.jobSummaryExtra!(p.jobOut, s);
    expect([s.offloaded, s.fallbacks, s.fallback_batches, s.invocations]).toEqual([580, 20, 1, 12]);
  });

  it('a shape job that does not offload: the scenario\'s offload point is left out of the simulated copy', async () => {
    const dir = tempDir('spillway-shape-prep-');
    const p = await prepareGraph({ scenario: EX('nexmark-q5-window'), out: join(dir, 'o'), durationS: 10, log: () => undefined });
    expect(p.point).toBeNull();
    expect(loadScenario(p.simScenarioPath).offload ?? []).toEqual([]);
    expect(p.notes.some((n) => n.includes('"burst" left out of the simulated copy'))).toBe(true);
  });

  it('--trace on a shape: one line naming the flag', async () => {
    const err = await prepareGraph({ scenario: EX('ysb'), tracePath: WINDOW, log: () => undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/^--trace: a benchmark shape's job replays its scenario's own trace/);
  });
});

function loadRaw(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}
