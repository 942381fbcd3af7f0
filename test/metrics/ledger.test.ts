/**
 * The zero-loss ledger held to losses and duplicates it must see (a ledger that never counts a duplicate, or
 * whose missing() always says 0, fails here), and a run whose ledger loses or repeats one record fails loudly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvariantError, runScenario } from '../../src/experiment/runner.js';
import { injectLedgerFault, Ledger } from '../../src/metrics/ledger.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runCaptured } from '../helpers/cli.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('Ledger', () => {
  it('counts what completed, by how, and what is missing', () => {
    const l = new Ledger();
    l.complete(0, 10, 'emitted');
    l.complete(12, 3, 'filtered');
    l.complete(20, 1, 'absorbed');
    expect([l.emitted, l.filtered, l.absorbed, l.duplicated]).toEqual([10, 3, 1, 0]);
    // 0..9, 12..14, 20 done: of 25, missing 10, 11, 15..19, 21..24 = 2 + 5 + 4.
    expect(l.missing(25)).toBe(11);
    expect(l.missing(10)).toBe(0);
    expect(l.missing(12)).toBe(2);
  });

  it('counts a duplicate once per record completed again, across word boundaries', () => {
    const l = new Ledger();
    l.complete(30, 5, 'emitted'); // 30..34 spans the 32-bit word boundary
    l.complete(33, 4, 'emitted'); // 33, 34 again; 35, 36 new
    expect(l.duplicated).toBe(2);
    expect(l.emitted).toBe(7);
    l.complete(0, 100, 'filtered'); // 30..36 again: 7 duplicates; 93 new
    expect(l.duplicated).toBe(9);
    expect(l.filtered).toBe(93);
    expect(l.missing(100)).toBe(0);
    expect(l.missing(101)).toBe(1);
  });

  it('grows past its first array and still finds a single gap', () => {
    const l = new Ledger();
    const n = 1_000_003;
    l.complete(0, 654_321, 'emitted');
    l.complete(654_322, n - 654_322, 'emitted');
    expect(l.missing(n)).toBe(1);
    expect(l.duplicated).toBe(0);
  });

  it('property: missing = total − distinct completed, duplicated = completions − distinct', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(300), fc.integer({ min: 1, max: 70 })), { maxLength: 40 }), (ranges) => {
        const l = new Ledger();
        const seen = new Set<number>();
        let completions = 0;
        for (const [seq, n] of ranges) {
          l.complete(seq, n, 'emitted');
          for (let i = seq; i < seq + n; i++) seen.add(i);
          completions += n;
        }
        expect(l.duplicated).toBe(completions - seen.size);
        expect(l.emitted).toBe(seen.size);
        const total = 400;
        expect(l.missing(total)).toBe(total - [...seen].filter((s) => s < total).length);
      }),
    );
  });

  it('a fault hook drops or repeats exactly one record', () => {
    const drop = new Ledger();
    injectLedgerFault(drop, { kind: 'drop', seq: 5 });
    drop.complete(0, 10, 'emitted');
    expect(drop.missing(10)).toBe(1);
    const rep = new Ledger();
    injectLedgerFault(rep, { kind: 'repeat', seq: 5 });
    rep.complete(0, 10, 'emitted');
    expect(rep.duplicated).toBe(1);
    expect(rep.missing(10)).toBe(0);
  });

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

describe('a run whose ledger loses or repeats one record fails loudly', () => {
  const scenario = loadScenario('examples/queues/mm1.json');
  for (const kind of ['drop', 'repeat'] as const) {
    it(`${kind}: runScenario throws InvariantError with the count`, () => {
      let err: unknown;
      try {
        runScenario(scenario, { durationS: 5, fault: { kind, seq: 1000 } });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvariantError);
      const r = (err as InvariantError).result.summary.records;
      expect(kind === 'drop' ? [r.lost, r.duplicated] : [r.lost, r.duplicated]).toEqual(kind === 'drop' ? [1, 0] : [0, 1]);
      expect((err as Error).message).toBe(
        `zero-loss invariant violated: ${kind === 'drop' ? '1 lost, 0' : '0 lost, 1'} duplicated of ${r.arrived} records`,
      );
    });
  }

  it('the CLI: exit 1, RUN FAILED on stderr, the table shows the lost record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spillway-ledger-'));
    process.env.SPILLWAY_TEST_FAULT = 'drop:1000';
    try {
      const r = await runCaptured(['simulate', 'examples/queues/mm1.json', '--duration', '5', '--no-report', '--out', join(dir, 'run')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^spillway: RUN FAILED: zero-loss invariant violated: 1 lost, 0 duplicated of \d+ records/m);
      const row = r.stdout.split('\n')[2].trim().split(/\s+/);
      expect(row.slice(-4)).toEqual(['yes', '0', '1', '0']); // drained, in flight, lost, dup
    } finally {
      delete process.env.SPILLWAY_TEST_FAULT;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
