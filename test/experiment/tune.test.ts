import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rankCandidates, rungSeeds, rungSizes } from '../../src/experiment/tune/halving.js';
import { runTune } from '../../src/experiment/tune/run.js';
import { defaultSpace, parseDimension, sampleCandidates } from '../../src/experiment/tune/space.js';
import type { ResultRow } from '../../src/experiment/sweep/types.js';
import { feedForwardPolicy } from '../../src/policy/policies/feed-forward.js';
import { staticPolicy } from '../../src/policy/policies/static.js';
import { fakeExecutor, scratch } from './sweep-helpers.js';
// @ts-expect-error plain JS fixture without types
import { fakeSummary } from './sweep-fixtures/fake-runner.mjs';

describe('tune: search space', () => {
  it('parses ranges and lists against the policy, and refuses what the policy does not allow', () => {
    expect(parseDimension(staticPolicy, 'share=0.1:0.9')).toEqual({ name: 'share', kind: 'range', lo: 0.1, hi: 0.9, integer: false, log: false });
    expect(parseDimension(staticPolicy, 'signal=busy,pending')).toEqual({ name: 'signal', kind: 'choice', values: ['busy', 'pending'] });
    expect(parseDimension(staticPolicy, 'threshold=10:10000')).toMatchObject({ log: true });
    expect(() => parseDimension(staticPolicy, 'share=0.1:1.5')).toThrow(/leaves the parameter's bounds/);
    expect(() => parseDimension(staticPolicy, 'nope=1:2')).toThrow(/has no parameter "nope"/);
  });

  it('default space: numeric non-batching parameters over default/2..default×2 within bounds', () => {
    const dims = defaultSpace(feedForwardPolicy);
    expect(dims.find((d) => d.name === 'batchRecords')).toBeUndefined();
    expect(dims.find((d) => d.name === 'capacityRps')).toBeUndefined(); // default 0 stays fixed
    expect(dims.find((d) => d.name === 'targetUtilization')).toMatchObject({ lo: 0.45, hi: 1 });
  });

  it('samples distinct candidates, the same for the same seed', () => {
    const space = [parseDimension(staticPolicy, 'share=0.1:0.9')];
    const a = sampleCandidates(space, 8, 3);
    expect(a).toEqual(sampleCandidates(space, 8, 3));
    expect(new Set(a.map((c) => c.share)).size).toBe(8);
    expect(a.every((c) => (c.share as number) >= 0.1 && (c.share as number) <= 0.9)).toBe(true);
    expect(sampleCandidates([parseDimension(staticPolicy, 'signal=busy,lag')], 5, 1)).toHaveLength(2);
  });
});

describe('tune: successive halving', () => {
  it('rung sizes and seeds', () => {
    expect(rungSizes(8, 2)).toEqual([8, 4, 2, 1]);
    expect(rungSizes(10, 3)).toEqual([10, 4, 2, 1]);
    expect([0, 1, 2, 3].map((r) => rungSeeds(r, 4).length)).toEqual([1, 2, 4, 4]);
  });

  it('ranks candidates on their means averaged over traces, constraints on those averages', () => {
    const row = (share: number, trace: string, p99: number, cost: number): ResultRow => ({
      id: 'x', policy: 'static', params: { share }, trace, n: 1, rank: 0, pareto: false, feasible: true, score: null,
      metrics: { latency_p99_ms: { mean: p99, ci95: null }, cost_usd: { mean: cost, ci95: null } },
    });
    const rows = [row(0.2, 'a', 100, 1), row(0.2, 'b', 300, 1), row(0.8, 'a', 50, 1), row(0.8, 'b', 50, 3)];
    const ranked = rankCandidates({ minimize: 'latency_p99_ms', subject_to: { cost_usd: { max: 1.5 } } }, [{ share: 0.2 }, { share: 0.8 }], rows, ['latency_p99_ms', 'cost_usd']);
    // share 0.8: p99 50 but cost (1 + 3) / 2 = 2 > 1.5: infeasible, ranked after 0.2 (p99 200)
    expect(ranked.map((c) => [c.params.share, c.means.latency_p99_ms, c.feasible])).toEqual([[0.2, 200, true], [0.8, 50, false]]);
  });

  it('end to end over sweeps: the winner is feasible, and the held-out figures are the held-out runs', async () => {
    const dir = scratch();
    const space = [parseDimension(staticPolicy, 'share=0.1:0.9')];
    const candidates = sampleCandidates(space, 8, 1);
    // fake runner: cost = share × 0.05 on trace.csv, twice that on trace2.csv; p99 falls with the share
    const result = await runTune({
      scenario: join(dir, 'scenario.json'),
      train: [join(dir, 'trace.csv')],
      holdout: [join(dir, 'trace2.csv')],
      policy: 'static',
      candidates,
      eta: 2,
      maxSeeds: 4,
      objective: { minimize: 'latency_p99_ms', subject_to: { cost_usd: { max: 0.02 } } },
      out: join(dir, 'tune'),
      executor: fakeExecutor(),
    });
    expect(result.rungs.map((r) => [r.candidates.length, r.seeds])).toEqual([[8, 1], [4, 2], [2, 4], [1, 4]]);
    // seeds capped at the last rung: it ranks the previous rung's runs again instead of repeating them
    expect(existsSync(join(dir, 'tune', 'rung-3'))).toBe(true);
    expect(existsSync(join(dir, 'tune', 'rung-4'))).toBe(false);
    const best = result.best.params.share as number;
    const feasibleShares = candidates.map((c) => c.share as number).filter((s) => s * 0.05 * 1.1 <= 0.02);
    expect(result.best.feasible).toBe(true);
    expect(best).toBe(Math.max(...feasibleShares));
    const heldOut = [1, 2, 3, 4].map((seed) => fakeSummary(join(dir, 'scenario.json'), { seed, policy: 'static', params: { share: best }, tracePath: join(dir, 'trace2.csv') }).latency_ms.p99);
    expect(result.holdout!.tuned.means.latency_p99_ms).toBeCloseTo(heldOut.reduce((a: number, b: number) => a + b, 0) / 4, 9);
    expect(result.holdout!.defaults.params).toEqual({});
  });
});
