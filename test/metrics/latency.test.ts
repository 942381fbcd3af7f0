/**
 * The latency recorder keeps counts per HdrHistogram bucket in JS between folds: its histograms must end exactly
 * as if every value had been recorded into HdrHistogram on its own (counts, total, min, max, percentiles, encoding).
 */
import * as hdr from 'hdr-histogram-js';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRng } from '../../src/engine/random.js';
import { LatencyRecorder, round3 } from '../../src/metrics/latency.js';

function reference(): hdr.Histogram {
  return hdr.build({ bitBucketSize: 64, numberOfSignificantValueDigits: 3, lowestDiscernibleValue: 1, highestTrackableValue: 1e12, autoResize: false, useWebAssembly: true });
}

const made: { destroy(): void }[] = [];
afterEach(() => {
  for (const h of made.splice(0)) h.destroy();
});

/** Record the same (ms, count) pairs into a recorder and, value by value, into a plain histogram. */
function both(values: [number, number][]): { rec: LatencyRecorder; ref: hdr.Histogram } {
  const rec = new LatencyRecorder();
  const ref = reference();
  made.push(rec, ref);
  for (const [ms, count] of values) {
    rec.record(ms, count);
    if (count > 0) ref.recordValueWithCount(ms < 0.001 ? 1 : Math.round(ms * 1000), count);
  }
  return { rec, ref };
}

describe('LatencyRecorder', () => {
  it('ends with the counts, min, max, mean and encoding of recording every value on its own', () => {
    const rng = seededRng('latency-pending');
    const values: [number, number][] = [];
    // Sub-ms to minutes (µs values from 1 to ~2^28), many sharing a bucket above 2,048 µs, plus exact ties.
    for (let i = 0; i < 20000; i++) values.push([Math.exp(rng() * 19) / 1000, 1 + Math.floor(rng() * 5)]);
    values.push([2.049, 3], [2.048, 1], [0.0004, 2], [7.5, 0], [2500000, 1]); // 2^31 µs and above: recorded directly
    const { rec, ref } = both(values);
    const s = rec.summary();
    expect(s.count).toBe(ref.totalCount);
    expect(s.max).toBe(round3(ref.maxValue / 1000));
    expect(s.p50).toBe(round3(ref.getValueAtPercentile(50) / 1000));
    expect(s.p999).toBe(round3(ref.getValueAtPercentile(99.9) / 1000));
    expect(s.mean).toBe(round3(ref.mean / 1000));
    expect(rec.cdf()[0][1]).toBe(round3(ref.minNonZeroValue / 1000));
    expect(rec.encode()).toBe(hdr.encodeIntoCompressedBase64(ref));
  });

  it('keeps the exact min and max when they share a bucket with other values (2,049 and 2,048 µs: one bucket)', () => {
    const { rec, ref } = both([[2.049, 1], [2.048, 4], [2.049, 2]]);
    expect(ref.minNonZeroValue).toBe(2048);
    expect(ref.maxValue).toBe(2049);
    expect(rec.cdf()[0][1]).toBe(2.048);
    expect(rec.summary().max).toBe(2.049);
    expect(rec.summary().count).toBe(7);
    const { rec: one } = both([[4.099, 3]]); // min = max, in a bucket whose lowest value is 4,096
    expect(one.cdf()[0][1]).toBe(4.099);
    expect(one.summary().max).toBe(4.099);
  });

  it('gives each interval its own percentiles and count, and the run all of them', () => {
    const rec = new LatencyRecorder();
    made.push(rec);
    rec.record(1, 2);
    rec.record(3.0071, 1);
    expect(rec.takeInterval()).toEqual({ p50: 1, p99: 3.007, max: 3.007, count: 3 });
    expect(rec.takeInterval().count).toBe(0);
    rec.record(5, 1);
    // 5,000 µs lies in a bucket of width 4 (4,096–8,191 µs): percentiles give its highest value, max the exact one.
    expect(rec.takeInterval()).toEqual({ p50: 5.003, p99: 5.003, max: 5, count: 1 });
    expect(rec.summary().count).toBe(4);
    expect(rec.summary().max).toBe(5);
  });
});
