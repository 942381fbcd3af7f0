import { describe, expect, it } from 'vitest';
import { HoltSmoother } from '../../src/policy/holt.js';
import { getPolicyFactory } from '../../src/policy/registry.js';
import { POINT, runPolicy, series } from './snapshots.js';

describe('HoltSmoother', () => {
  it('matches hand-computed level, trend and forecast (α = β = 0.5)', () => {
    const h = new HoltSmoother(0.5, 0.5);
    expect(Number.isNaN(h.forecast(1))).toBe(true);
    h.update(100); // level 100, trend 0
    expect([h.level, h.trend]).toEqual([100, 0]);
    h.update(200); // level 0.5·200 + 0.5·100 = 150; trend 0.5·50 + 0.5·0 = 25
    expect([h.level, h.trend]).toEqual([150, 25]);
    h.update(400); // level 0.5·400 + 0.5·175 = 287.5; trend 0.5·137.5 + 0.5·25 = 81.25
    expect([h.level, h.trend]).toEqual([287.5, 81.25]);
    expect(h.forecast(2)).toBe(450);
  });
});

describe('predictive', () => {
  const factory = getPolicyFactory('predictive');
  // Capacity 5000 rec/s (busy = demand / 5 ms); horizon = 1 interval + 1000 ms cold start = 2 intervals.
  const params = { alpha: 0.5, beta: 0.5, horizonIntervals: 1, coldStartMs: 1000 };
  const at = (demand: number) => ({ sourceOut: demand, pending: 0, opIn: demand, opBusy: demand / 5, offloaded: 0, roundTripMs: 1000 });

  it('offloads and pre-warms ahead of a rise, and returns to 0 when the forecast falls under capacity', () => {
    const decisions = runPolicy(factory, params, series([at(1000), at(2000), at(4000), at(4000), at(1000), at(1000)]));
    const p = decisions.map((d) => d.points[POINT]);
    // forecasts: 1000, 150·10 + 2·25·10 = 2000 → both under 0.8 · 5000 = 4000: nothing
    expect(p[0]).toEqual({ share: 0, batchRecords: 100, maxWaitMs: 50, maxInFlight: 32, prewarm: 0 });
    expect(p[1].share).toBe(0);
    // forecast 2875 + 2·812.5 = 4500 → share 1 − 4000/4500 = 1/9, offload 500 rec/s:
    // 5 batches/s × 1 s round trip = 5 environments (demand itself is still under capacity)
    expect(p[2].share).toBeCloseTo(1 / 9, 12);
    expect(p[2].prewarm).toBe(5);
    // level 3843.75, trend 890.625 → forecast 5625 → 1 − 4000/5625; 1625 rec/s → ceil(16.25) = 17
    expect(p[3].share).toBeCloseTo(1 - 4000 / 5625, 12);
    expect(p[3].prewarm).toBe(17);
    // level 2867.1875, trend −42.96875 → forecast 2781.25 < 4000
    expect(p[4]).toMatchObject({ share: 0, prewarm: 0 });
    expect(p[5]).toMatchObject({ share: 0, prewarm: 0 });
  });

  it('caps pre-warming at maxInFlight and uses the assumed round trip until one is observed', () => {
    const noRtt = (d: number) => ({ ...at(d), roundTripMs: undefined });
    const decisions = runPolicy(factory, { ...params, maxInFlight: 3 }, series([at(1000), at(2000), at(4000), at(4000)]));
    expect(decisions[3].points[POINT].prewarm).toBe(3);
    const assumed = runPolicy(factory, { ...params, assumedRoundTripMs: 200 }, series([noRtt(1000), noRtt(2000), noRtt(4000)]));
    // 500 rec/s → 5 batches/s × 0.2 s = 1 environment
    expect(assumed[2].points[POINT].prewarm).toBe(1);
  });

  it('does not pre-warm on a falling trend even when it offloads', () => {
    const decisions = runPolicy(factory, params, series([at(4900), at(4900), at(4800)]));
    const last = decisions[2].points[POINT];
    expect(last.share).toBeGreaterThan(0);
    expect(last.prewarm).toBe(0);
  });

  it('offloads nothing while demand is unknown and leaves the forecast untouched', () => {
    const gap = { pending: 0, opIn: 4000, opBusy: 800 };
    const withGap = runPolicy(factory, params, series([at(1000), at(2000), gap, at(4000)]));
    expect(withGap[2].points[POINT]).toMatchObject({ share: 0, prewarm: 0 });
    // the gap skipped the Holt update: after it the policy sees 1000, 2000, 4000 as in the first test
    expect(withGap[3].points[POINT].share).toBeCloseTo(1 / 9, 12);
  });
});
