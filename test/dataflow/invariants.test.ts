/** Exact record counts, determinism, the busy/idle/backpressured identity, and graph rules. */
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario } from '../../src/experiment/runner.js';
import { scenario, tokenizerSpec } from '../helpers/scenarios.js';

describe('record accounting', () => {
  it('uniform arrivals give exact counts through flatMap and filter', () => {
    const s = runScenario(
      scenario({
        name: 'exact-counts',
        duration_s: 10,
        time_resolution_ms: 0,
        workload: { trace: 'constant-500.csv', arrivals: 'uniform', record_bytes: 100 },
        vertices: [
          { id: 'source', kind: 'source', parallelism: 2, service_ms: { type: 'deterministic', value: 0.01 } },
          { id: 'split', kind: 'flatMap', parallelism: 3, service_ms: { type: 'deterministic', value: 0.1 }, selectivity: { type: 'deterministic', value: 4 } },
          { id: 'drop', kind: 'filter', parallelism: 3, service_ms: { type: 'deterministic', value: 0.01 }, selectivity: { type: 'deterministic', value: 0 } },
          { id: 'sink', kind: 'sink', parallelism: 2, service_ms: { type: 'deterministic', value: 0.001 } },
          { id: 'sink2', kind: 'sink', parallelism: 1, service_ms: { type: 'deterministic', value: 0.001 } },
        ],
        edges: [
          { from: 'source', to: 'split', partitioning: 'rebalance' },
          { from: 'split', to: 'sink', partitioning: 'rebalance' },
          { from: 'source', to: 'drop', partitioning: 'hash' },
          { from: 'drop', to: 'sink2', partitioning: 'rebalance' },
        ],
      }),
    ).summary;
    // 500/s over 10 s split over two source subtasks, each with deterministic spacing: 5,000 exactly.
    expect(s.records.arrived).toBe(5000);
    // Each record goes to both consumers; its journey is counted on the first output edge (split → sink).
    expect(s.records.emitted).toBe(5000);
    expect(s.records.results).toBe(20000);
    expect(s.vertices['drop'].records_in).toBe(5000);
    expect(s.vertices['drop'].records_out).toBe(0);
    expect(s.records.lost).toBe(0);
    expect(s.records.duplicated).toBe(0);
  });

  it('the same scenario and seed give byte-identical summaries; another seed does not', () => {
    const sc = scenario(tokenizerSpec({ duration_s: 8 }));
    const a = JSON.stringify(runScenario(sc).summary);
    const b = JSON.stringify(runScenario(sc).summary);
    const c = JSON.stringify(runScenario(sc, { seed: 8 }).summary);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});

describe('time accounting', () => {
  it('busy + backpressured + idle = 1000 ms per second for every vertex in every interval', () => {
    const r = runScenario(loadScenario('examples/queues/blocking.json'), { durationS: 20 });
    const cols = r.timeseries.columns;
    const vertices = Object.keys(r.summary.vertices);
    let sawBackpressure = false;
    for (const v of vertices) {
      const b = cols.indexOf(`${v}.busyTimeMsPerSecond`);
      const p = cols.indexOf(`${v}.backPressuredTimeMsPerSecond`);
      const i = cols.indexOf(`${v}.idleTimeMsPerSecond`);
      // The last row is a partial interval when the run stops mid-way; full rows only.
      for (const row of r.timeseries.rows.slice(0, -1)) {
        expect(row[b] + row[p] + row[i]).toBeCloseTo(1000, 6);
        if (row[p] > 100) sawBackpressure = true;
      }
      const vs = r.summary.vertices[v];
      expect(vs.busy_ratio + vs.idle_ratio + vs.backpressured_ratio).toBeCloseTo(1, 5);
    }
    // The saturated first station is blocked a quarter of the time (throughput 750/s of 1,000/s).
    expect(sawBackpressure).toBe(true);
    expect(r.summary.vertices['first'].backpressured_ratio).toBeGreaterThan(0.2);
    expect(r.summary.vertices['first'].backpressured_ratio).toBeLessThan(0.3);
  });

  it('backpressure reaches the source: its queue grows while the bottleneck is saturated', () => {
    const r = runScenario(loadScenario('examples/queues/blocking.json'), { durationS: 20 });
    const pending = r.timeseries.columns.indexOf('pending_records');
    const rows = r.timeseries.rows;
    // 2,000/s arrive, 750/s get through: the external queue grows by about 1,250 records a second.
    const growth = (rows[15][pending] - rows[5][pending]) / 10;
    expect(growth).toBeGreaterThan(1100);
    expect(growth).toBeLessThan(1400);
    expect(r.summary.max_pending_records).toBeGreaterThan(20000);
  });
});
