import { describe, expect, it } from 'vitest';
import { ShareGovernor } from '../../src/policy/anti-flap.js';
import { feedForwardPolicy } from '../../src/policy/policies/feed-forward.js';
import { POINT, runPolicy, shares, snap, type SnapSpec } from './snapshots.js';

const GOV = { onShare: 0.05, offShare: 0.01, deadband: 0.03, maxStepDown: 0.05, minDwellMs: 3000 };

describe('ShareGovernor (anti-flap)', () => {
  it('hysteresis: nothing below onShare, then up at once', () => {
    const g = new ShareGovernor(GOV);
    expect([0.04, 0.049, 0.3].map((x, i) => g.next(x, i * 1000))).toEqual([0, 0, 0.3]);
  });

  it('ignores changes inside the deadband; lowers only after the dwell, by maxStepDown, never below target', () => {
    const g = new ShareGovernor(GOV);
    g.next(0.5, 0);
    const out = [0.52, 0.3, 0.3, 0.3, 0.3, 0.48].map((x, i) => g.next(x, (i + 1) * 1000));
    // 0.52 within the deadband; 0.3 at 2 s (< 3 s dwell) held; from 3 s down 0.05 a step; 0.48 rises again.
    expect(out).toEqual([0.5, 0.5, 0.45, 0.4, 0.35, 0.48].map((x) => expect.closeTo(x, 12)));
    expect(g.next(0.46, 7000)).toBe(0.48);
    expect(g.next(0.44, 20_000)).toBeCloseTo(0.44, 12);
  });

  it('switches off only when the share has come down to offShare', () => {
    const g = new ShareGovernor({ ...GOV, minDwellMs: 0, maxStepDown: 0.1 });
    g.next(0.2, 0);
    expect([0, 0, 0].map((x, i) => g.next(x, (i + 1) * 1000))).toEqual([0.1, 0, 0]);
    expect(g.isOn).toBe(false);
    expect(g.next(0.04, 5000)).toBe(0);
  });

  it('a share inside the deadband above offShare still goes to 0 when the target does', () => {
    const g = new ShareGovernor({ ...GOV, minDwellMs: 0, maxStepDown: 0.03 });
    g.next(0.06, 0);
    // 0.04 and 0.035 are inside the deadband; 0 is at offShare: down one step, then off.
    expect([0.04, 0.035, 0].map((x, i) => g.next(x, (i + 1) * 1000))).toEqual([0.06, 0.06, 0.03].map((x) => expect.closeTo(x, 12)));
    expect(g.next(0, 5000)).toBe(0);
    expect(g.isOn).toBe(false);
  });

  it('cannot cycle: any target sequence within the deadband of a constant gives a constant share', () => {
    const g = new ShareGovernor(GOV);
    const targets = Array.from({ length: 200 }, (_, i) => 0.45 + 0.015 * Math.sin(i * 1.7));
    const out = targets.map((x, i) => g.next(x, i * 1000));
    expect(new Set(out).size).toBe(1);
  });
});

// Hand-made counters: op has 2 subtasks; every record the sources read reaches op (op listed after the source).
function counters(tMs: number, read: number, local: number, busyMs: number, offloaded: number): SnapSpec {
  return { tMs, sourceOutTotal: read, opInTotal: local, opBusyMsTotal: busyMs, offloaded, pending: 0 };
}

describe('feed-forward policy', () => {
  it('sizes the share from the measured excess, leads growth by one interval, holds during the dwell', () => {
    const snaps = [
      counters(1000, 0, 0, 0, 0),
      // 10,000 read and processed in 2 busy s (both subtasks saturated): capacity 2 × 10,000 / 2 = 10,000/s.
      counters(2000, 10_000, 10_000, 2000, 0),
      // demand 20,000/s (growth 10,000): required 30,000 → 1 − 0.9 × 10,000 / 30,000 = 0.7.
      counters(3000, 30_000, 20_000, 4000, 10_000),
      // demand steady at 20,000: target 0.55, held at 0.7 within the 10 s dwell.
      counters(4000, 50_000, 29_000, 5800, 21_000),
    ];
    const d = runPolicy(feedForwardPolicy, {}, snaps.map(snap));
    expect(shares(d)).toEqual([0, 0.1, 0.7, 0.7].map((x) => expect.closeTo(x, 12)));
    // While offloading: environments for 0.1 × 10,000 rec/s / 100 per batch × 0.1 s round trip = 1 in flight.
    expect(d[1].points[POINT].prewarm).toBe(1);
    expect(d[1].note).toContain('capacity=10000');
  });

  it('backlog: its growth counts as arrival, and it adds its drain rate (5,000 pending over 5 s)', () => {
    const snaps = [counters(1000, 0, 0, 0, 0), { ...counters(2000, 10_000, 10_000, 2000, 0), pending: 5000 }];
    // arrival = 10,000 read + 5,000 piled up; required = 15,000 + 5,000 / 5 (no growth known on the first interval)
    expect(shares(runPolicy(feedForwardPolicy, {}, snaps.map(snap)))[1]).toBeCloseTo(1 - 9000 / 16_000, 12);
  });

  it("objective 'p99' drains within twice the target latency", () => {
    const snaps = [counters(1000, 0, 0, 0, 0), { ...counters(2000, 10_000, 10_000, 2000, 0), pending: 4000 }];
    // p99TargetMs 500: drain 1 s → required = 14,000 arrival + 4,000 / 1 = 18,000
    const d = runPolicy(feedForwardPolicy, { objective: 'p99', p99TargetMs: 500 }, snaps.map(snap));
    expect(shares(d)[1]).toBeCloseTo(1 - 9000 / 18_000, 12);
  });

  it('holds the share (and pre-warming) over a poll with cached counters instead of dropping to 0', () => {
    const idle = (spec: SnapSpec) => {
      const s = snap(spec);
      s.vertices[1].metrics.accumulateIdleTimeMs = { min: 0, max: 0, avg: 0, sum: 0 };
      return s;
    };
    const snaps = [counters(1000, 0, 0, 0, 0), counters(2000, 10_000, 10_000, 2000, 0), counters(3000, 10_000, 10_000, 2000, 0)].map(idle);
    const d = runPolicy(feedForwardPolicy, {}, snaps);
    expect(shares(d)).toEqual([0, expect.closeTo(0.1, 12), expect.closeTo(0.1, 12)]);
    expect(d[2].points[POINT].prewarm).toBe(d[1].points[POINT].prewarm);
    expect(d[2].note).toContain('counters not refreshed');
  });

  it('unknown counters offload nothing', () => {
    expect(shares(runPolicy(feedForwardPolicy, {}, [snap({ tMs: 1000 }), snap({ tMs: 2000, pending: 1e6 })]))).toEqual([0, 0]);
  });
});
