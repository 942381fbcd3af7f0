import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/scenario/load.js';
import { loadScenario } from '../../src/experiment/runner.js';
import { parseTrace } from '../../src/workload/parse.js';
import type { RateTrace } from '../../src/workload/types.js';
import { UserError } from '../../src/util/errors.js';
import { scenarioToJobConfig, tokenizerShape, tracePoints, wordsForMean } from '../../src/live/validate/job-config.js';
import { parseFaultArgs, runValidation } from '../../src/live/validate/run.js';

const ROOT = resolve(__dirname, '../..');
const DEFAULT = join(ROOT, 'examples', 'default.json');
const base = { controlUrl: 'http://127.0.0.1:5555/decision', outputDir: '/tmp/x/real/flink', endpointUrl: 'http://127.0.0.1:9001' };

function scenarioWith(patch: (s: Record<string, unknown>) => void) {
  const json = JSON.parse(readFileSync(DEFAULT, 'utf8')) as Record<string, unknown>;
  patch(json);
  return checkScenario(json, DEFAULT);
}

describe('scenario → job config', () => {
  it('translates the default scenario (cut to 300 s)', () => {
    const t = scenarioToJobConfig(loadScenario(DEFAULT), { ...base, durationS: 300 });
    const c = t.config;
    expect(t.durationS).toBe(300);
    expect(c.duration_s).toBe(300);
    // traces/spike.csv: 2,000/s until 240 s, then a 10 s rise in 1 s steps towards 12,000; equal steps merged
    expect(c.trace[0]).toEqual([0, 2000]);
    expect(c.trace[1][0]).toBe(240);
    expect(c.trace.every(([ts]) => ts < 300)).toBe(true);
    expect(c.trace.some(([, r]) => r === 12000)).toBe(true);
    expect(c.parallelism).toEqual({ source: 2, router: 2, tokenizer: 2, offload: 2, sink: 1 });
    expect(c.tokenizer).toEqual({ work_us_per_record: 300, mode: 'cpu' }); // lognormal mean 0.3 ms
    expect(c.text).toEqual({ words_min: 4, words_max: 12 }); // poisson mean 8
    expect(c.buffer_timeout_ms).toBe(100);
    expect(c.rest_port).toBe(0);
    expect(c.seed).toBe(42);
    expect(c.output_dir).toBe('/tmp/x/real/flink');
    expect(c.control).toEqual({ url: 'http://127.0.0.1:5555/decision', poll_ms: 150, http_timeout_ms: 1000 });
    expect(c.initial_decision).toEqual({ version: 0, share: 0, batchRecords: 100, maxWaitMs: 50, maxInFlight: 1 });
    expect(c.max_drain_s).toBe(600);
    expect(c.offload).toEqual({
      enabled: true,
      function_name: 'spillway-offload',
      endpoint_url: 'http://127.0.0.1:9001',
      region: 'us-east-1',
      mode: 'unordered',
      max_attempts: 3,
      work_us_per_record: 300,
      async_capacity: 64,
      work_factor: 1,
      // the model's function timeout (60 s) + INIT's 10 s + 5 s: the client never gives up before the function
      attempt_timeout_ms: 75_000,
    });
    expect(t.shape.tokenizer.id).toBe('tokenizer');
    expect(t.notes.join('\n')).toMatch(/busy-spins 300 us/);
  });

  it('real AWS: no endpoint, region from the default chain unless given', () => {
    const s = loadScenario(DEFAULT);
    expect(scenarioToJobConfig(s, { ...base, endpointUrl: null, durationS: 10 }).config.offload).toMatchObject({ endpoint_url: null, region: null });
    expect(scenarioToJobConfig(s, { ...base, endpointUrl: null, region: 'eu-west-1', functionName: 'f', durationS: 10 }).config.offload).toMatchObject({
      endpoint_url: null,
      region: 'eu-west-1',
      function_name: 'f',
    });
  });

  it('--profile reaches the job\'s Lambda client for real AWS only (the local endpoint takes dummy credentials)', () => {
    const s = loadScenario(DEFAULT);
    expect(scenarioToJobConfig(s, { ...base, endpointUrl: null, profile: 'burst', durationS: 10 }).config.offload?.profile).toBe('burst');
    expect(scenarioToJobConfig(s, { ...base, endpointUrl: null, durationS: 10 }).config.offload).not.toHaveProperty('profile');
    expect(scenarioToJobConfig(s, { ...base, profile: 'burst', durationS: 10 }).config.offload).not.toHaveProperty('profile');
  });

  it('applies rate_scale, work_factor, merge and max_attempts', () => {
    const s = scenarioWith((j) => {
      (j.workload as Record<string, unknown>).rate_scale = 0.5;
      (j.offload as Record<string, unknown>[])[0].work_factor = 2;
      (j.offload as Record<string, unknown>[])[0].merge = 'ordered';
      (j.offload as Record<string, unknown>[])[0].max_attempts = 5;
    });
    const c = scenarioToJobConfig(s, { ...base, durationS: 5 }).config;
    expect(c.trace).toEqual([[0, 1000]]);
    expect(c.offload).toMatchObject({ work_us_per_record: 600, mode: 'ordered', max_attempts: 5, work_factor: 2 });
    const t = scenarioWith((j) => {
      (j.offload as Record<string, unknown>[])[0].timeout_ms = 3000;
    });
    expect(scenarioToJobConfig(t, { ...base, durationS: 5 }).config.offload).toMatchObject({ attempt_timeout_ms: 18_000 });
    expect(c.tokenizer).toEqual({ work_us_per_record: 300, mode: 'cpu' });
  });

  it('wait mode: the job gets the scenario\'s service-time distribution itself, to draw from', () => {
    const s = loadScenario(DEFAULT);
    const t = scenarioToJobConfig(s, { ...base, durationS: 5, workMode: 'wait' });
    expect(t.config.tokenizer).toEqual({ work_us_per_record: 300, mode: 'wait', service_ms: s.vertices.find((v) => v.id === 'tokenizer')!.service_ms });
    expect(t.notes.join('\n')).toMatch(/work mode wait/);
  });

  it('without an offload point the job runs without its offload path', () => {
    const s = scenarioWith((j) => {
      delete j.offload;
    });
    const t = scenarioToJobConfig(s, { ...base, durationS: 5 });
    expect(t.config.offload).toEqual({ enabled: false });
    expect(t.shape.offload).toBeNull();
  });

  it('refuses other shapes with a UserError saying why', () => {
    for (const f of ['ysb.json', 'nexmark-q5-window.json']) {
      const s = loadScenario(join(ROOT, 'examples', f));
      expect(() => tokenizerShape(s)).toThrow(UserError);
      expect(() => tokenizerShape(s)).toThrow(/only runs the tokenizer shape/);
    }
    const sinkP2 = scenarioWith((j) => {
      (j.vertices as Record<string, unknown>[])[2].parallelism = 2;
    });
    expect(() => tokenizerShape(sinkP2)).toThrow(/parallelism 2.*parallelism 1/);
    const chained = scenarioWith((j) => {
      (j.vertices as Record<string, unknown>[])[0].parallelism = 2;
      (j.edges as Record<string, unknown>[])[0].partitioning = 'forward';
    });
    expect(() => tokenizerShape(chained)).toThrow(/never chains/);
    const twoPoints = scenarioWith((j) => {
      const o = (j.offload as Record<string, unknown>[])[0];
      (j.offload as Record<string, unknown>[]).push({ ...o, id: 'second' });
    });
    expect(() => tokenizerShape(twoPoints)).toThrow(/2 offload points/);
  });

  it('trace points: cut at the duration, equal steps merged, a 0 rate before the first point', () => {
    const tr = parseTrace('t_s,rate\n0,0\n2,100\n3,100\n4,250\n10,0\n', 'x.csv', { durationS: 8 }) as RateTrace;
    expect(tracePoints(tr, 8)).toEqual([
      [0, 0],
      [2, 100],
      [4, 250],
    ]);
    expect(tracePoints(tr, 8, 2)).toEqual([
      [0, 0],
      [2, 200],
      [4, 500],
    ]);
    const late = parseTrace('t_s,rate\n0,50\n1,50\n', 'y.csv') as RateTrace;
    expect(tracePoints(late, 3)).toEqual([[0, 50]]);
  });

  it('words per line keep the selectivity mean', () => {
    expect(wordsForMean(8)).toEqual({ words_min: 4, words_max: 12 });
    expect(wordsForMean(1)).toEqual({ words_min: 1, words_max: 1 });
    expect(wordsForMean(5.4)).toEqual({ words_min: 3, words_max: 7 });
    expect(wordsForMean(0)).toEqual({ words_min: 0, words_max: 0 });
  });

  it('parses --fault values', () => {
    expect(parseFaultArgs(['error_rate=0.2,throttle_rate=0.3', 'crash_after=40'])).toEqual({ errorRate: 0.2, throttleRate: 0.3, crashAfter: 40 });
    expect(() => parseFaultArgs(['error_rate=2'])).toThrow(UserError);
    expect(() => parseFaultArgs(['boom=1'])).toThrow(/unknown key "boom"/);
    expect(() => parseFaultArgs(['crash_after=1.5'])).toThrow(/integer/);
  });

  it('runValidation refuses before starting anything: other shapes, faults on AWS, a bad --flink', async () => {
    const out = join(ROOT, 'out', 'validate-unit-never-written');
    // other shapes run as the job built from their graph (graph-validate.ts), which refuses what it cannot do
    await expect(runValidation({ scenario: join(ROOT, 'test', 'e2e', 'validate-window.json'), calibrate: true, out })).rejects.toThrow(/^--calibrate: .* is not the tokenizer shape/);
    await expect(runValidation({ scenario: DEFAULT, target: 'aws', faults: { errorRate: 0.1 }, out })).rejects.toThrow(/--target aws/);
    await expect(runValidation({ scenario: DEFAULT, flink: 'jobmanager:8081', out })).rejects.toThrow(/--flink/);
    await expect(runValidation({ scenario: DEFAULT, policy: 'nope', out })).rejects.toThrow(UserError);
    expect(existsSync(out)).toBe(false);
  });
});

describe('the simulated scenario mirrors the job shape (router hop)', () => {
  it('adds a ~0-service router map between source and tokenizer, rebalance edges, absolute paths, offload on the tokenizer', async () => {
    const { mirrorJobShape, ROUTER_SERVICE_MS } = await import('../../src/live/validate/job-config.js');
    const { buildJobGraph } = await import('../../src/dataflow/graph.js');
    const { checkScenario: check } = await import('../../src/scenario/load.js');
    const raw = JSON.parse(readFileSync(DEFAULT, 'utf8')) as Record<string, unknown>;
    const shape = tokenizerShape(loadScenario(DEFAULT));
    const m = mirrorJobShape(raw, shape, join(ROOT, 'examples'), 1);
    expect(m.routerId).toBe('router');
    // one TaskManager (the MiniCluster): every channel local; batches beyond maxInFlight queue as in Async I/O
    expect((m.scenario.network as { task_managers?: number }).task_managers).toBe(1);
    expect((m.scenario.offload as { async_capacity?: number }[]).map((o) => o.async_capacity)).toEqual([64]);
    expect(mirrorJobShape(raw, shape, join(ROOT, 'examples')).scenario.network).toEqual(raw.network);
    // Flink 2.3's TimerGauge window (60 s), which the policy reads busy time through on the real side
    expect((m.scenario.controller as { timer_window_ms: number }).timer_window_ms).toBe(60_000);
    expect((raw.controller as { timer_window_ms?: number } | undefined)?.timer_window_ms).not.toBe(60_000);
    const s = m.scenario as { vertices: { id: string; kind: string; parallelism: number; service_ms: unknown }[]; edges: { from: string; to: string; partitioning: string }[]; workload: { trace: string }; offload: { vertex: string; platform: string }[] };
    expect(s.vertices.map((v) => v.id)).toEqual([shape.source.id, 'router', shape.tokenizer.id, shape.sink.id]);
    expect(s.vertices[1]).toEqual({ id: 'router', kind: 'map', parallelism: shape.source.parallelism, service_ms: { type: 'deterministic', value: ROUTER_SERVICE_MS } });
    expect(s.edges.map((e) => `${e.from}>${e.to}:${e.partitioning}`)).toEqual([
      `${shape.source.id}>router:rebalance`,
      `router>${shape.tokenizer.id}:rebalance`,
      `${shape.tokenizer.id}>${shape.sink.id}:${(raw.edges as { partitioning: string }[])[1].partitioning}`,
    ]);
    expect(s.workload.trace.startsWith('/')).toBe(true);
    expect(existsSync(s.workload.trace)).toBe(true);
    expect(s.offload.every((o) => o.vertex === shape.tokenizer.id && existsSync(o.platform))).toBe(true);
    // a valid scenario whose four vertices are four simulator tasks (nothing chained away)
    const checked = check(structuredClone(m.scenario), join(ROOT, 'out', 'x.json'));
    expect(buildJobGraph(checked).tasks.map((t) => t.id)).toEqual([shape.source.id, 'router', shape.tokenizer.id, shape.sink.id]);
    // the input is untouched
    expect((raw.vertices as unknown[]).length).toBe(3);
  });
});
