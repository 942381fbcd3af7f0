import { describe, expect, it } from 'vitest';
import { meanCi95, studentTCdf, studentTQuantile } from '../../src/experiment/sweep/stats.js';

describe('Student t and the 95% CI', () => {
  it('hand example: [10, 12, 14] → mean 12, ci95 = t(0.975,2)·2/√3', () => {
    const s = meanCi95([10, 12, 14]);
    expect(s.mean).toBe(12);
    expect(s.ci95).toBeCloseTo((4.302652729749464 * 2) / Math.sqrt(3), 10);
    expect(s.ci95).toBeCloseTo(4.968275, 5);
  });

  it('t quantiles match tables', () => {
    const table: [number, number][] = [
      [1, 12.706204736],
      [2, 4.302652730],
      [3, 3.182446305],
      [4, 2.776445105],
      [5, 2.570581836],
      [10, 2.228138852],
      [30, 2.042272456],
      [100, 1.983971519],
    ];
    for (const [df, t] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 7);
    expect(studentTQuantile(0.025, 5)).toBeCloseTo(-2.570581836, 7);
    expect(studentTQuantile(0.5, 7)).toBe(0);
    expect(studentTCdf(2.570581836, 5)).toBeCloseTo(0.975, 9);
  });

  it('one value: no interval; none: nothing', () => {
    expect(meanCi95([7])).toEqual({ mean: 7, ci95: null });
    expect(meanCi95([])).toEqual({ mean: null, ci95: null });
    expect(meanCi95([5, 5, 5])).toEqual({ mean: 5, ci95: 0 });
  });
});
