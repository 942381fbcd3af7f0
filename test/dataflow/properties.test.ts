/**
 * Property: for random job graphs, rates, buffer settings and time resolutions, a drained run loses and
 * duplicates nothing, and every arrived record completes (left the sink, filtered or absorbed by a window).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EdgeSpec, ScenarioSpec, VertexSpec } from '../../src/scenario/scenario.js';
import { runScenario } from '../../src/experiment/runner.js';
import { scenario } from '../helpers/scenarios.js';

const kinds = ['map', 'flatMap', 'filter', 'window'] as const;

const graphArb = fc
  .record({
    middle: fc.array(fc.record({ kind: fc.constantFrom(...kinds), parallelism: fc.integer({ min: 1, max: 3 }), meanMs: fc.double({ min: 0.05, max: 1.5, noNaN: true }) }), { minLength: 1, maxLength: 4 }),
    sources: fc.integer({ min: 1, max: 2 }),
    sourceParallelism: fc.integer({ min: 1, max: 3 }),
    sinks: fc.integer({ min: 1, max: 2 }),
    partitions: fc.array(fc.constantFrom('forward', 'rebalance', 'hash'), { minLength: 12, maxLength: 12 }),
    fanIn: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    rate: fc.integer({ min: 50, max: 3000 }),
    resolution: fc.constantFrom(0, 1, 5),
    timeout: fc.constantFrom(-1, 0, 10, 100),
    buffers: fc.integer({ min: 1, max: 3 }),
    floating: fc.integer({ min: 0, max: 8 }),
    segment: fc.constantFrom(256, 4096, 32768),
    // all channels remote, all local (one TaskManager), or a mix
    taskManagers: fc.constantFrom(undefined, 1, 2),
    seed: fc.integer({ min: 0, max: 1000 }),
  })
  .map((g): ScenarioSpec => {
    const vertices: VertexSpec[] = [];
    const edges: EdgeSpec[] = [];
    const part = (i: number, from: VertexSpec, to: VertexSpec): EdgeSpec['partitioning'] => {
      const p = g.partitions[i % g.partitions.length] as EdgeSpec['partitioning'];
      return p === 'forward' && from.parallelism !== to.parallelism ? 'rebalance' : p;
    };
    for (let i = 0; i < g.sources; i++) vertices.push({ id: `src${i}`, kind: 'source', parallelism: g.sourceParallelism, service_ms: { type: 'exponential', mean: 0.02 } });
    let prev: VertexSpec[] = vertices.slice();
    g.middle.forEach((m, i) => {
      const v: VertexSpec = { id: `op${i}`, kind: m.kind, parallelism: m.parallelism, service_ms: { type: 'exponential', mean: m.meanMs } };
      if (m.kind === 'flatMap') v.selectivity = { type: 'poisson', mean: 2 };
      if (m.kind === 'filter') v.selectivity = { type: 'bernoulli', p: 0.5 };
      if (m.kind === 'window') v.window = { size_ms: 500 };
      // Every earlier vertex without an output feeds this one; sometimes a second input joins too.
      const inputs = prev.length > 0 ? prev : [vertices[vertices.length - 1]];
      for (const u of inputs) edges.push({ from: u.id, to: v.id, partitioning: part(edges.length, u, v) });
      if (g.fanIn[i] && i > 0) {
        const extra = vertices.find((u) => u.kind !== 'sink' && u.id !== inputs[0].id && !edges.some((e) => e.from === u.id && e.to === v.id));
        if (extra) edges.push({ from: extra.id, to: v.id, partitioning: 'rebalance' });
      }
      vertices.push(v);
      prev = [v];
    });
    for (let i = 0; i < g.sinks; i++) {
      const s: VertexSpec = { id: `sink${i}`, kind: 'sink', parallelism: 1, service_ms: { type: 'deterministic', value: 0.005 } };
      edges.push({ from: prev[0].id, to: s.id, partitioning: part(edges.length, prev[0], s) });
      vertices.push(s);
    }
    return {
      name: 'random-dag',
      seed: g.seed,
      duration_s: 3,
      drain_s: 600,
      time_resolution_ms: g.resolution,
      workload: { trace: 'constant-500.csv', rate_scale: g.rate / 500, arrivals: 'poisson', record_bytes: 80, keys: { count: 20 } },
      network: {
        buffer_timeout_ms: g.timeout,
        buffers_per_channel: g.buffers,
        floating_buffers_per_gate: g.floating,
        segment_size_bytes: g.segment,
        max_buffers_per_channel: 10,
        ...(g.taskManagers !== undefined ? { task_managers: g.taskManagers } : {}),
      },
      vertices,
      edges,
    };
  });

describe('zero loss on random job graphs', () => {
  it('never loses or duplicates a record, and drains', () => {
    fc.assert(
      fc.property(graphArb, (spec) => {
        const s = runScenario(scenario(spec)).summary;
        expect(s.drained).toBe(true);
        expect(s.records.lost).toBe(0);
        expect(s.records.duplicated).toBe(0);
        expect(s.records.in_flight).toBe(0);
        expect(s.records.emitted + s.records.filtered).toBe(s.records.arrived);
      }),
      { numRuns: 40, seed: 20261120 },
    );
  });
});
