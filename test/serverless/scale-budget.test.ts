import { describe, expect, it } from 'vitest';
import { ScaleOutBudget } from '../../src/serverless/scale-budget.js';

const take = (b: ScaleOutBudget, now: number, n: number) => {
  let k = 0;
  for (let i = 0; i < n; i++) if (b.tryTake(now)) k++;
  return k;
};

describe('ScaleOutBudget, continuous refill (1,000 per 10 s)', () => {
  it('starts full, refills 100 per second, whole tokens only', () => {
    const b = new ScaleOutBudget(1000, 10_000);
    expect(take(b, 0, 1001)).toBe(1000);
    expect(take(b, 999, 100)).toBe(99); // 99.9 tokens: 99 whole ones
    expect(b.available(999)).toBeCloseTo(0.9, 9);
    expect(take(b, 1000, 100)).toBe(1); // 0.9 + 0.1 = exactly 1
    expect(take(b, 2000, 101)).toBe(100);
    expect(take(b, 2001, 1)).toBe(0);
  });

  it('never holds more than its capacity', () => {
    const b = new ScaleOutBudget(1000, 10_000);
    expect(b.available(3_600_000)).toBe(1000);
    expect(take(b, 3_600_000, 1500)).toBe(1000);
  });

  it('Azure: one new instance per second', () => {
    const b = new ScaleOutBudget(1, 1000);
    expect([take(b, 0, 3), take(b, 500, 3), take(b, 1000, 3), take(b, 1999, 3), take(b, 2000, 3), take(b, 10_000, 3)]).toEqual([1, 0, 1, 0, 1, 1]);
  });
});

describe('ScaleOutBudget, window refill', () => {
  it('resets to the full allowance at each window boundary and loses what is unused', () => {
    const b = new ScaleOutBudget(1000, 10_000, 'window');
    expect(take(b, 0, 600)).toBe(600);
    expect(take(b, 9_999, 1000)).toBe(400);
    expect(take(b, 10_000, 1001)).toBe(1000);
    expect(take(b, 35_000, 1001)).toBe(1000);
  });
});
