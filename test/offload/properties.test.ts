/**
 * Property: with random shares, batch settings, merge modes and fault rates (errors, timeouts, throttles
 * up to 50%), offloading never loses or duplicates a record and every line yields its results exactly once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/experiment/runner.js';
import { LAMBDA_MODEL, scenario, tokenizerSpec } from '../helpers/scenarios.js';

describe('zero loss under faults', () => {
  it('holds for random fault rates and offload settings', () => {
    fc.assert(
      fc.property(
        fc.record({
          share: fc.double({ min: 0, max: 1, noNaN: true }),
          errorRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
          timeoutRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
          reserved: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
          merge: fc.constantFrom('ordered', 'unordered'),
          batchRecords: fc.integer({ min: 1, max: 200 }),
          maxInFlight: fc.integer({ min: 0, max: 8 }),
          asyncCapacity: fc.option(fc.integer({ min: 1, max: 16 }), { nil: undefined }),
          maxAttempts: fc.integer({ min: 1, max: 4 }),
          resolution: fc.constantFrom(0, 1, 5),
          seed: fc.integer({ min: 0, max: 10000 }),
        }),
        (p) => {
          const spec = tokenizerSpec({ duration_s: 5, seed: p.seed, time_resolution_ms: p.resolution });
          spec.offload = [
            {
              id: 'burst',
              vertex: 'tokenizer',
              platform: LAMBDA_MODEL,
              merge: p.merge as 'ordered' | 'unordered',
              error_rate: p.errorRate,
              timeout_rate: p.timeoutRate,
              timeout_ms: 300,
              reserved_concurrency: p.reserved,
              max_attempts: p.maxAttempts,
              ...(p.asyncCapacity !== undefined ? { async_capacity: p.asyncCapacity } : {}),
            },
          ];
          spec.policy = { name: 'static', params: { threshold: 0, share: p.share, batchRecords: p.batchRecords, maxInFlight: p.maxInFlight } };
          const s = runScenario(scenario(spec)).summary;
          expect(s.drained).toBe(true);
          expect(s.records.lost).toBe(0);
          expect(s.records.duplicated).toBe(0);
          expect(s.records.results).toBe(3 * s.records.arrived);
          if (p.merge === 'ordered') expect(s.order_violations).toBe(0);
        },
      ),
      { numRuns: 40, seed: 42 },
    );
  });
});

describe('exact stateful merge under faults', () => {
  it('window results equal local-only results for random shares, faults and merge timing', () => {
    fc.assert(
      fc.property(
        fc.record({
          share: fc.double({ min: 0.05, max: 1, noNaN: true }),
          errorRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
          reserved: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
          windowMs: fc.constantFrom(500, 1000, 3000),
          parallelism: fc.integer({ min: 1, max: 3 }),
          seed: fc.integer({ min: 0, max: 10000 }),
        }),
        (p) => {
          const build = (offload: boolean) =>
            scenario({
              name: 'window-property',
              seed: p.seed,
              duration_s: 6,
              time_resolution_ms: 0,
              workload: { trace: 'constant-500.csv', arrivals: 'poisson', record_bytes: 50, keys: { count: 30, zipf_s: 0.8 } },
              vertices: [
                { id: 'source', kind: 'source', parallelism: 2, service_ms: { type: 'deterministic', value: 0.01 } },
                { id: 'count', kind: 'window', parallelism: p.parallelism, service_ms: { type: 'exponential', mean: 1 }, window: { size_ms: p.windowMs }, output_bytes: 24 },
                { id: 'sink', kind: 'sink', parallelism: 1, service_ms: { type: 'deterministic', value: 0.01 } },
              ],
              edges: [
                { from: 'source', to: 'count', partitioning: 'hash' },
                { from: 'count', to: 'sink', partitioning: 'rebalance' },
              ],
              offload: [{ id: 'partial', vertex: 'count', platform: LAMBDA_MODEL, error_rate: p.errorRate, reserved_concurrency: p.reserved }],
              policy: offload ? { name: 'static', params: { threshold: 0, share: p.share } } : { name: 'backpressure' },
              controller: { interval_ms: 1000, reporting_delay_ms: 0 },
            });
          const local = runScenario(build(false));
          const burst = runScenario(build(true));
          expect(burst.windows).toEqual(local.windows);
          expect(burst.summary.records.results).toBe(local.summary.records.results);
          expect(burst.summary.records.lost).toBe(0);
          expect(burst.summary.records.duplicated).toBe(0);
        },
      ),
      { numRuns: 15, seed: 11 },
    );
  });
});
