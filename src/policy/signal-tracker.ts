/**
 * The fast signals over a run: keeps the previous poll and the estimates that need memory.
 *
 * - Capacity: records processed / busy seconds over the last `capacityWindow` intervals in which the vertex was
 *   measurably busy (a ratio of sums, so one short interval cannot swing it), × parallelism. Intervals with
 *   the vertex nearly idle (everything offloaded) keep the last estimate: capacity is a property of the vertex.
 * - Selectivity (vertex records per source record): ratio of counter totals since the first poll, what the
 *   upstream vertex sent (or, unknown upstream, what the vertex processed + what was routed) over what the
 *   sources read; exact in the long run whatever the share.
 * - Demand at the vertex = arrival at the sources × selectivity.
 */
import type { MetricsSnapshot } from './contract.js';
import { MIN_BUSY, isStale, readCounters, signalsBetween, type CounterReading, type FastSignals, type FastSignalScope } from './fast-signals.js';

export interface TrackedSignals extends FastSignals {
  selectivity: number;
  /** Records per second arriving at the vertex (arrival × selectivity). */
  demandRps: number;
  /** Windowed capacity estimate, records/s (NaN until the vertex has been measurably busy). */
  capacityEstimateRps: number;
}

export class SignalTracker {
  private prev: CounterReading | null = null;
  private first: CounterReading | null = null;
  private readonly records: number[] = [];
  private readonly busyS: number[] = [];
  private estimate = NaN;

  constructor(
    private readonly scope: FastSignalScope,
    private readonly capacityWindow = 10,
  ) {}

  /** True when the last update saw cached counters (none moved): it returned null and kept the older reading. */
  stale = false;

  /**
   * Signals of the interval ending at this snapshot; null for the first poll, one not newer than the last, or a
   * stale one (then the next poll's signals span both intervals).
   */
  update(snapshot: MetricsSnapshot): TrackedSignals | null {
    const cur = readCounters(snapshot, this.scope);
    const prev = this.prev;
    this.stale = prev !== null && cur.tMs > prev.tMs && isStale(prev, cur);
    if (prev && (!(cur.tMs > prev.tMs) || this.stale)) return null;
    this.prev = cur;
    if (!this.first) this.first = cur;
    if (!prev) return null;
    const s = signalsBetween(prev, cur);
    this.learnCapacity(s, cur.parallelism);
    const selectivity = this.selectivity(cur);
    return { ...s, selectivity, demandRps: s.arrivalRps * selectivity, capacityEstimateRps: this.estimate };
  }

  private learnCapacity(s: FastSignals, parallelism: number): void {
    if (!(s.busyFraction >= MIN_BUSY) || !Number.isFinite(s.localRps)) return;
    this.records.push(s.localRps * s.dtS);
    this.busyS.push(s.busyFraction * parallelism * s.dtS);
    if (this.records.length > this.capacityWindow) {
      this.records.shift();
      this.busyS.shift();
    }
    let r = 0;
    let b = 0;
    for (let i = 0; i < this.records.length; i++) {
      r += this.records[i];
      b += this.busyS[i];
    }
    this.estimate = (parallelism * r) / b;
  }

  private selectivity(cur: CounterReading): number {
    const f = this.first!;
    const read = cur.sourceOut - f.sourceOut;
    // What the upstream vertex sent counts the records still queued in front of the vertex too.
    const sent = cur.upstreamOut - f.upstreamOut;
    const received = Number.isFinite(sent) ? sent : cur.vertexIn - f.vertexIn + (cur.offloaded - f.offloaded);
    return read > 0 && Number.isFinite(received) ? received / read : 1;
  }
}
