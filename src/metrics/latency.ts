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

export class LatencyRecorder {
  readonly total = newHistogram();
  readonly interval = newHistogram();

  /** Record `count` results with latency `ms` (clamped to 1 µs: a result cannot leave before it arrives). */
  record(ms: number, count: number): void {
    if (count <= 0) return;
    const us = ms < 0.001 ? 1 : Math.round(ms * 1000);
    this.interval.recordValueWithCount(us, count);
  }

  /** Add what the interval holds to the run's histogram (then the interval may be reset). */
  private fold(): void {
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
