import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/experiment/runner.js';
import { scenario, tokenizerSpec } from '../helpers/scenarios.js';
import { firstOverloadedS, flappingSummary, shareReversals, timeToReact, variance } from '../../src/metrics/flapping.js';

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

  it('first overloaded interval: the first row with busy >= 950 ms/s, its end t_s', () => {
    const columns = ['t_s', 'offloaded_rps', 'op.busyTimeMsPerSecond'];
    const rows = [[1, 0, 300], [2, 0, 949], [3, 0, 950], [4, 50, 1000], [5, 0, 400]];
    expect(firstOverloadedS(columns, rows, 'op')).toBe(3);
    expect(firstOverloadedS(columns, [[1, 0, 100]], 'op')).toBeNull();
    expect(firstOverloadedS(columns, rows, 'absent')).toBeNull();
  });

  it('time to react at record resolution: first offloaded record (ms) − end of the first overloaded interval (s)', () => {
    // overloaded interval (2 s, 3 s], first record out at 3,270 ms: 0.27 s, not the interval's 1 s
    expect(timeToReact(3, 3_270)).toBe(0.27);
    // a record routed within the interval that saturated: before its end, negative
    expect(timeToReact(3, 2_999)).toBe(-0.001);
    expect(timeToReact(3, 12_345.6)).toBe(9.346);
    expect(timeToReact(null, 3_270)).toBeNull();
    expect(timeToReact(3, null)).toBeNull();
    expect(timeToReact(Number.NaN, 3_270)).toBeNull();
  });

  it('summary over the replay only, one offload point, per minute of replay', () => {
    const decisions = [0, 1, 0, 1, 0, 1].map((share, i) => ({ tMs: (i + 1) * 10_000, point: 'p', share }));
    decisions.push({ tMs: 70_000, point: 'p', share: 0 }, { tMs: 20_000, point: 'q', share: 0.5 });
    const ts = { columns: ['t_s', 'offloaded_rps', 'v.busyTimeMsPerSecond'], rows: [[10, 0, 990], [20, 5, 10]] };
    const f = flappingSummary(decisions, ts, { id: 'p', vertex: 'v' }, 60_000, 10_450);
    // shares within 60 s: 0 1 0 1 0 1 → 4 reversals in 1 minute; variance of three 0s and three 1s;
    // overloaded interval ends at 10 s, the first record went out at 10,450 ms
    expect(f).toEqual({ share_switches_per_min: 4, share_variance: 0.25, time_to_react_s: 0.45, first_overloaded_s: 10, first_offloaded_s: 10.45 });
    expect(flappingSummary(decisions, ts, { id: 'p', vertex: 'v' }, 60_000).time_to_react_s).toBeNull();
    expect(flappingSummary(decisions, ts, undefined, 60_000)).toEqual({ share_switches_per_min: 0, share_variance: 0, time_to_react_s: null, first_overloaded_s: null, first_offloaded_s: null });
  });

  it('in a run: the first record routed out is timed at the record, not at the decision interval', () => {
    // 500 lines/s (Poisson) into 2 subtasks at 10 ms a line (200/s): the first decision (t = 1 s) lands at 1.25 s
    // (reporting delay 250 ms) and sends half: the local half, 250/s, still overloads the tokenizer, from the
    // interval (1 s, 2 s] on (the first one is 900 ms/s busy: no line before ~100 ms). The first line out is the
    // next one a subtask picks up after 1,250 ms: at most one 10 ms service later.
    const spec = tokenizerSpec({ policy: { name: 'static', params: { threshold: 0, share: 0.5 } }, controller: { interval_ms: 1000, reporting_delay_ms: 250 } });
    spec.vertices[1].service_ms = { type: 'deterministic', value: 10 };
    const f = runScenario(scenario(spec)).summary.flapping!;
    expect(f.first_overloaded_s).toBe(2);
    expect(f.first_offloaded_s).toBeGreaterThanOrEqual(1.25);
    expect(f.first_offloaded_s).toBeLessThanOrEqual(1.26);
    expect(f.time_to_react_s).toBe(Math.round((f.first_offloaded_s! - 2) * 1000) / 1000);
  });
});
