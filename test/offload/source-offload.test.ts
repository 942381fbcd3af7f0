/**
 * Offload at the source (the seed design's step 2): the function parses and filters the records the source read,
 * before the first operator. The point sits on the parse-and-filter vertex chained to the source, so its router runs
 * in the source's task (docs/MODEL.md, "Offload": why the source vertex itself is not a point).
 */
import { describe, expect, it } from 'vitest';
import { buildJobGraph } from '../../src/dataflow/graph.js';
import { runScenario } from '../../src/experiment/runner.js';
import type { ScenarioSpec } from '../../src/scenario/scenario.js';
import { scenario, LAMBDA_MODEL } from '../helpers/scenarios.js';

/** A source that reads (10 us a record), chained to a parse-and-filter (1.5 ms, keeps 1 in 3), then a sink. */
function parseAtSourceSpec(share: number, withPoint = true): ScenarioSpec {
  return {
    name: 'source-offload-test',
    seed: 11,
    duration_s: 20,
    time_resolution_ms: 1,
    workload: { trace: 'constant-500.csv', arrivals: 'poisson', record_bytes: 200 },
    vertices: [
      { id: 'source', kind: 'source', parallelism: 1, service_ms: { type: 'deterministic', value: 0.01 } },
      { id: 'parse_filter', kind: 'filter', parallelism: 1, service_ms: { type: 'deterministic', value: 1.5 }, selectivity: { type: 'bernoulli', p: 0.3333333333 }, output_bytes: 64 },
      { id: 'sink', kind: 'sink', parallelism: 1, service_ms: { type: 'deterministic', value: 0.001 } },
    ],
    edges: [
      { from: 'source', to: 'parse_filter', partitioning: 'forward' },
      { from: 'parse_filter', to: 'sink', partitioning: 'rebalance' },
    ],
    offload: withPoint ? [{ id: 'at_source', vertex: 'parse_filter', platform: LAMBDA_MODEL }] : [],
    policy: { name: 'static', params: { threshold: 0, share } },
    controller: { interval_ms: 1000, reporting_delay_ms: 0 },
  };
}

describe('offload at the source', () => {
  it('the point on the vertex chained to the source routes in the source task', () => {
    const g = buildJobGraph(scenario(parseAtSourceSpec(0.5)));
    expect(g.taskOfOperator.get('parse_filter')).toBe(g.taskOfOperator.get('source'));
    expect(g.tasks[g.taskOfOperator.get('source')!].operators.map((o) => o.id)).toEqual(['source', 'parse_filter']);
  });

  it('routes the decided share of the read records to the function and loses none', () => {
    const s = runScenario(scenario(parseAtSourceSpec(0.5))).summary;
    expect(s.records.lost).toBe(0);
    expect(s.records.duplicated).toBe(0);
    expect(s.drained).toBe(true);
    expect(s.records.emitted + s.records.filtered).toBe(s.records.arrived);
    // the records dropped here or by the function end there: emitted counts exactly the views that reach the sink
    expect(s.records.emitted).toBe(s.records.results);
    // parsed and filtered once, here or by the function: about 1 in 3 reaches the sink
    expect(s.records.results / s.records.arrived).toBeGreaterThan(0.31);
    expect(s.records.results / s.records.arrived).toBeLessThan(0.355);
    // the static share applies from the first decision (t = 1 s of 20 s) on
    expect(s.offload.share).toBeGreaterThan(0.45);
    expect(s.offload.share).toBeLessThan(0.5);
    expect(s.offload.fallbacks).toBe(0);
  });

  it('takes the parse off the source task: its busy time falls by about the offloaded share', () => {
    const busy = (share: number, withPoint: boolean) => {
      const s = runScenario(scenario(parseAtSourceSpec(share, withPoint))).summary;
      const v = s.vertices[Object.keys(s.vertices).find((k) => k.startsWith('source'))!];
      return v.busy_ratio;
    };
    const local = busy(0, false);
    const half = busy(0.5, true);
    // 500 records/s x 1.51 ms = 75.5 % busy locally; half the parses leave for the function, the reads stay
    expect(local).toBeCloseTo(0.75, 1);
    expect(half).toBeGreaterThan(0.3);
    expect(half).toBeLessThan(0.45);
  });
});
