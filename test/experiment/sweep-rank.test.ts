import { describe, expect, it } from 'vitest';
import { paretoFront, rank, scoreOf, violation } from '../../src/experiment/sweep/rank.js';
import type { Objective } from '../../src/experiment/sweep/types.js';

const row = (p99: number | null, cost: number | null) => ({ means: { latency_p99_ms: p99, cost_usd_per_hour: cost } });

describe('ranking', () => {
  const constrained: Objective = { minimize: 'latency_p99_ms', subject_to: { cost_usd_per_hour: { max: 2.0 } } };

  it('feasible rows by score first, then infeasible ones by how far they miss', () => {
    const rows = [
      row(100, 3.0), // infeasible, misses by 50%
      row(300, 1.0), // feasible
      row(50, 9.0), // infeasible, misses by 350%
      row(200, 2.0), // feasible (bound inclusive)
      row(80, 2.2), // infeasible, misses by 10%
    ];
    const r = rank(constrained, rows);
    expect(r.map((x) => x.rank)).toEqual([4, 2, 5, 1, 3]);
    expect(r.map((x) => x.feasible)).toEqual([false, true, false, true, false]);
    expect(r.map((x) => x.score)).toEqual([100, 300, 50, 200, 80]);
  });

  it('a min bound, maximize, and ties in given order', () => {
    const obj: Objective = { maximize: 'throughput_rps', subject_to: { throughput_rps: { min: 10 } } };
    const rows = [{ means: { throughput_rps: 12 } }, { means: { throughput_rps: 5 } }, { means: { throughput_rps: 12 } }, { means: { throughput_rps: 20 } }];
    expect(rank(obj, rows).map((x) => x.rank)).toEqual([2, 4, 3, 1]);
    expect(violation(obj, { throughput_rps: 5 })).toBeCloseTo(0.5);
  });

  it('weighted sum', () => {
    const obj: Objective = { weighted: { latency_p99_ms: 1, cost_usd_per_hour: 100 } };
    expect(scoreOf(obj, { latency_p99_ms: 120, cost_usd_per_hour: 0.5 })).toBe(170);
    const r = rank(obj, [row(120, 0.5), row(100, 1), row(300, 0)]);
    expect(r.map((x) => x.score)).toEqual([170, 200, 300]);
    expect(r.map((x) => x.rank)).toEqual([1, 2, 3]);
  });

  it('rows with an unknown score are infeasible and last', () => {
    const r = rank({ minimize: 'latency_p99_ms' }, [row(null, 1), row(10, 1)]);
    expect(r).toEqual([
      { score: null, feasible: false, rank: 2 },
      { score: 10, feasible: true, rank: 1 },
    ]);
  });
});

describe('Pareto front (minimise cost and p99)', () => {
  it('crafted set', () => {
    const points = [
      { x: 1, y: 10 }, // front
      { x: 2, y: 5 }, // front
      { x: 3, y: 5 }, // dominated by (2,5)
      { x: 4, y: 1 }, // front
      { x: 2, y: 6 }, // dominated by (2,5)
      { x: 5, y: 8 }, // dominated
      { x: 2, y: 5 }, // equal to a front point: also on the front
      { x: 0.5, y: 20 }, // front
      { x: null, y: 0 }, // unknown: never
      { x: 4, y: 1 }, // duplicate of a front point
    ];
    expect(paretoFront(points)).toEqual([true, true, false, true, false, false, true, true, false, true]);
  });

  it('matches the brute-force definition on random sets', () => {
    let s = 12345;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let trial = 0; trial < 50; trial++) {
      const pts = Array.from({ length: 30 }, () => ({ x: Math.floor(rnd() * 8), y: Math.floor(rnd() * 8) }));
      const brute = pts.map((p) => !pts.some((q) => q.x <= p.x && q.y <= p.y && (q.x < p.x || q.y < p.y)));
      expect(paretoFront(pts)).toEqual(brute);
    }
  });
});
