import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { traceStats } from '../../src/workload/stats.js';
import { hashWeights, keyGroupForKey, murmurHash, operatorIndexForKeyGroup, subtaskForKey, zipfProbabilities } from '../../src/workload/keys.js';
import { fromNab, parseNabTimestamp } from '../../src/workload/nab.js';
import { generateTrace } from '../../src/workload/generate.js';
import { writeTrace, formatTrace } from '../../src/workload/write.js';
import { loadTrace } from '../../src/workload/parse.js';
import type { EventTrace, RateTrace } from '../../src/workload/types.js';
import { tempDir } from '../helpers/tmp.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

const rateTrace = (tS: number[], rate: number[], endS: number): RateTrace => ({
  kind: 'rate',
  source: 'hand',
  tS: Float64Array.from(tS),
  rate: Float64Array.from(rate),
  endS,
});

describe('stats on hand-made traces', () => {
  it('rate trace', () => {
    const s = traceStats(rateTrace([0, 10, 20, 30], [100, 500, 100, 300], 40));
    expect(s.durationS).toBe(40);
    expect(s.totalRecords).toBe(10000);
    expect(s.meanRate).toBe(250);
    expect(s.medianRate).toBe(100);
    expect(s.peakRate).toBe(500);
    expect(s.peakToMean).toBe(2);
    expect(s.bursts).toEqual({ k: 2, threshold: 200, count: 2, lengthsS: [10, 10], meanLengthS: 10 });
  });

  it('adjacent steps above the threshold make one episode; uneven steps weigh the median by time', () => {
    const s = traceStats(rateTrace([0, 5, 7, 9], [10, 50, 60, 10], 20), { k: 3 });
    // time at 10: 5 + 11 = 16 of 20 s, so the median is 10; 50 and 60 exceed 30 for 2 + 2 s together.
    expect(s.medianRate).toBe(10);
    expect(s.totalRecords).toBe(50 + 100 + 120 + 110);
    expect(s.bursts.count).toBe(1);
    expect(s.bursts.lengthsS).toEqual([4]);
  });

  it('a trace cut by its end ignores rows past it', () => {
    const s = traceStats(rateTrace([0, 10, 20], [100, 200, 900], 15));
    expect(s.totalRecords).toBe(100 * 10 + 200 * 5);
    expect(s.peakRate).toBe(200);
  });

  it('event trace, 1 s bins', () => {
    const tr: EventTrace = {
      kind: 'event',
      source: 'hand',
      tMs: Float64Array.from([0, 100, 200, 1500, 2500, 2600, 2700, 3000]),
      endS: 3,
    };
    const s = traceStats(tr, { k: 1.2 });
    // bins [0,1) 3, [1,2) 1, [2,3] 4 (the record at 3 s belongs to the last bin)
    expect(s.totalRecords).toBe(8);
    expect(s.meanRate).toBeCloseTo(8 / 3, 12);
    expect(s.medianRate).toBe(3);
    expect(s.peakRate).toBe(4);
    expect(s.binS).toBe(1);
    expect(s.bursts.count).toBe(1);
    expect(s.bursts.lengthsS).toEqual([1]);
  });
});

describe('key model', () => {
  it('Zipf probabilities for small K', () => {
    expect(Array.from(zipfProbabilities(4, 0))).toEqual([0.25, 0.25, 0.25, 0.25]);
    const p = zipfProbabilities(3, 1);
    expect(p[0]).toBeCloseTo(6 / 11, 15);
    expect(p[1]).toBeCloseTo(3 / 11, 15);
    expect(p[2]).toBeCloseTo(2 / 11, 15);
    const q = zipfProbabilities(2, 2);
    expect(q[0]).toBeCloseTo(0.8, 15);
    expect(q[1]).toBeCloseTo(0.2, 15);
    expect(() => zipfProbabilities(0, 1)).toThrow(RangeError);
  });

  it("murmurHash matches MurmurHash3_x86_32 test vectors (seed 0) made non-negative as Flink's MathUtils does", () => {
    // MurmurHash3 x86_32, seed 0: bytes 00 00 00 00 → 0x2362F9DE; bytes 21 43 65 87 (int 0x87654321) → 0xF55B516B,
    // negative as an int, so Flink returns its negation 2^32 − 0xF55B516B.
    expect(murmurHash(0)).toBe(0x2362f9de);
    expect(murmurHash(0x87654321 | 0)).toBe(2 ** 32 - 0xf55b516b);
  });

  it('murmurHash agrees with a byte-wise MurmurHash3 of the little-endian int', () => {
    for (const code of [1, 2, 7, 42, 127, 128, 1000, 65535, -1, -42, 2147483647, -2147483648]) {
      const h = murmur3Bytes(code);
      expect(murmurHash(code)).toBe(h >= 0 ? h : h === -2147483648 ? 0 : -h);
    }
  });

  it("subtasks by Flink's key-group rule", () => {
    // KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(128, 2, g): groups 0..63 → 0, 64..127 → 1
    expect(operatorIndexForKeyGroup(128, 2, 63)).toBe(0);
    expect(operatorIndexForKeyGroup(128, 2, 64)).toBe(1);
    expect(operatorIndexForKeyGroup(128, 3, 43)).toBe(1); // 43·3/128 = 1.0078
    for (let k = 0; k < 200; k++) {
      expect(subtaskForKey(k, 128, 128)).toBe(keyGroupForKey(k, 128));
      expect(subtaskForKey(k, 1)).toBe(0);
      const s = subtaskForKey(k, 4);
      expect(s).toBe(Math.floor((keyGroupForKey(k) * 4) / 128));
    }
    expect(() => subtaskForKey(1, 0)).toThrow(RangeError);
    expect(() => subtaskForKey(1, 129, 128)).toThrow(RangeError);
  });

  it('hashWeights sums the key probabilities per subtask', () => {
    const p = zipfProbabilities(100, 1.1);
    const w = hashWeights(p, 4);
    const manual = new Float64Array(4);
    for (let k = 0; k < 100; k++) manual[subtaskForKey(k, 4)] += p[k];
    expect(Array.from(w)).toEqual(Array.from(manual));
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // 100 uniform keys over 4 subtasks: the weights are key counts / 100
    const u = hashWeights(zipfProbabilities(100, 0), 4);
    for (const x of u) expect(Math.round(x * 100) / 100).toBeCloseTo(x, 12);
  });
});

describe('NAB conversion', () => {
  it('timestamps', () => {
    expect(parseNabTimestamp('2020-01-01 00:05:00')).toBe(Date.UTC(2020, 0, 1, 0, 5, 0));
    expect(parseNabTimestamp('2020-01-01')).toBeNaN();
  });

  it('scales time by the median step and the time-weighted mean to the target, exactly', () => {
    // values 10, 20, 30, 40, 0 at 0, 5, 10, 20, 25 min: median spacing 5 min → 2 s, so t = 0, 2, 4, 8, 10, end 12;
    // time-weighted mean = (10·2 + 20·2 + 30·4 + 40·2 + 0·2) / 12 = 260/12, scale = 1000 / (260/12).
    const tr = fromNab(join(FIXTURES, 'nab-small.csv'), { mean: 1000, stepS: 2 });
    expect(Array.from(tr.tS)).toEqual([0, 2, 4, 8, 10]);
    expect(tr.endS).toBe(12);
    const scale = 12000 / 260;
    [10, 20, 30, 40, 0].forEach((v, i) => expect(tr.rate[i]).toBeCloseTo(v * scale, 9));
    const s = traceStats(tr);
    expect(s.meanRate).toBeCloseTo(1000, 9);
    expect(s.totalRecords).toBeCloseTo(12000, 6);
  });

  it('a window of rows', () => {
    const tr = fromNab(join(FIXTURES, 'nab-small.csv'), { mean: 500, stepS: 1, startRow: 1, rows: 3 });
    // rows 20, 30, 40 at 5, 10, 20 min; spacings 5 and 10 min → median 7.5 min: t = 0, 0.667, 2; end 3.
    expect(Array.from(tr.tS)).toEqual([0, 0.667, 2]);
    expect(tr.endS).toBe(3);
    expect(traceStats(tr).meanRate).toBeCloseTo(500, 9);
  });

  it('through the generator, with its errors', () => {
    const tr = generateTrace('from-nab', { file: join(FIXTURES, 'nab-small.csv'), mean: 1000, step_s: 2 });
    expect(tr.endS).toBe(12);
    expect(() => generateTrace('from-nab', {})).toThrow('give the series with --param file=<path>');
    expect(() => fromNab(join(FIXTURES, 'nab-small.csv'), { mean: 1, stepS: 1, rows: 9 })).toThrow('do not select');
  });
});

describe('writeTrace', () => {
  it('round-trips through loadTrace with provenance comments', () => {
    const dir = tempDir('spillway-trace-');
    const path = join(dir, 'spike.csv');
    const tr = generateTrace('spike', { step_s: 0.5 });
    writeTrace(tr, path, 'line one\n\nline three');
    const back = loadTrace(path);
    if (back.kind !== 'rate') throw new Error('kind');
    expect(back.endS).toBe(600);
    expect(Array.from(back.tS)).toEqual(Array.from(tr.tS));
    back.rate.forEach((r, i) => expect(Math.abs(r - tr.rate[i])).toBeLessThanOrEqual(0.0005));
    expect(formatTrace(tr, 'line one\n\nline three').startsWith('# line one\n#\n# line three\nt_s,rate\n0,2000\n0.5,2000\n')).toBe(true);
  });

  it('writes event traces with keys and bytes', () => {
    const ev: EventTrace = {
      kind: 'event',
      source: 'x',
      tMs: Float64Array.from([0, 1.5]),
      keys: Int32Array.from([0, 1]),
      keyNames: ['a', 'b,c'],
      bytes: Float64Array.from([100, 200]),
      endS: 1,
    };
    expect(formatTrace(ev, 'p')).toBe('# p\nt_ms,key,bytes\n0,a,100\n1.5,"b,c",200\n');
  });
});

/** Reference MurmurHash3_x86_32 over the 4 little-endian bytes of an int, seed 0, as a signed int. */
function murmur3Bytes(code: number): number {
  const bytes = [code & 0xff, (code >>> 8) & 0xff, (code >>> 16) & 0xff, (code >>> 24) & 0xff];
  let h = 0;
  let k = bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24);
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
