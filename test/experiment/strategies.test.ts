/** provisioned-peak sizing and the goal check, by hand on made-up summaries. */
import { describe, expect, it } from 'vitest';
import { goal, peakParallelism, peakRate, runStrategies, type StrategyRun } from '../../src/experiment/strategies.js';
import { scenario, tokenizerSpec } from '../helpers/scenarios.js';
import type { RunSummary } from '../../src/metrics/summary.js';

function summary(over: Partial<RunSummary>): RunSummary {
  return {
    records: { arrived: 1_000_000, emitted: 0, filtered: 0, in_flight: 0, lost: 0, duplicated: 0, results: 0 },
    end_s: 1000,
    vertices: {},
    latency_ms: { p50: 0, p90: 0, p99: 100, p999: 0, max: 0, mean: 0, count: 0 },
    cost_usd: { total: 1, functions: 0, cluster: 1, per_hour: 3.6, requests: 0, duration: 0, provisioned: 0 },
    policy: 'backpressure',
    ...over,
  } as RunSummary;
}

const vertex = (parallelism: number, recordsIn: number, busy: number) => ({
  parallelism, chain: [], records_in: recordsIn, records_out: 0, busy_ratio: busy, idle_ratio: 1 - busy, backpressured_ratio: 0,
});

describe('provisioned-peak', () => {
  it('sizes each vertex from its measured service rate and the peak', () => {
    // tokenizer: 1e6 records in 0.5 × 2 × 1000 s = 1000 s busy → 1000 records/s per subtask;
    // peak 3500 records/s × 1 record per source record / 1000 = 3.5 → 4 subtasks; at utilization 0.7: 5
    const s = summary({ vertices: { source: vertex(1, 1_000_000, 0.1), tokenizer: vertex(2, 1_000_000, 0.5), sink: vertex(1, 8_000_000, 0.01) } });
    expect(peakParallelism(s, new Set(['source']), 3500, 1)).toEqual({ tokenizer: 4, sink: 1 });
    expect(peakParallelism(s, new Set(['source']), 3500, 0.7).tokenizer).toBe(5);
  });

  it('takes the largest step of a rate trace, scaled', () => {
    expect(peakRate({ kind: 'rate', source: 't', tS: Float64Array.of(0, 10, 20), rate: Float64Array.of(100, 900, 200), endS: 30 }, 2)).toBe(1800);
  });
});

describe('goal', () => {
  const run = (label: string, policy: string, p99: number, total: number): StrategyRun =>
    ({ label, result: { summary: summary({ policy, latency_ms: { p50: 0, p90: 0, p99, p999: 0, max: 0, mean: 0, count: 0 }, cost_usd: { total, functions: 0, cluster: total, per_hour: 0, requests: 0, duration: 0, provisioned: 0 } }) } }) as StrategyRun;

  it('is met by a burst strategy within 2x the peak p99 at no more than 20% of its cost', () => {
    const g = goal([run('provisioned-peak', 'backpressure', 200, 10), run('burst', 'target-lag', 400, 2), run('burst+autoscale', 'burst+autoscale', 300, 5)]);
    expect(g.met).toBe(true);
    expect(g.text).toContain('burst (target-lag): p99 400 ms = 2.00x');
  });

  it('is not met when the cheap one is too slow and the fast one too dear', () => {
    const g = goal([run('provisioned-peak', 'backpressure', 200, 10), run('burst', 'target-lag', 401, 2), run('burst+autoscale', 'burst+autoscale', 300, 2.01)]);
    expect(g.met).toBe(false);
  });
});

describe('runStrategies', () => {
  it('needs a cluster model, and says so in one line', () => {
    expect(() => runStrategies(scenario(tokenizerSpec()), 'target-lag')).toThrow(/inline.json: cluster: is required to compare strategies/);
  });
});
