/** slo-burst by hand: the backlog must drain within headroom × p99 − lag (at least minDrainMs). */
import { describe, expect, it } from 'vitest';
import { createPolicy, getPolicyFactory } from '../../src/policy/registry.js';
import { context, snap } from './snapshots.js';

const PARAMS = { p99Ms: 2000, headroom: 0.5, minDrainMs: 100, capacityRps: 1000, targetUtilization: 0.8 };

describe('slo-burst', () => {
  it('drains the backlog in the time the objective has left', () => {
    const policy = createPolicy(getPolicyFactory('slo-burst'), PARAMS, context());
    // budget 0.5 × 2000 = 1000 ms; lag 400 → drain 600 ms: 6000 / 0.6 = 10000 + demand 1200 = 11200
    const d = policy.decide(snap({ tMs: 1000, sourceOut: 1200, pending: 6000, opIn: 1200, opBusy: 1000, lagMs: 400, offloaded: 0 }));
    expect(d.points.p1.share).toBeCloseTo(1 - 800 / 11200, 12);
  });

  it('past the objective it drains within minDrainMs', () => {
    const policy = createPolicy(getPolicyFactory('slo-burst'), PARAMS, context());
    // lag 1500 > budget: drain in minDrainMs = 100 ms → 6000 / 0.1 = 60000 + 1200 = 61200
    const d = policy.decide(snap({ tMs: 1000, sourceOut: 1200, pending: 6000, opIn: 1200, opBusy: 1000, lagMs: 1500, offloaded: 0 }));
    expect(d.points.p1.share).toBeCloseTo(1 - 800 / 61200, 12);
  });

  it('without a backlog it offloads only the excess over the target utilization, and nothing when the lag is unknown', () => {
    const policy = createPolicy(getPolicyFactory('slo-burst'), PARAMS, context());
    expect(policy.decide(snap({ tMs: 1000, sourceOut: 1200, pending: 0, opIn: 1200, opBusy: 1000, lagMs: 0, offloaded: 0 })).points.p1.share).toBeCloseTo(1 / 3, 12);
    expect(policy.decide(snap({ tMs: 2000, sourceOut: 1200, pending: 0, opIn: 1200, opBusy: 1000, offloaded: 0 })).points.p1.share).toBe(0);
  });
});
