import { describe, expect, it } from 'vitest';
import { readCounters, signalsBetween, type FastSignalScope } from '../../src/policy/fast-signals.js';
import { SignalTracker } from '../../src/policy/signal-tracker.js';
import { OP, POINT, SOURCE, snap, type SnapSpec } from './snapshots.js';

const scope: FastSignalScope = { vertex: OP, sources: [SOURCE], upstream: SOURCE, pointIds: [POINT] };

const base: SnapSpec = {
  tMs: 1000,
  sourceOutTotal: 1000,
  pending: 0,
  opInTotal: 900,
  opBusyMsTotal: 600,
  opBackpressuredMsTotal: 0,
  sourceBackpressuredMsTotal: 0,
  offloaded: 0,
  opInPool: 0.2,
};
// Two seconds later: 12,000 read, 4,000 more pending, 11,000 processed by op, 1,000 routed, 3,200 busy ms.
const later: SnapSpec = {
  tMs: 3000,
  sourceOutTotal: 13_000,
  pending: 4000,
  opInTotal: 11_900,
  opBusyMsTotal: 3800,
  opBackpressuredMsTotal: 400,
  sourceBackpressuredMsTotal: 1000,
  offloaded: 1000,
  opInPool: 0.75,
};

describe('fast signals from two hand-made snapshots', () => {
  const s = signalsBetween(readCounters(snap(base), scope), readCounters(snap(later), scope));

  it('counter deltas: records read, processed locally, routed, per second', () => {
    expect(s.dtS).toBe(2);
    expect(s.readRps).toBe(6000);
    expect(s.localRps).toBe(5500);
    expect(s.offloadedRps).toBe(500);
  });

  it('backlog slope is the excess rate; arrival = read + slope', () => {
    expect(s.pending).toBe(4000);
    expect(s.pendingSlopeRps).toBe(2000);
    expect(s.arrivalRps).toBe(8000);
  });

  it('busy and backpressured fractions from accumulated time over parallelism × elapsed', () => {
    expect(s.busyFraction).toBeCloseTo(3200 / 4000, 12);
    expect(s.backpressuredFraction).toBeCloseTo(400 / 4000, 12);
    expect(s.sourceBackpressuredFraction).toBeCloseTo(1000 / 2000, 12);
  });

  it('capacity = parallelism × processed / busy seconds; queue = sent − processed − routed; pool gauge', () => {
    expect(s.capacityRps).toBeCloseTo((2 * 11_000) / 3.2, 9);
    expect(s.queuedRecords).toBe(13_000 - 11_900 - 1000);
    expect(s.inPoolUsage).toBe(0.75);
  });

  it('a counter that went backwards (a restart) or is absent reads as unknown', () => {
    const reset = signalsBetween(readCounters(snap(later), scope), readCounters(snap({ ...base, tMs: 4000 }), scope));
    expect(reset.readRps).toBeNaN();
    expect(reset.capacityRps).toBeNaN();
    const absent = signalsBetween(readCounters(snap({ tMs: 1000 }), scope), readCounters(snap({ tMs: 2000 }), scope));
    expect(absent.arrivalRps).toBeNaN();
    expect(absent.busyFraction).toBeNaN();
  });

  it('a nearly idle vertex gives no capacity (busy under 5%)', () => {
    const idle = signalsBetween(readCounters(snap(base), scope), readCounters(snap({ ...base, tMs: 2000, opBusyMsTotal: 600 + 99 }), scope));
    expect(idle.busyFraction).toBeCloseTo(99 / 2000, 12);
    expect(idle.capacityRps).toBeNaN();
  });
});

describe('SignalTracker', () => {
  it('first poll gives nothing; capacity is a ratio of sums over the window, held while idle', () => {
    const t = new SignalTracker(scope, 2);
    const c = (tMs: number, read: number, local: number, busy: number, offloaded = 0): SnapSpec => ({
      tMs, sourceOutTotal: read, opInTotal: local, opBusyMsTotal: busy, pending: 0, offloaded,
    });
    expect(t.update(snap(c(1000, 0, 0, 0)))).toBeNull();
    // 6,000 records in 1 busy second (2 subtasks × 500 ms), then 3,000 in 1 busy second.
    expect(t.update(snap(c(2000, 6000, 6000, 1000)))!.capacityEstimateRps).toBe(12_000);
    expect(t.update(snap(c(3000, 9000, 9000, 2000)))!.capacityEstimateRps).toBe((2 * 9000) / 2);
    // Everything routed away: op idle, the estimate is kept.
    const idle = t.update(snap(c(4000, 12_000, 9000, 2000, 3000)))!;
    expect(idle.capacityRps).toBeNaN();
    expect(idle.capacityEstimateRps).toBe(9000);
    // Window of 2: the first interval drops out.
    expect(t.update(snap(c(5000, 16_000, 13_000, 3000, 3000)))!.capacityEstimateRps).toBe((2 * (3000 + 4000)) / 2);
  });

  it('selectivity from counter totals: what upstream sent, or processed + routed, over what was read', () => {
    const noUpstream = new SignalTracker({ ...scope, upstream: '' });
    noUpstream.update(snap({ tMs: 1000, sourceOutTotal: 100, opInTotal: 300, offloaded: 0, pending: 0 }));
    const s = noUpstream.update(snap({ tMs: 2000, sourceOutTotal: 1100, opInTotal: 2300, offloaded: 1000, pending: 500 }))!;
    expect(s.selectivity).toBe(3);
    expect(s.demandRps).toBe((1000 + 500) * 3);
  });

  it('a poll whose counters did not move (cached by the REST API) is stale: the next one spans both intervals', () => {
    const t = new SignalTracker(scope);
    const withIdle = (spec: SnapSpec, idleMs: number) => {
      const s = snap(spec);
      s.vertices.find((v) => v.id === OP)!.metrics.accumulateIdleTimeMs = { min: idleMs / 2, max: idleMs / 2, avg: idleMs / 2, sum: idleMs };
      return s;
    };
    t.update(withIdle(base, 100));
    expect(t.update(withIdle({ ...base, tMs: 2000 }, 100))).toBeNull();
    expect(t.stale).toBe(true);
    const s = t.update(withIdle(later, 100))!;
    expect(t.stale).toBe(false);
    expect(s.dtS).toBe(2); // from the 1 s reading, not the stale copy at 2 s
    expect(s.readRps).toBe(6000);
    // an idle task's time counters still move: not stale
    expect(t.update(withIdle({ ...later, tMs: 4000 }, 2100))!.readRps).toBe(0);
    expect(t.stale).toBe(false);
  });

  it('a snapshot not newer than the last is ignored', () => {
    const t = new SignalTracker(scope);
    t.update(snap(base));
    expect(t.update(snap(base))).toBeNull();
    expect(t.update(snap(later))!.readRps).toBe(6000);
  });
});

describe('the signal tracker across a restart (issue 15)', () => {
  // Before: 3,000 read, 2,500 processed by op, 400 routed (queue 100). The job restarts: its task counters start
  // at 0 again, the offload point's counter keeps running (450, then 650: 50 and 250 routed since the restart).
  const before = [
    { tMs: 1000, sourceOutTotal: 1000, opInTotal: 900, offloaded: 0, opBusyMsTotal: 100 },
    { tMs: 2000, sourceOutTotal: 3000, opInTotal: 2500, offloaded: 400, opBusyMsTotal: 900 },
  ];
  const after = [
    { tMs: 3000, sourceOutTotal: 400, opInTotal: 250, offloaded: 450, opBusyMsTotal: 100 },
    { tMs: 4000, sourceOutTotal: 1400, opInTotal: 1100, offloaded: 650, opBusyMsTotal: 600 },
  ];

  it('counts the queue in front of the vertex within the new incarnation, not across two', () => {
    const t = new SignalTracker(scope);
    const out = [...before, ...after].map((s) => t.update(snap(s)));
    expect(out[1]!.queuedRecords).toBe(3000 - 2500 - 400);
    // 400 sent − 250 processed − (450 − 400) routed since the restart; then 1,400 − 1,100 − 250
    expect(out[2]!.queuedRecords).toBe(100);
    expect(out[3]!.queuedRecords).toBe(50);
    // the counters' deltas over the restart are unknown, not negative
    expect(out[2]!.readRps).toBeNaN();
    expect(out[3]!.readRps).toBe(1000);
  });

  it('an offload counter that restarted with the job needs no base: the new totals are the queue', () => {
    const t = new SignalTracker(scope);
    const out = [...before, { tMs: 3000, sourceOutTotal: 400, opInTotal: 250, offloaded: 50 }].map((s) => t.update(snap(s)));
    expect(out[2]!.queuedRecords).toBe(100);
  });
});
