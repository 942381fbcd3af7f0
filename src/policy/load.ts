/**
 * How much work arrives for an offloaded vertex and how much it can do: the two numbers every sizing
 * policy needs. Stateful (it differentiates counters), one estimator per offload point.
 *
 * - Arrival at the sources = their numRecordsOutPerSecond (summed) + growth of pendingRecords per second:
 *   what the sources emit plus what piles up in the external queue because they could not.
 * - Demand at the vertex = arrival × selectivity, where selectivity = vertex's numRecordsInPerSecond /
 *   sources' numRecordsOutPerSecond, measured only while nothing is being offloaded (the offload point's
 *   offloadedRecords counter did not move) and held otherwise. Flink's rate meters average 60 s while the
 *   offload counter moves at once; mixing the two while offloading would inflate the selectivity, the demand,
 *   hence the share: a positive feedback loop. Selectivity is a property of the job, so holding it is safe.
 * - Capacity (DS2, as the Flink autoscaler computes the true processing rate) =
 *   numRecordsInPerSecond / (busyTimeMsPerSecond / 1000), busy time as the MAX over subtasks.
 *   It is only measurable while the vertex is busy enough; otherwise the last measurement is kept
 *   (a vertex relieved by offloading still has the capacity it had). A known capacity can be given instead.
 */
import type { MetricsSnapshot } from './contract.js';
import { readMetric, sumOver } from './signals.js';

export interface LoadEstimate {
  /** Records per second arriving at the sources (NaN when unknown). */
  arrivalRps: number;
  /** Records per second arriving at the offloaded vertex (NaN when unknown). */
  demandRps: number;
  /** Records per second of the vertex's total capacity (NaN until first measured). */
  capacityRps: number;
  /** Source backlog, records (NaN when unknown). */
  pendingRecords: number;
  /** Vertex records per source record (1 until first measured). */
  selectivity: number;
}

/** Below this busy fraction the DS2 ratio is too noisy to trust (1 ms of 20 would swing it 5%). */
export const MIN_BUSY_FRACTION = 0.05;

export class LoadEstimator {
  private prevTMs = NaN;
  private prevPending = NaN;
  private prevOffloaded = NaN;
  private selectivity = 1;
  private capacity = NaN;
  private readonly measureCapacity: boolean;

  /** `knownCapacityRps` > 0 replaces the DS2 measurement. */
  constructor(
    private readonly vertexId: string,
    private readonly sources: readonly string[],
    private readonly pointIds: readonly string[],
    knownCapacityRps = 0,
  ) {
    if (knownCapacityRps > 0) this.capacity = knownCapacityRps;
    this.measureCapacity = !(knownCapacityRps > 0);
  }

  update(snapshot: MetricsSnapshot): LoadEstimate {
    const dtS = (snapshot.tMs - this.prevTMs) / 1000;
    const haveDt = Number.isFinite(dtS) && dtS > 0;

    const pending = sumOver(snapshot, this.sources, 'pendingRecords', 'sum');
    const sourceOut = sumOver(snapshot, this.sources, 'numRecordsOutPerSecond', 'sum');
    const offloaded = this.offloadedRecords(snapshot);

    // Counters without a previous value (first snapshot, or a gap) contribute no growth.
    const pendingGrowth = haveDt && Number.isFinite(pending) && Number.isFinite(this.prevPending)
      ? (pending - this.prevPending) / dtS
      : 0;
    // Not offloading: the counter is known and did not move (or is still 0 on the first snapshot).
    const notOffloading = Number.isFinite(offloaded) &&
      (Number.isFinite(this.prevOffloaded) ? offloaded === this.prevOffloaded : offloaded === 0);
    const arrivalRps = Math.max(0, sourceOut + pendingGrowth);

    const vertexIn = readMetric(snapshot, this.vertexId, 'numRecordsInPerSecond', 'sum');
    if (notOffloading && Number.isFinite(vertexIn) && sourceOut > 0) this.selectivity = vertexIn / sourceOut;

    const busyFraction = readMetric(snapshot, this.vertexId, 'busyTimeMsPerSecond', 'max') / 1000;
    if (this.measureCapacity && Number.isFinite(vertexIn) && busyFraction >= MIN_BUSY_FRACTION) this.capacity = vertexIn / busyFraction;

    if (haveDt || Number.isNaN(this.prevTMs)) {
      this.prevTMs = snapshot.tMs;
      this.prevPending = pending;
      this.prevOffloaded = offloaded;
    }
    return {
      arrivalRps,
      demandRps: arrivalRps * this.selectivity,
      capacityRps: this.capacity,
      pendingRecords: pending,
      selectivity: this.selectivity,
    };
  }

  private offloadedRecords(snapshot: MetricsSnapshot): number {
    let total = 0;
    for (const id of this.pointIds) {
      const point = snapshot.offload.find((p) => p.id === id);
      const v = point?.offloadedRecords;
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) total += v;
      else return NaN;
    }
    return total;
  }
}

/**
 * The share to offload so the vertex runs at `targetUtilization` of its capacity:
 * 1 − targetUtilization × capacity / required, clamped to [0, maxShare]; 0 when anything is unknown.
 */
export function shareForLoad(requiredRps: number, capacityRps: number, targetUtilization: number, maxShare: number): number {
  if (!Number.isFinite(requiredRps) || !Number.isFinite(capacityRps) || requiredRps <= 0) return 0;
  const share = 1 - (targetUtilization * capacityRps) / requiredRps;
  return clamp(share, 0, maxShare);
}

export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** Extra vertex-side rate that drains the source backlog in `drainSeconds`. */
export function drainRps(load: LoadEstimate, drainSeconds: number): number {
  if (!Number.isFinite(load.pendingRecords)) return 0;
  return (load.pendingRecords * load.selectivity) / drainSeconds;
}
