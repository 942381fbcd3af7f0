/** Per-interval series: the values of a plain map of intervals, in memory that follows the kept window only. */
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../src/engine/random.js';
import { IntervalSeries } from '../../src/metrics/meter.js';

describe('IntervalSeries', () => {
  it('reads back what was added to every interval not yet discarded, however far the window moved', () => {
    // Many short random histories (a seeded stream): adds a little ahead of the floor, floors moving by jumps
    // of up to a few intervals, reads checked against a plain map.
    const rng = seededRng('interval-series');
    const pick = (n: number) => Math.floor(rng() * n);
    for (let trial = 0; trial < 3000; trial++) {
      const s = new IntervalSeries(4);
      const ref = new Map<number, number>();
      let floor = 0;
      for (let op = 0; op < 200; op++) {
        const r = rng();
        if (r < 0.6) {
          const i = floor + pick(20);
          s.add(i, 1);
          ref.set(i, (ref.get(i) ?? 0) + 1);
        } else if (r < 0.8) {
          floor += pick(5);
          s.discardBefore(floor);
        } else {
          const i = floor + pick(25);
          if (s.get(i) !== (ref.get(i) ?? 0)) expect({ trial, op, i, got: s.get(i) }).toEqual({ trial, op, i, got: ref.get(i) ?? 0 });
        }
      }
    }
  });

  it('stays at the size of the kept window over a long run, and refuses to read or write a discarded interval', () => {
    const s = new IntervalSeries(64);
    for (let i = 0; i < 1_000_000; i++) {
      s.add(i, 1);
      s.discardBefore(i - 60);
    }
    expect(s.values.length).toBeLessThanOrEqual(256);
    expect(s.get(999_999)).toBe(1);
    expect(() => s.get(10)).toThrow(RangeError);
    expect(() => s.add(10, 1)).toThrow(RangeError);
  });
});
