/**
 * Rescaling in the simulator: stop-with-savepoint, downtime, restart at a new parallelism. Every record is
 * accounted for exactly once across any number of rescales at any times (property test), and the downtime and
 * the cluster bill of one rescale are computed by hand.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/experiment/runner.js';
import { scenario, tokenizerSpec } from '../helpers/scenarios.js';
import { expectEveryRecordOnce, scripted } from '../helpers/scripted-policy.js';

const CLUSTER = { model: 'cluster-test.json' };

describe('rescaling', () => {
  it('stops, waits the restart time (a new TaskManager: its ready time), and resumes at the new parallelism', () => {
    const sc = scenario(tokenizerSpec({ cluster: CLUSTER }));
    const r = runScenario(sc, { policy: scripted([{ tS: 5, p: 4 }], 0) });
    const s = r.summary;
    expect(s.cluster.rescales).toBe(1);
    const e = s.cluster.events[0];
    expect(e.request_s).toBe(5);
    expect(e.from).toEqual({ tokenizer: 2 });
    expect(e.to).toEqual({ tokenizer: 4 });
    // 2 → 4 slots: 1 → 2 TaskManagers, so the downtime is max(restart 2 s, ready 5 s) = 5 s after the savepoint
    expect(e.resumed_s - e.stopped_s).toBeCloseTo(5, 9);
    expect(s.vertices.tokenizer.parallelism).toBe(4);
    expect(s.records.lost).toBe(0);
    expect(s.records.duplicated).toBe(0);
    expect(s.records.emitted).toBe(s.records.arrived);
    expect(s.records.results).toBe(3 * s.records.arrived);
    // the queue filled while the job was down: ~500 records/s × 5 s at least
    expect(s.max_pending_records).toBeGreaterThan(2000);
    // bill: TM0 over the whole run, TM1 from the savepoint; each ≥ 60 s; plus the JobManager
    const end = Math.max(s.duration_s, s.end_s);
    const tmS = Math.max(60, Math.ceil(end)) + Math.max(60, Math.ceil(end - e.stopped_s));
    const cluster = (tmS / 3600) * 0.096 + (end / 3600) * 0.048;
    expect(s.cost_usd.cluster).toBeCloseTo(cluster, 7);
    expect(s.cost_usd.total).toBeCloseTo(s.cost_usd.functions + s.cost_usd.cluster, 7);
    expect(s.cost_usd.per_hour).toBeCloseTo((s.cost_usd.total * 3600) / s.duration_s, 6);
  });

  it('a parallelism request without a cluster model stops the run with one clear message', () => {
    const sc = scenario(tokenizerSpec());
    expect(() => runScenario(sc, { policy: scripted([{ tS: 5, p: 4 }], 0) })).toThrow(
      'policy "scripted" asks for a new parallelism, but scenario "tokenizer-test" has no cluster model',
    );
  });

  it('loses and duplicates no record across random rescales, with and without offloading (exact counts)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ tS: fc.integer({ min: 1, max: 18 }), p: fc.integer({ min: 1, max: 6 }) }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(0, 0.5),
        fc.constantFrom('rebalance', 'hash'),
        (reqs, share, partitioning) => {
          const requests = [...reqs].sort((a, b) => a.tS - b.tS);
          const spec = tokenizerSpec({ cluster: CLUSTER, duration_s: 20 });
          spec.edges[0].partitioning = partitioning as 'rebalance' | 'hash';
          const s = runScenario(scenario(spec), { policy: scripted(requests, share) }).summary;
          expectEveryRecordOnce(s);
          expect(s.cluster.rescales).toBeGreaterThanOrEqual(requests.some((r) => r.p !== 2) ? 1 : 0);
          expect(s.cluster.rescales).toBeLessThanOrEqual(requests.length);
        },
      ),
      { numRuns: 25, seed: 15 },
    );
  });
});
