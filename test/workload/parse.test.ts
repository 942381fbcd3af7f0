import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTrace, parseTrace } from '../../src/workload/parse.js';
import { UserError } from '../../src/util/errors.js';
import { tempDir } from '../helpers/tmp.js';

const BAD = fileURLToPath(new URL('./bad-traces/', import.meta.url));
const HEADER_HELP = 'expected a header `t_s,rate` (rate trace) or `t_ms[,key][,bytes]` (event trace)';

/** Each bad trace and the exact message it must give, after its path. */
const BAD_TRACES: Record<string, string> = {
  'non-monotonic-time.csv': ':5: t_s must be strictly increasing: 10 after 10 (line 4)',
  'negative-rate.csv': ':3: rate is negative: -5',
  'non-numeric-rate.csv': ':3: rate is not a number: "abc"',
  'non-numeric-time.csv': ':3: t_s is not a number: "ten"',
  'empty.csv': `: empty trace (no header, no data rows); ${HEADER_HELP}`,
  'comments-only.csv': `: empty trace (no header, no data rows); ${HEADER_HELP}`,
  'missing-header.csv': `:1: missing header; ${HEADER_HELP}`,
  'unknown-header.csv': `:1: unknown header "time,rate"; ${HEADER_HELP}`,
  'header-only.csv': ':2: no data rows after the header',
  'wrong-column-count.csv': ':3: expected 2 columns (t_s,rate), found 3',
  'first-time-not-zero.csv': ':2: a rate trace must start at t_s = 0, first row has t_s = 5',
  'non-finite-rate.csv': ':3: rate is not finite: "Infinity"',
  'single-row-no-duration.csv': ':2: a rate trace with a single row has no end: give the scenario a duration_s or add rows',
  'empty-field.csv': ':3: rate is not a number: ""',
  'event-decreasing-time.csv': ':3: t_ms must not decrease: 3 after 5 (line 2)',
  'event-negative-bytes.csv': ':3: bytes is negative: -1',
  'event-wrong-column-count.csv': ':3: expected 3 columns as in the header, found 2',
  'event-unknown-column.csv': `:1: unknown or repeated column "size" in header; ${HEADER_HELP}`,
  'event-negative-time.csv': ':2: t_ms is negative: -3',
};

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('bad traces: one UserError naming file:line and what is wrong', () => {
  for (const [name, what] of Object.entries(BAD_TRACES)) {
    it(name, () => {
      const path = join(BAD, name);
      const err = errorOf(() => loadTrace(path));
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).toBe(`${path}${what}`);
      expect(err.message).not.toContain('\n');
    });
  }

  it('unclosed-quote.csv: csv-parse rejects the line, reported at its line', () => {
    const path = join(BAD, 'unclosed-quote.csv');
    const err = errorOf(() => loadTrace(path));
    expect(err).toBeInstanceOf(UserError);
    expect(err.message.startsWith(`${path}:2: not a readable CSV line: `)).toBe(true);
  });

  it('a missing file', () => {
    const err = errorOf(() => loadTrace('/nonexistent/trace.csv'));
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('/nonexistent/trace.csv: cannot read trace: ENOENT');
  });
});

describe('rate traces', () => {
  it('ends one median step after the last row without a duration', () => {
    const t = parseTrace('t_s,rate\n0,100\n60,5000\n120,100\n', 'x.csv');
    expect(t.kind).toBe('rate');
    if (t.kind !== 'rate') return;
    expect(Array.from(t.tS)).toEqual([0, 60, 120]);
    expect(Array.from(t.rate)).toEqual([100, 5000, 100]);
    expect(t.endS).toBe(180);
    expect(t.source).toBe('x.csv');
  });

  it('uses the median (not the last) step', () => {
    const t = parseTrace('t_s,rate\n0,1\n10,1\n20,1\n25,1\n', 'x.csv');
    expect(t.endS).toBe(35);
  });

  it('ends at the duration when given, dropping rows at or after it', () => {
    const t = parseTrace('t_s,rate\n0,100\n60,5000\n120,100\n', 'x.csv', { durationS: 90 });
    if (t.kind !== 'rate') throw new Error('kind');
    expect(t.endS).toBe(90);
    expect(Array.from(t.tS)).toEqual([0, 60]);
  });

  it('a single row is fine with a duration', () => {
    const t = parseTrace('t_s,rate\n0,100\n', 'x.csv', { durationS: 30 });
    expect(t.endS).toBe(30);
  });

  it('allows comments, blank lines, CRLF, blanks around fields, a BOM and quoted numbers', () => {
    const text = '\ufeff# provenance\r\n\r\n T_S , Rate \r\n# mid comment\r\n0, 100\r\n\r\n  \r\n10,"200"\r\n20 ,0\r\n';
    const t = parseTrace(text, 'x.csv');
    if (t.kind !== 'rate') throw new Error('kind');
    expect(Array.from(t.tS)).toEqual([0, 10, 20]);
    expect(Array.from(t.rate)).toEqual([100, 200, 0]);
    expect(t.endS).toBe(30);
  });

  it('counts lines including comments and blanks in messages', () => {
    const err = errorOf(() => parseTrace('# c\n\nt_s,rate\n# c\n0,1\n\n5,x\n', 'f.csv'));
    expect(err.message).toBe('f.csv:7: rate is not a number: "x"');
  });

  it('reads decimal and exponent numbers, not hex', () => {
    const t = parseTrace('t_s,rate\n0,1e3\n0.5,0e5\n1,.5\n', 'x.csv');
    if (t.kind !== 'rate') throw new Error('kind');
    expect(Array.from(t.rate)).toEqual([1000, 0, 0.5]);
    expect(errorOf(() => parseTrace('t_s,rate\n0,0x10\n', 'f.csv')).message).toBe('f.csv:2: rate is not a number: "0x10"');
  });

  it('rejects a non-positive duration', () => {
    const err = errorOf(() => parseTrace('t_s,rate\n0,1\n', 'f.csv', { durationS: 0 }));
    expect(err.message).toBe('f.csv: duration must be a positive number of seconds up to 2592000 (30 days), got 0');
  });
});

describe('event traces', () => {
  it('reads t_ms with keys (as ids) and bytes, in either column order', () => {
    const t = parseTrace('t_ms,bytes,key\n0,100,a\n0,120,b\n5.5,90,a\n7,80,"c,d"\n', 'e.csv');
    if (t.kind !== 'event') throw new Error('kind');
    expect(Array.from(t.tMs)).toEqual([0, 0, 5.5, 7]);
    expect(Array.from(t.bytes!)).toEqual([100, 120, 90, 80]);
    expect(Array.from(t.keys!)).toEqual([0, 1, 0, 2]);
    expect(t.keyNames).toEqual(['a', 'b', 'c,d']);
    expect(t.endS).toBe(0.007);
  });

  it('reads plain decimals exactly as Number() does', () => {
    const values = ['0', '1', '1.', '0.1', '0.3', '123.456', '999.999', '1e3', '2.5E-1', '+7', '00012.50', '9007199254740991',
      '9007199254740993', '12345678901234567890.5', '0.1234567890123456789012345', '1.7976931348623157'];
    const sorted = [...values].sort((a, b) => Number(a) - Number(b));
    // In the bytes column: t_ms is held to 30 days (MAX_SPAN_S), bytes to no bound but being finite.
    const t = parseTrace(`t_ms,bytes\n${sorted.map((v, i) => `${i},${v}`).join('\n')}\n`, 'e.csv');
    if (t.kind !== 'event') throw new Error('kind');
    expect(Array.from(t.bytes!)).toEqual(sorted.map(Number));
    expect(() => parseTrace('t_ms\n0\n2592000001\n', 'e.csv')).toThrow('e.csv:3: t_ms 2592000001 is beyond the longest span, 2592000000 ms (30 days)');
    expect(parseTrace('t_ms\n0\n2592000000\n', 'e.csv').endS).toBe(2592000);
    let x = 0.5;
    const rows: string[] = [];
    for (let i = 0; i < 2000; i++) {
      x += ((i * 7919) % 1000) / 997;
      rows.push(x.toFixed(i % 7));
    }
    const sortedRows = rows.map(Number).every((v, i, a) => i === 0 || v >= a[i - 1]) ? rows : rows.sort((a, b) => Number(a) - Number(b));
    const u = parseTrace(`t_ms\n${sortedRows.join('\n')}\n`, 'e.csv');
    if (u.kind !== 'event') throw new Error('kind');
    expect(Array.from(u.tMs)).toEqual(sortedRows.map(Number));
  });

  it('t_ms alone; the duration drops later records', () => {
    const t = parseTrace('t_ms\n0\n999\n1000\n1001\n', 'e.csv', { durationS: 1 });
    if (t.kind !== 'event') throw new Error('kind');
    expect(Array.from(t.tMs)).toEqual([0, 999, 1000]);
    expect(t.keys).toBeUndefined();
    expect(t.bytes).toBeUndefined();
    expect(t.endS).toBe(1);
  });

  it('grows its arrays past the initial guess', () => {
    const dir = tempDir('spillway-trace-');
    const path = join(dir, 'big.csv');
    const rows = ['t_ms,key'];
    for (let i = 0; i < 50_000; i++) rows.push(`${i * 2},k${i % 7}`);
    writeFileSync(path, rows.join('\n'));
    const t = loadTrace(path);
    if (t.kind !== 'event') throw new Error('kind');
    expect(t.tMs.length).toBe(50_000);
    expect(t.tMs[49_999]).toBe(99_998);
    expect(t.keys![49_999]).toBe(49_999 % 7);
    expect(t.keyNames!.length).toBe(7);
  });
});
