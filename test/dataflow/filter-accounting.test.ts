/**
 * A filter's record accounting (issue 16): the source records a filter drops end there as `filtered`, so `emitted`
 * counts exactly the records that passed it, whether a run passes whole, in part or not at all, locally or in a
 * function. YSB's view filter was counted by whole runs before (53,530 filtered of 120,000 instead of 80,125).
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildJobGraph } from '../../src/dataflow/graph.js';
import { loadScenario, runScenario } from '../../src/experiment/runner.js';
import type { ScenarioSpec } from '../../src/scenario/scenario.js';
import { scenario } from '../helpers/scenarios.js';

/** source → map → filter (keeps 1 in 3) → sink, runs of several records (10 ms resolution). */
function spec(mid: ScenarioSpec['vertices'][number] = { id: 'm', kind: 'map', parallelism: 1, service_ms: { type: 'deterministic', value: 0.01 } }): ScenarioSpec {
  return {
    name: 'filter-accounting',
    seed: 3,
    duration_s: 10,
    time_resolution_ms: 10,
    workload: { trace: 'constant-500.csv', arrivals: 'uniform', record_bytes: 100 },
    vertices: [
      { id: 'source', kind: 'source', parallelism: 1, service_ms: { type: 'deterministic', value: 0.01 } },
      mid,
      { id: 'f', kind: 'filter', parallelism: 1, service_ms: { type: 'deterministic', value: 0.01 }, selectivity: { type: 'bernoulli', p: 1 / 3 } },
      { id: 'sink', kind: 'sink', parallelism: 1, service_ms: { type: 'deterministic', value: 0.001 } },
    ],
    edges: [
      { from: 'source', to: mid.id, partitioning: 'forward' },
      { from: mid.id, to: 'f', partitioning: 'forward' },
      { from: 'f', to: 'sink', partitioning: 'rebalance' },
    ],
  };
}

describe("a filter's accounting", () => {
  it('marks the filters whose records are each one source record', () => {
    const drops = (s: ScenarioSpec) => buildJobGraph(scenario(s)).tasks.flatMap((t) => t.operators).find((o) => o.id === 'f')!.dropsEndOrigins;
    expect(drops(spec())).toBe(true);
    expect(drops(spec({ id: 'm', kind: 'filter', parallelism: 1, service_ms: { type: 'deterministic', value: 0.01 }, selectivity: { type: 'deterministic', value: 0.5 } }))).toBe(true);
    expect(drops(spec({ id: 'm', kind: 'flatMap', parallelism: 1, service_ms: { type: 'deterministic', value: 0.01 }, selectivity: { type: 'deterministic', value: 2 } }))).toBe(false);
    expect(drops(spec({ id: 'm', kind: 'map', parallelism: 1, service_ms: { type: 'deterministic', value: 0.01 }, selectivity: { type: 'poisson', mean: 1 } }))).toBe(false);
  });

  it('counts as emitted exactly the records that passed (5,000 arrive at 500/s in runs of 5)', () => {
    const s = runScenario(scenario(spec())).summary;
    expect(s.records.arrived).toBe(5000);
    const passed = s.vertices.sink.records_in;
    expect(s.records.results).toBe(passed);
    expect(s.records.emitted).toBe(passed);
    expect(s.records.filtered).toBe(5000 - passed);
    expect(s.records.lost).toBe(0);
    expect(s.records.duplicated).toBe(0);
    expect(passed / 5000).toBeGreaterThan(0.3);
    expect(passed / 5000).toBeLessThan(0.37);
  });

  it("YSB: emitted equals the views its filter passes to the window (30 s at a tenth of its rate, seed 1)", () => {
    const sc = loadScenario(resolve('examples/ysb.json'));
    sc.workload = { ...sc.workload, rate_scale: (sc.workload.rate_scale ?? 1) * 0.1 };
    const s = runScenario(sc, { durationS: 30, seed: 1 }).summary;
    expect(s.records.arrived).toBe(120000);
    expect(s.vertices.campaign_window_count.records_in).toBe(39875);
    expect(s.records.emitted).toBe(39875);
    expect(s.records.filtered).toBe(120000 - 39875);
    expect(s.records.lost + s.records.duplicated).toBe(0);
  });
});
