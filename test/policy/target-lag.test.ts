import { describe, expect, it } from 'vitest';
import { PiController } from '../../src/policy/pi.js';
import { getPolicyFactory } from '../../src/policy/registry.js';
import { POINT, runPolicy, series, shares, snap } from './snapshots.js';

const factory = getPolicyFactory('target-lag');

describe('PiController', () => {
  it('computes kp·e + ki·∫e and clamps', () => {
    const pi = new PiController(0.5, 0.1, 0, 1);
    expect(pi.step(1, 1)).toBeCloseTo(0.6, 12); // 0.5·1 + 0.1·1
    expect(pi.step(0.5, 2)).toBeCloseTo(0.45, 12); // 0.25 + 0.1·(1 + 1)
    expect(pi.integralState).toBeCloseTo(2, 12);
  });
});

describe('target-lag', () => {
  it('matches hand-computed PI outputs (target 1000, kp 0.5, ki 0.1, e = (y − 1000)/1000)', () => {
    const s = shares(runPolicy(factory, {}, series([{ pending: 3000 }, { pending: 2000 }, { pending: 500 }, { pending: 1000 }])));
    // 1: e = 2, 0.5·2 + 0.1·2 = 1.2 > 1 → saturated, integral held at 0 → 1
    // 2: e = 1, integral 1 → 0.5 + 0.1 = 0.6
    // 3: e = −0.5, candidate −0.25 + 0.1·0.5 < 0 → integral held at 1 → −0.25 + 0.1 → 0
    // 4: e = 0, integral 1 → 0.1
    expect(s[0]).toBe(1);
    expect(s[1]).toBeCloseTo(0.6, 12);
    expect(s[2]).toBe(0);
    expect(s[3]).toBeCloseTo(0.1, 12);
  });

  it('does not wind up while saturated (leaves saturation at once)', () => {
    const long = Array.from({ length: 10 }, () => ({ pending: 10_000 }));
    const s = shares(runPolicy(factory, {}, series([...long, { pending: 1000 }])));
    expect(s.slice(0, 10)).toEqual(Array(10).fill(1));
    // without anti-windup the integral would be 90 and the share still 1
    expect(s[10]).toBe(0);
  });

  it('integrates over the real time between snapshots', () => {
    const decisions = runPolicy(factory, { kp: 0, ki: 0.1 }, [snap({ tMs: 1000, pending: 1500 }), snap({ tMs: 4000, pending: 1500 })]);
    // first step uses the controller interval (1 s): 0.1·0.5·1; then 3 s more: 0.1·0.5·4
    expect(shares(decisions)[0]).toBeCloseTo(0.05, 12);
    expect(shares(decisions)[1]).toBeCloseTo(0.2, 12);
  });

  it('controls the emit lag in ms when asked', () => {
    const s = shares(runPolicy(factory, { metric: 'lag', target: 2000, kp: 0.2, ki: 0 }, series([{ lagMs: 4000 }, { lagMs: 1000 }])));
    expect(s[0]).toBeCloseTo(0.2, 12);
    expect(s[1]).toBe(0);
  });

  it('offloads nothing when the metric is missing and resumes from where it was', () => {
    const decisions = runPolicy(factory, {}, [
      snap({ tMs: 1000, pending: 2000 }), // e = 1 → 0.5 + 0.1 = 0.6, integral 1
      snap({ tMs: 2000 }), // unknown → 0
      snap({ tMs: 3000, pending: 1000 }), // e = 0 → 0.1·1
    ]);
    expect(shares(decisions)[0]).toBeCloseTo(0.6, 12);
    expect(shares(decisions)[1]).toBe(0);
    expect(shares(decisions)[2]).toBeCloseTo(0.1, 12);
    expect(decisions[1].points[POINT]).toEqual({ share: 0, batchRecords: 100, maxWaitMs: 50, maxInFlight: 32 });
  });

  it('clamps to maxShare', () => {
    expect(shares(runPolicy(factory, { maxShare: 0.7 }, series([{ pending: 1e6 }])))).toEqual([0.7]);
  });
});
