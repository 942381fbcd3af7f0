/**
 * One offload point: one function (a Platform) serving the lanes of every subtask of the offloaded vertex,
 * the decision in force, and the point's totals for snapshots, the time series and the summary.
 */
import type { EventCalendar } from '../engine/calendar.js';
import type { OffloadPointSnapshot, PointDecision } from '../policy/contract.js';
import { idleDecision } from '../policy/contract.js';
import type { Platform } from '../serverless/platform.js';
import type { InvokeFinal } from '../serverless/sdk-client.js';
import type { OffloadLane } from './lane.js';

export class OffloadPoint {
  decision: PointDecision = idleDecision();
  readonly lanes: OffloadLane[] = [];
  readonly maxPayloadBytes: number;
  private lastRoundTrips = 0;
  private lastRoundTripSum = 0;
  calls = 0;
  failedCalls = 0;

  constructor(
    readonly id: string,
    /** Job vertex (task) id the point's operator runs in. */
    readonly vertex: string,
    readonly calendar: EventCalendar,
    readonly platform: Platform,
    /** Function work per record relative to the local operator on one vCPU. */
    readonly workFactor: number,
    /** Batches a lane may hold queued or in flight (Flink's Async I/O capacity); null: the decision's maxInFlight. */
    readonly asyncCapacity: number | null = null,
  ) {
    this.maxPayloadBytes = platform.maxRequestBytes;
  }

  setDecision(d: PointDecision, now: number): void {
    this.decision = d;
    if (d.prewarm && d.prewarm > 0) {
      const st = this.platform.stats();
      const missing = d.prewarm - st.environments;
      if (missing > 0) this.platform.prewarm(missing);
    }
    for (const lane of this.lanes) lane.flushIfDue(now);
  }

  onBatchDone(final: InvokeFinal): void {
    this.calls++;
    if (!final.ok) this.failedCalls++;
  }

  totals(): { routed: number; inFlight: number; entered: number; fallbacks: number; fallbackRecords: number; batches: number; violations: number } {
    let routed = 0;
    let inFlight = 0;
    let entered = 0;
    let fallbacks = 0;
    let fallbackRecords = 0;
    let batches = 0;
    let violations = 0;
    for (const l of this.lanes) {
      routed += l.routed;
      inFlight += l.inFlightRecords();
      entered += l.entered;
      fallbacks += l.fallbacks;
      fallbackRecords += l.fallbackRecords;
      batches += l.batches;
      violations += l.orderViolations;
    }
    return { routed, inFlight, entered, fallbacks, fallbackRecords, batches, violations };
  }

  snapshot(): OffloadPointSnapshot {
    const st = this.platform.stats();
    const t = this.totals();
    let rts = 0;
    let rtSum = 0;
    let batchesOut = 0;
    for (const l of this.lanes) {
      rts += l.roundTrips;
      rtSum += l.roundTripSum;
      batchesOut += l.inFlightBatches;
    }
    const recent = rts > this.lastRoundTrips ? (rtSum - this.lastRoundTripSum) / (rts - this.lastRoundTrips) : NaN;
    this.lastRoundTrips = rts;
    this.lastRoundTripSum = rtSum;
    return {
      id: this.id,
      vertex: this.vertex,
      inFlightRecords: t.inFlight,
      inFlightBatches: batchesOut,
      concurrency: st.concurrency,
      warmIdle: st.warmIdle,
      offloadedRecords: t.routed,
      coldStarts: st.coldStarts,
      throttles: st.throttles,
      errors: st.errors + st.timeouts,
      fallbacks: t.fallbacks,
      costUsd: st.costs.totalUsd,
      recentRoundTripMs: recent,
    };
  }

  /** When the first record of any lane was routed out, ms; null when none was. */
  firstRoutedMs(): number | null {
    let first = Infinity;
    for (const l of this.lanes) if (l.firstRoutedMs < first) first = l.firstRoutedMs;
    return Number.isFinite(first) ? first : null;
  }

  originsInFlight(): number {
    let o = 0;
    for (const l of this.lanes) o += l.originsInFlight();
    return o;
  }
}
