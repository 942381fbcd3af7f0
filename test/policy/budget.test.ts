import { describe, expect, it } from 'vitest';
import type { PolicyFactory } from '../../src/policy/contract.js';
import { createBudgetPolicy } from '../../src/policy/policies/budget.js';
import { getPolicyFactory } from '../../src/policy/registry.js';
import { UserError } from '../../src/util/errors.js';
import { POINT, context, runPolicy, snap } from './snapshots.js';

const factory = getPolicyFactory('budget');
// inner static, always triggered (pending ≥ 0), share 0.5; cap 1 $/h over 60 s
const params = { inner: 'static', 'inner.threshold': 0, usdPerHour: 1, windowS: 60 };

describe('budget', () => {
  it('scales the inner share by cap / spend over the sliding window and caps the routed rate', () => {
    const decisions = runPolicy(factory, params, [
      // 0.02 $ in 36 s = 2 $/h → factor 0.5; 1e-6 $/record → 1 $/h sustains 277.78 rec/s
      snap({ tMs: 36_000, pending: 0, costUsd: 0.02, offloaded: 20_000 }),
      // window still reaches t = 0: 0.03 $ in 72 s = 1.5 $/h → factor 2/3
      snap({ tMs: 72_000, pending: 0, costUsd: 0.03, offloaded: 30_000 }),
      // window base moves to t = 36 s: 0.015 $ in 72 s = 0.75 $/h → under the cap
      snap({ tMs: 108_000, pending: 0, costUsd: 0.035, offloaded: 35_000 }),
    ]);
    const p = decisions.map((d) => d.points[POINT]);
    expect(p[0].share).toBeCloseTo(0.25, 12);
    expect(p[0].maxRateRps).toBeCloseTo(1 / 3600 / 1e-6, 9);
    expect(p[1].share).toBeCloseTo(0.5 * (1 / 1.5), 12);
    expect(p[2].share).toBe(0.5);
    expect(p[2].maxRateRps).toBeCloseTo(1 / 3600 / 1e-6, 9);
    expect(p[2]).toMatchObject({ batchRecords: 100, maxWaitMs: 50, maxInFlight: 32 });
  });

  it('passes the inner decision through while nothing has been spent', () => {
    const d = runPolicy(factory, params, [snap({ tMs: 1000, pending: 0, costUsd: 0, offloaded: 0 })]);
    expect(d[0].points[POINT]).toEqual({ share: 0.5, batchRecords: 100, maxWaitMs: 50, maxInFlight: 32 });
  });

  it('offloads nothing when the spend is unknown or the cap is zero', () => {
    expect(runPolicy(factory, params, [snap({ tMs: 1000, pending: 0 })])[0].points[POINT].share).toBe(0);
    const zero = runPolicy(factory, { ...params, usdPerHour: 0 }, [snap({ tMs: 1000, pending: 0, costUsd: 0, offloaded: 0 })]);
    expect(zero[0].points[POINT].share).toBe(0);
  });

  it('runs the default inner policy (threshold) with its own defaults', () => {
    const d = runPolicy(factory, {}, [snap({ tMs: 1000, costUsd: 0, offloaded: 0, opBusy: 100, opIn: 100, sourceOut: 100, pending: 0 })]);
    expect(d[0].points[POINT]).toEqual({ share: 0, batchRecords: 100, maxWaitMs: 50, maxInFlight: 32 });
  });

  it('validates inner parameters under their inner. names', () => {
    expect(() => factory.create({ ...params, 'inner.share': 'lots' }, context())).toThrow(
      new UserError('policy "static": parameter "inner.share": given "lots", allowed: a number from 0 to 1'),
    );
    expect(() => factory.create({ inner: 'backpressure', 'inner.share': 1 }, context())).toThrow(
      new UserError('policy "backpressure": unknown parameter "inner.share"; known parameters: (none)'),
    );
    expect(() => factory.create({ inner: 'budget' }, context())).toThrow(
      new UserError(
        'policy "budget": parameter "inner": given "budget", allowed: one of backpressure, static, threshold, target-lag, predictive, feed-forward',
      ),
    );
  });
});

describe('budget with a stand-in inner policy', () => {
  const inner: PolicyFactory = {
    name: 'fixed',
    description: 'always the same decision',
    params: [],
    create: () => ({
      name: 'fixed',
      decide: () => ({ points: { [POINT]: { share: 0.8, batchRecords: 10, maxWaitMs: 5, maxInFlight: 20, prewarm: 11, maxRateRps: 100 } } }),
    }),
  };
  const budget = createBudgetPolicy(() => inner);

  it('scales share and pre-warming, and keeps the tighter rate cap', () => {
    // 0.01 $ in 9 s = 4 $/h against a 1 $/h cap → factor 0.25; 1e-4 $/record → 1 $/h sustains 2.78 rec/s
    const [d] = runPolicy(budget, { usdPerHour: 1 }, [snap({ tMs: 9000, costUsd: 0.01, offloaded: 100 })]);
    expect(d.points[POINT].share).toBeCloseTo(0.2, 12);
    expect(d.points[POINT].prewarm).toBe(2); // floor(11 × 0.25)
    expect(d.points[POINT].maxRateRps).toBeCloseTo(1 / 3600 / 1e-4, 9);
    // a generous cap: the inner's own rate cap (100) is the tighter one
    const [loose] = runPolicy(budget, { usdPerHour: 1000 }, [snap({ tMs: 9000, costUsd: 0.01, offloaded: 100 })]);
    expect(loose.points[POINT]).toEqual({ share: 0.8, batchRecords: 10, maxWaitMs: 5, maxInFlight: 20, prewarm: 11, maxRateRps: 100 });
  });
});
