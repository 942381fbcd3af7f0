/**
 * The operator autoscaler's decisions, computed by hand from its formulas (AutoScalerUtils,
 * JobVertexScaler) on fixed inputs: scale-up, scale-down, inside the bounds, stabilization, key groups.
 */
import { describe, expect, it } from 'vitest';
import { computeParallelism, outsideUtilizationBound, scale, targetProcessingCapacity, type ScalerOptions, type VertexLoad } from '../../src/policy/autoscaler-math.js';
import { createPolicy, getPolicyFactory } from '../../src/policy/registry.js';
import type { MetricsSnapshot } from '../../src/policy/contract.js';
import { context, snap } from './snapshots.js';

const OPTS: ScalerOptions = {
  utilizationTarget: 0.7,
  utilizationMax: 1,
  utilizationMin: 0.4,
  catchUpS: 600,
  restartS: 60,
  scaleUpMaxFactor: 100000,
  scaleDownMaxFactor: 0.6,
  vertexMin: 1,
  vertexMax: 200,
};

function load(l: Partial<VertexLoad>): VertexLoad {
  return { parallelism: 2, trueProcessingRate: 1000, targetDataRate: 1000, catchUpDataRate: 0, maxParallelism: 128, keyed: false, ...l };
}

describe('autoscaler formulas', () => {
  it('target capacity = lag/catch-up + rate×restart/catch-up + rate/utilization, rounded', () => {
    // 60000 pending / 600 s = 100; 1000 × 60 / 600 = 100; 1000 / 0.7 = 1428.571 → 1628.571 → 1629
    expect(targetProcessingCapacity(load({ catchUpDataRate: 100 }), OPTS, 0.7, true)).toBe(1629);
    // without the restart term (the bounds): 100 + 1000 / 1.0 = 1100
    expect(targetProcessingCapacity(load({ catchUpDataRate: 100 }), OPTS, 1, false)).toBe(1100);
  });

  it('scale-up: factor 1629/1000, ceil(1.629 × 2) = 4, outside the bounds', () => {
    const l = load({ catchUpDataRate: 100 });
    expect(computeParallelism(l, OPTS)).toEqual({ parallelism: 4, scaleFactor: 1.629 });
    expect(outsideUtilizationBound(l, OPTS)).toBe(true); // 1000 < 1100
  });

  it('inside the bounds: a parallelism change is computed but the vertex is within [1000, 2500]', () => {
    const l = load({ trueProcessingRate: 1500 });
    // target 1000×60/600 + 1000/0.7 = 1528.571 → 1529; 1529/1500 × 2 = 2.039 → 3
    expect(computeParallelism(l, OPTS).parallelism).toBe(3);
    // up threshold 1000/1.0 = 1000, down threshold 1000/0.4 = 2500: 1500 inside
    expect(outsideUtilizationBound(l, OPTS)).toBe(false);
  });

  it('scale-down is limited by scale-down.max-factor: 1529/6000 = 0.255 → 0.4, ceil(0.4 × 4) = 2', () => {
    const l = load({ parallelism: 4, trueProcessingRate: 6000 });
    expect(computeParallelism(l, OPTS)).toEqual({ parallelism: 2, scaleFactor: 0.4 });
    expect(outsideUtilizationBound(l, OPTS)).toBe(true); // 6000 > 2500
    expect(computeParallelism(l, { ...OPTS, scaleDownMaxFactor: 1 }).parallelism).toBe(2); // ceil(0.2548 × 4) = 2
  });

  it('bounds: vertex.max-parallelism and max parallelism cap, vertex.min-parallelism floors', () => {
    expect(scale(2, false, 128, 10, 1, 6)).toBe(6);
    expect(scale(2, false, 4, 10, 1, 200)).toBe(4);
    expect(scale(8, false, 128, 0.1, 3, 200)).toBe(3);
  });

  it('key-group alignment: up to the next divisor of the key groups; a scale-down that finds none is blocked', () => {
    expect(scale(2, true, 128, 2.5, 1, 200)).toBe(8); // ceil(5) → 5, 6, 7 do not divide 128, 8 does
    expect(scale(16, true, 128, 0.625, 1, 200)).toBe(16); // 10..16: first divisor is 16 = current: blocked
    expect(scale(10, true, 120, 0.7, 1, 200)).toBe(8); // 7 does not divide 120, 8 does
    expect(scale(2, false, 128, 2.5, 1, 200)).toBe(5); // not keyed: no alignment
  });
});

const PARAMS = {
  'metrics.window': 120,
  'stabilization.interval': 60,
  'restart.time': 60,
  'catch-up.duration': 600,
  'scale-down.interval': 0,
};

/** op reads 1200 records/s at 960 ms/s busy (true rate 1250), 36000 records pending (catch-up 60/s). */
function loaded(tS: number, opParallelism = 2): MetricsSnapshot {
  // the counters say the same as the rates: 1200 records/s in and out, 960 ms/s busy on each of 2 subtasks
  const counters = { sourceOutTotal: 1200 * tS, opInTotal: 1200 * tS, opBusyMsTotal: 960 * 2 * tS };
  const s = snap({ tMs: tS * 1000, sourceOut: 1200, pending: 36_000, opIn: 1200, opBusy: 960, ...counters });
  for (const v of s.vertices) if (v.id === 'op') v.parallelism = opParallelism;
  return s;
}

describe('autoscaler policy timing', () => {
  it('waits the stabilization interval and a full metrics window, then asks for ceil(1894/1250 × 2) = 4', () => {
    const policy = createPolicy(getPolicyFactory('autoscaler'), PARAMS, context());
    const asked: [number, Record<string, number>][] = [];
    for (let t = 10; t <= 200; t += 10) {
      const d = policy.decide(loaded(t));
      expect(d.points.p1.share).toBe(0);
      if (d.parallelism) asked.push([t, d.parallelism]);
    }
    // collection starts at 60 s (stabilization), the window is full at 60 + 120 = 180 s.
    // target = round(60 + 1200×60/600 + 1200/0.7) = 1894; up threshold round(60 + 1200) = 1260 > 1250: outside.
    expect(asked[0]).toEqual([180, { op: 4 }]);
  });

  it('after a restart it stabilizes and refills its window before acting again', () => {
    const policy = createPolicy(getPolicyFactory('autoscaler'), PARAMS, context());
    for (let t = 10; t <= 180; t += 10) policy.decide(loaded(t));
    expect(policy.decide({ ...loaded(190), jobStatus: 'RESTARTING' }).parallelism).toBeUndefined();
    const asked: number[] = [];
    for (let t = 200; t <= 400; t += 10) if (policy.decide(loaded(t, 4)).parallelism) asked.push(t);
    // restarted at 200 s: stabilization to 260 s, window full at 380 s
    expect(asked[0]).toBe(380);
  });

  it('a scale-down waits scale-down.interval after it was first recommended', () => {
    const policy = createPolicy(getPolicyFactory('autoscaler'), { ...PARAMS, 'scale-down.interval': 100 }, context());
    const asked: number[] = [];
    for (let t = 10; t <= 400; t += 10) {
      // op 1200 records/s at 200 ms/s busy: true rate 6000, nothing pending: scale-down to ceil(0.4 × 2) = 1
      const s = snap({ tMs: t * 1000, sourceOut: 1200, pending: 0, opIn: 1200, opBusy: 200 });
      const d = policy.decide(s);
      if (d.parallelism) {
        expect(d.parallelism.op).toBe(1);
        asked.push(t);
      }
    }
    // first recommended at 180 s, executed at 180 + 100 = 280 s
    expect(asked[0]).toBe(280);
  });
});

describe('burst+autoscale', () => {
  /** The first scale-up the policy forwards, [t, parallelism]; bursting from `burstFromS` on, checked each snapshot. */
  const firstRequest = (sustainS: number, bridge: string, burstFromS: number) => {
    const policy = createPolicy(getPolicyFactory('burst+autoscale'), { ...PARAMS, sustainS, bridge }, context());
    for (let t = 10; t <= 400; t += 10) {
      const d = policy.decide(loaded(t));
      if (t >= burstFromS) expect(d.points.p1.share, `share at ${t} s`).toBeGreaterThan(0);
      else expect(d.points.p1.share, `share at ${t} s`).toBe(0);
      if (d.parallelism) return [t, d.parallelism] as const;
    }
    return null;
  };

  // target-lag: 36000 pending against its target of 1000, bursting from the first snapshot on
  it('bursts at once and forwards the autoscaler request as it comes with sustainS 0', () => {
    expect(firstRequest(0, 'target-lag', 10)).toEqual([180, { op: 4 }]);
  });

  it('holds a scale-up until bursting has run sustainS without a break (from 10 s: 10 + 300 = 310 s)', () => {
    expect(firstRequest(300, 'target-lag', 10)).toEqual([310, { op: 4 }]);
  });

  // feed-forward (the default bridge) needs two snapshots for its counter deltas: bursting from 20 s, so 20 + 300
  it('the feed-forward bridge bursts from the second snapshot and holds the scale-up to 20 + 300 = 320 s', () => {
    expect(firstRequest(300, 'feed-forward', 20)).toEqual([320, { op: 4 }]);
  });

  it('the feed-forward bridge sizes the share from the excess: backlog 36000 over drainSeconds 5 plus arrival above 0.9 × 1250', () => {
    const policy = createPolicy(getPolicyFactory('burst+autoscale'), { ...PARAMS, sustainS: 0 }, context());
    policy.decide(loaded(10));
    const share = policy.decide(loaded(20)).points.p1.share;
    // required: 1200 + 36000/5 = 8400 records/s against 0.9 × 1250 = 1125 kept locally: share 1 − 1125/8400
    expect(share).toBeCloseTo(1 - 1125 / 8400, 9);
  });
});
