import { describe, expect, it } from 'vitest';
import { endingsOf } from '../../src/metrics/endings.js';
import { formatTopRows } from '../../src/experiment/sweep/summary-text.js';
import type { ResultRow, SweepResults } from '../../src/experiment/sweep/types.js';

const ended = (drained: boolean, inFlight: number, lost: number) => ({ drained, records: { in_flight: inFlight, lost } }) as Parameters<typeof endingsOf>[0][number];

const row = (id: string, rank: number, n: number, endings: ResultRow['endings']): ResultRow => ({
  id,
  policy: 'static',
  params: { share: 0.5 },
  trace: 't.csv',
  n,
  metrics: { latency_p99_ms: { mean: 250, ci95: null }, cost_usd_per_hour: { mean: 0.5, ci95: null } },
  endings,
  rank,
  pareto: rank === 1,
  feasible: true,
  score: rank,
});

describe('how a set of runs ended', () => {
  it('counts drained runs, keeps the worst in-flight count, and sums losses only when they are known', () => {
    expect(endingsOf([ended(true, 0, 0), ended(true, 0, 0)])).toEqual({ drained: 2, in_flight_max: 0, lost: 0 });
    expect(endingsOf([ended(true, 0, 0), ended(false, 7, 0), ended(false, 3, 0)])).toEqual({ drained: 1, in_flight_max: 7, lost: null });
    expect(endingsOf([ended(false, 7, 2), ended(true, 0, 1)])).toEqual({ drained: 1, in_flight_max: 7, lost: 3 });
  });
});

describe('the ranking table the sweep prints', () => {
  it('shows drained, in flight and lost, and never "lost 0" for a row with a run that did not drain', () => {
    const results: SweepResults = {
      sweep: 's',
      objective: { minimize: 'latency_p99_ms' } as unknown as SweepResults['objective'],
      rows: [
        row('r1', 1, 3, { drained: 3, in_flight_max: 0, lost: 0 }),
        row('r2', 2, 3, { drained: 1, in_flight_max: 124619, lost: null }),
        row('r3', 3, 2, { drained: 1, in_flight_max: 5, lost: 2 }),
      ],
    };
    expect(formatTopRows(results, 3)).toBe(
      [
        'rank  id  policy  params     p99 ms  cost $/h  n  drained  in flight  lost  feasible  pareto',
        '1     r1  static  share=0.5  250     0.5       3  3/3      0          0     yes       yes',
        '2     r2  static  share=0.5  250     0.5       3  1/3 NO   124619     –     yes',
        '3     r3  static  share=0.5  250     0.5       2  1/2 NO   5          2     yes',
        '',
      ].join('\n'),
    );
  });
});
