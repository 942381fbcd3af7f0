import { describe, expect, it } from 'vitest';
import { flappingSummary, shareReversals, timeToReact, variance } from '../../src/metrics/flapping.js';

describe('flapping figures', () => {
  it('counts reversals of direction, ignoring flat stretches', () => {
    expect(shareReversals([0, 1, 0, 1, 0])).toBe(3);
    expect(shareReversals([0, 0.2, 0.5, 0.5, 0.5, 0.3, 0])).toBe(1);
    expect(shareReversals([0.5, 0.5])).toBe(0);
  });

  it('population variance', () => {
    expect(variance([0, 1, 0, 1])).toBe(0.25);
    expect(variance([])).toBe(0);
  });

  it('time to react: first offloaded interval end − first overloaded interval end', () => {
    const columns = ['t_s', 'offloaded_rps', 'op.busyTimeMsPerSecond'];
    const rows = [[1, 0, 300], [2, 0, 960], [3, 0, 1000], [4, 50, 900], [5, 0, 400]];
    expect(timeToReact(columns, rows, 'op')).toBe(2);
    expect(timeToReact(columns, [[1, 10, 100], [2, 0, 999]], 'op')).toBe(-1);
    expect(timeToReact(columns, [[1, 0, 100]], 'op')).toBeNull();
    expect(timeToReact(columns, rows, 'absent')).toBeNull();
  });

  it('summary over the replay only, one offload point, per minute of replay', () => {
    const decisions = [0, 1, 0, 1, 0, 1].map((share, i) => ({ tMs: (i + 1) * 10_000, point: 'p', share }));
    decisions.push({ tMs: 70_000, point: 'p', share: 0 }, { tMs: 20_000, point: 'q', share: 0.5 });
    const ts = { columns: ['t_s', 'offloaded_rps', 'v.busyTimeMsPerSecond'], rows: [[10, 0, 990], [20, 5, 10]] };
    const f = flappingSummary(decisions, ts, { id: 'p', vertex: 'v' }, 60_000);
    // shares within 60 s: 0 1 0 1 0 1 → 4 reversals in 1 minute; variance of three 0s and three 1s
    expect(f).toEqual({ share_switches_per_min: 4, share_variance: 0.25, time_to_react_s: 10 });
    expect(flappingSummary(decisions, ts, undefined, 60_000)).toEqual({ share_switches_per_min: 0, share_variance: 0, time_to_react_s: null });
  });
});
