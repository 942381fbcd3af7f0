/**
 * Result latency, kept in HdrHistogram (hdr-histogram-js, WebAssembly build: about 70 ns a record here
 * against 230 ns for its pure-JS build) at microsecond resolution with 3 significant digits: one histogram
 * per metrics interval for the time series, added into the run's histogram when the interval closes (one
 * record call per value instead of two; the same counts, so the same percentiles, mean, max and encoding).
 */
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from './summary.js';

let wasmReady = false;
function ensureWasm(): void {
  if (!wasmReady) {
    hdr.initWebAssemblySync();
    wasmReady = true;
  }
}

function newHistogram(): hdr.Histogram {
  ensureWasm();
  return hdr.build({
    bitBucketSize: 64,
    numberOfSignificantValueDigits: 3,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 1e12, // µs: about 11 days
    autoResize: false,
    useWebAssembly: true,
  });
}

/**
 * HdrHistogram's bucket layout for this configuration (lowest discernible 1, 3 significant digits): 2,048
 * sub-buckets, of which the upper 1,024 repeat per power of two. A value v (1 ≤ v < 2^31) falls in bucket
 * b = 21 − clz32(v | 2047), sub-bucket v >>> b, at counts index (b << 10) + (v >>> b), whose lowest value is
 * (v >>> b) << b: the library's own countsArrayIndex and lowestEquivalentValue, written out for this case.
 */
const SUB_BUCKET_MASK = 2047;
const PENDING_LIMIT = 2 ** 31;
const PENDING_SLOTS = (20 << 10) + 2048;

function bucketOf(us: number): number {
  const b = 21 - Math.clz32(us | SUB_BUCKET_MASK);
  return (b << 10) + (us >>> b);
}

function lowestOf(index: number): number {
  const b = index < 2048 ? 0 : (index >> 10) - 1;
  return (index - (b << 10)) << b;
}

/**
 * Counts per HdrHistogram bucket, kept in JS between folds so that a result costs an array update rather than a
 * call into WebAssembly (~100 ns through the loader). Flushed into a histogram as one call per bucket touched,
 * with the exact smallest and largest values recorded as themselves (HdrHistogram reports both exactly), so the
 * histogram ends with the same counts, total, min and max as if every value had been recorded on its own.
 */
class PendingCounts {
  private readonly counts = new Float64Array(PENDING_SLOTS);
  private readonly touched = new Int32Array(PENDING_SLOTS);
  private n = 0;
  private lo = Infinity;
  private hi = 0;

  /** Add `count` values `us` (an integer, 1 ≤ us < 2^31). */
  add(us: number, count: number): void {
    const i = bucketOf(us);
    if (this.counts[i] === 0) this.touched[this.n++] = i;
    this.counts[i] += count;
    if (us < this.lo) this.lo = us;
    if (us > this.hi) this.hi = us;
  }

  /** Record everything into `h` and start over. */
  flushInto(h: hdr.Histogram): void {
    if (this.n === 0) return;
    const loAt = bucketOf(this.lo);
    const hiAt = bucketOf(this.hi);
    for (let k = 0; k < this.n; k++) {
      const i = this.touched[k];
      const c = this.counts[i];
      this.counts[i] = 0;
      if (i === loAt && i === hiAt && this.lo !== this.hi) {
        h.recordValueWithCount(this.lo, 1);
        h.recordValueWithCount(this.hi, c - 1);
      } else if (i === hiAt) h.recordValueWithCount(this.hi, c);
      else if (i === loAt) h.recordValueWithCount(this.lo, c);
      else h.recordValueWithCount(lowestOf(i), c);
    }
    this.n = 0;
    this.lo = Infinity;
    this.hi = 0;
  }
}

export class LatencyRecorder {
  readonly total = newHistogram();
  readonly interval = newHistogram();
  /** Results of the interval not yet in `interval` (every read of it flushes them first). */
  private readonly pending = new PendingCounts();

  /** Record `count` results with latency `ms` (clamped to 1 µs: a result cannot leave before it arrives). */
  record(ms: number, count: number): void {
    if (count <= 0) return;
    const us = ms < 0.001 ? 1 : Math.round(ms * 1000);
    if (us < PENDING_LIMIT) this.pending.add(us, count);
    else this.interval.recordValueWithCount(us, count);
  }

  /** Add what the interval holds to the run's histogram (then the interval may be reset). */
  private fold(): void {
    this.pending.flushInto(this.interval);
    if (this.interval.totalCount > 0) this.total.add(this.interval);
  }

  /** Record `count` results whose latencies spread evenly over [loMs, hiMs], as `points` equal groups. */
  recordSpread(loMs: number, hiMs: number, count: number, points: number): void {
    if (points <= 1 || count < 2 || hiMs <= loMs) {
      this.record((loMs + hiMs) / 2, count);
      return;
    }
    const k = Math.min(points, count);
    let done = 0;
    for (let i = 0; i < k; i++) {
      const upto = Math.round((count * (i + 1)) / k);
      const c = upto - done;
      done = upto;
      this.record(loMs + ((hiMs - loMs) * (i + 0.5)) / k, c);
    }
  }

  /** Percentiles of the interval just ended (NaN when no result left), then start a new interval. */
  takeInterval(): { p50: number; p99: number; max: number; count: number } {
    this.fold();
    const h = this.interval;
    const count = h.totalCount;
    const out =
      count === 0
        ? { p50: NaN, p99: NaN, max: NaN, count: 0 }
        : { p50: h.getValueAtPercentile(50) / 1000, p99: h.getValueAtPercentile(99) / 1000, max: h.maxValue / 1000, count };
    h.reset();
    return out;
  }

  summary(): LatencySummary {
    this.settle();
    const h = this.total;
    if (h.totalCount === 0) return { p50: NaN, p90: NaN, p99: NaN, p999: NaN, max: NaN, mean: NaN, count: 0 };
    const at = (p: number) => round3(h.getValueAtPercentile(p) / 1000);
    return {
      p50: at(50),
      p90: at(90),
      p99: at(99),
      p999: at(99.9),
      max: round3(h.maxValue / 1000),
      mean: round3(h.mean / 1000),
      count: h.totalCount,
    };
  }

  /** The CDF as [percentile, latency ms] pairs at fixed percentiles (for latency_cdf.csv and charts). */
  cdf(): [number, number][] {
    this.settle();
    const h = this.total;
    if (h.totalCount === 0) return [];
    const ps = [0, 1, 5, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 95, 97.5, 99, 99.5, 99.9, 99.95, 99.99, 100];
    return ps.map((p) => [p, round3((p === 100 ? h.maxValue : p === 0 ? h.minNonZeroValue : h.getValueAtPercentile(p)) / 1000)]);
  }

  encode(): string {
    this.settle();
    return hdr.encodeIntoCompressedBase64(this.total);
  }

  /** Whole-run views need every value: fold an interval not closed by takeInterval (then it starts over). */
  private settle(): void {
    this.pending.flushInto(this.interval);
    if (this.interval.totalCount === 0) return;
    this.fold();
    this.interval.reset();
  }

  destroy(): void {
    this.total.destroy();
    this.interval.destroy();
  }
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
