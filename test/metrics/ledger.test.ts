/** The exactly-once ledger: exact counts against a plain set, and a window that follows the records in flight. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/metrics/ledger.js';

describe('Ledger', () => {
  it('counts duplicates and missing records exactly as a set of sequence numbers would', () => {
    const op = fc.record({ seq: fc.integer({ min: 0, max: 20_000 }), n: fc.integer({ min: 1, max: 300 }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.integer({ min: 0, max: 21_000 }), (ops, total) => {
        const l = new Ledger();
        const done = new Set<number>();
        let dup = 0;
        for (const { seq, n } of ops) {
          for (let s = seq; s < seq + n; s++) done.has(s) ? dup++ : done.add(s);
          l.complete(seq, n, 'emitted');
        }
        let missing = 0;
        for (let s = 0; s < total; s++) if (!done.has(s)) missing++;
        expect(l.duplicated).toBe(dup);
        expect(l.emitted).toBe(done.size);
        expect(l.missing(total)).toBe(missing);
      }),
    );
  });

  it('keeps a window of the records in flight, not of every record', () => {
    const l = new Ledger();
    // 50 M records completed in order, in runs of 1,000, with 10,000 records in flight (completed out of order).
    const run = 1000;
    const lag = 10_000;
    const total = 50_000_000;
    for (let s = 0; s < total; s += run) {
      l.complete(s, run / 2, 'emitted');
      if (s >= lag) l.complete(s - lag + run / 2, run / 2, 'emitted');
    }
    for (let s = total - lag; s < total; s += run) l.complete(s + run / 2, run / 2, 'emitted');
    expect(l.emitted).toBe(total);
    expect(l.missing(total)).toBe(0);
    expect(l.windowWords).toBeLessThanOrEqual(4096);
    expect(l.duplicated).toBe(0);
  });

  it('counts a completion below the window as a duplicate, and handles sequence numbers above 2^32', () => {
    const l = new Ledger();
    const big = 2 ** 32 + 17;
    for (let s = 0; s < 1_000_000; s += 100) l.complete(s, 100, 'filtered');
    l.complete(5, 3, 'emitted');
    expect(l.duplicated).toBe(3);
    expect(l.filtered).toBe(1_000_000);
    expect(l.emitted).toBe(0);
    l.complete(big, 40, 'absorbed');
    l.complete(big + 39, 2, 'absorbed');
    expect(l.absorbed).toBe(41);
    expect(l.duplicated).toBe(4);
    expect(l.missing(big + 41)).toBe(big - 1_000_000);
  });
});
