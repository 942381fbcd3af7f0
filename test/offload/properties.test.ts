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
