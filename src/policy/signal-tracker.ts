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
 * - A restart (Flink's new job incarnation, whose task counters start at 0 again: a records counter went
 *   backwards) starts the selectivity's totals over, and the queue in front of the vertex counts only what the
 *   functions took since then when the offload counter kept running across it, so the counters of two
 *   incarnations are never mixed into a backlog (issue 15). Records routed between the last poll before the
 *   restart and the stop count as taken before it: the queue is low by those, never phantom.
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
  /** The offload counter at the last restart when it kept running across it (else 0). */
  private offloadedBase = 0;

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
    if (restarted(prev, cur)) {
      this.first = cur;
      this.offloadedBase = cur.offloaded >= prev.offloaded ? prev.offloaded : 0;
    } else if (cur.offloaded < prev.offloaded) this.offloadedBase = 0;
    const s = signalsBetween(prev, cur);
    if (this.offloadedBase > 0) s.queuedRecords = Math.max(0, cur.upstreamOut - cur.vertexIn - (cur.offloaded - this.offloadedBase));
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

/** The job restarted between two readings: a records counter of its tasks went backwards. */
function restarted(prev: CounterReading, cur: CounterReading): boolean {
  return cur.sourceOut < prev.sourceOut || cur.upstreamOut < prev.upstreamOut || cur.vertexIn < prev.vertexIn;
}
