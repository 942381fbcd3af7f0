import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/scenario/load.js';
import { loadScenario } from '../../src/experiment/runner.js';
import { UserError } from '../../src/util/errors.js';
import { scenarioToGraphJobConfig } from '../../src/live/validate/job-config.js';
import { scenarioGraph } from '../../src/live/validate/job-graph.js';

const ROOT = resolve(__dirname, '../..');
const WINDOW = join(ROOT, 'test', 'e2e', 'validate-window.json');
const base = { controlUrl: null, outputDir: '/tmp/x/real/flink', endpointUrl: 'http://127.0.0.1:9001' };

function windowWith(patch: (s: Record<string, any>) => void) {
  const json = JSON.parse(readFileSync(WINDOW, 'utf8')) as Record<string, any>;
  patch(json);
  return checkScenario(json, WINDOW);
}

function refusal(patch: (s: Record<string, any>) => void): string {
  try {
    scenarioGraph(windowWith(patch));
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message.replace(WINDOW, 'FILE');
  }
  throw new Error('not refused');
}

describe('scenario graph → job config graph', () => {
  it('writes the window scenario graph with ids, parallelisms, work, keys and the offload point', () => {
    const t = scenarioToGraphJobConfig(loadScenario(WINDOW), { ...base, workMode: 'wait' });
    expect(t.config.trace).toEqual([[0, 500], [2, 1500], [4, 500]]);
    expect(t.config.tokenizer).toEqual({ mode: 'wait' });
    expect(t.graph.keys).toEqual({ count: 50, zipf_s: 1 });
    expect(t.graph.vertices.map((v) => [v.id, v.kind, v.parallelism, v.work_us_per_record])).toEqual([
      ['bids', 'source', 2, 2],
      ['per_auction', 'window', 2, 200],
      ['sink', 'sink', 1, 1],
    ]);
    expect(t.graph.vertices[1].window).toEqual({ size_ms: 1000 });
    expect(t.graph.vertices[1].service_ms).toEqual({ type: 'exponential', mean: 0.2 });
    expect(t.graph.edges).toEqual([
      { from: 'bids', to: 'per_auction', partitioning: 'hash' },
      { from: 'per_auction', to: 'sink', partitioning: 'rebalance' },
    ]);
    expect(t.graph.offload).toEqual({ vertex: 'per_auction', merge: 'partial-aggregate' });
    expect(t.config.offload?.enabled).toBe(true);
    expect(t.config.offload?.endpoint_url).toBe('http://127.0.0.1:9001');
  });

  it('carries flatMap/filter selectivity and chain:false', () => {
    const g = scenarioGraph(
      windowWith((s) => {
        s.vertices.splice(1, 0, { id: 'keep', kind: 'filter', parallelism: 2, service_ms: { type: 'deterministic', value: 0.01 }, selectivity: { type: 'bernoulli', p: 0.25 } });
        s.edges[0] = { from: 'bids', to: 'keep', partitioning: 'forward', chain: false };
        s.edges.splice(1, 0, { from: 'keep', to: 'per_auction', partitioning: 'hash' });
      }),
    );
    expect(g.vertices[1]).toMatchObject({ id: 'keep', kind: 'filter', work_us_per_record: 10, selectivity: { type: 'bernoulli', p: 0.25 } });
    expect(g.edges[0]).toEqual({ from: 'bids', to: 'keep', partitioning: 'forward', chain: false });
  });

  it('carries a sum window\'s aggregate; the schema refuses any other than count or sum, naming the field', () => {
    const g = scenarioGraph(windowWith((s) => (s.vertices[1].window.aggregate = 'sum')));
    expect(g.vertices[1].window).toEqual({ size_ms: 1000, aggregate: 'sum' });
    expect(scenarioGraph(windowWith((s) => (s.vertices[1].window.aggregate = 'count'))).vertices[1].window).toEqual({ size_ms: 1000 });
    let err: unknown;
    try {
      windowWith((s) => (s.vertices[1].window.aggregate = 'max'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toContain('vertices[1].window.aggregate');
  });

  it('refuses what the job cannot build in one line naming the field', () => {
    expect(refusal((s) => (s.edges[0].partitioning = 'rebalance'))).toBe('FILE: edges[0].partitioning: must be hash: "per_auction" is a keyed window');
    expect(refusal((s) => (s.vertices[2].parallelism = 2))).toBe("FILE: vertices[2].parallelism: the real job's sink accounts for every record, so it runs with parallelism 1");
    expect(refusal((s) => (s.vertices[1].window.size_ms = 2.5))).toBe('FILE: vertices[1].window.size_ms: the real job needs a whole number of ms > 0');
    expect(
      refusal((s) => {
        s.vertices.splice(1, 0, { id: 'm', kind: 'map', parallelism: 2, service_ms: { type: 'deterministic', value: 0.01 } });
        s.edges[0] = { from: 'bids', to: 'm', partitioning: 'forward' };
        s.edges.splice(1, 0, { from: 'm', to: 'per_auction', partitioning: 'hash' });
        s.offload[0].vertex = 'm';
      }),
    ).toBe('FILE: offload[0].vertex: a scenario-built job offloads a window (partial aggregates); "m" is a map (only the tokenizer shape offloads a map/flatMap)');
  });
});
