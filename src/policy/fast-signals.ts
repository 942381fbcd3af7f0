/**
 * Fast signals: what a controller polling Flink's REST API can compute exactly between two polls, from
 * counters instead of Flink's rate meters (60 s averages) and time gauges (5 s, updated every 5 s).
 *
 * Pure code shared by the simulator's controller and the live one (both build the same MetricsSnapshot), so
 * both halves compute the same numbers from the same snapshots. It reads only the snapshot:
 *
 * - records read by the sources: difference of the sources' `numRecordsOut` counters;
 * - the excess rate: slope of the sources' `pendingRecords` gauge (arrival − read), and the arrival
 *   = read + slope, exact because every arrived record is either read or still pending;
 * - what reached the offloaded vertex: its `numRecordsIn` (records it processed itself) + the offload point's
 *   `offloadedRecords` (records routed around it);
 * - busy and backpressured fractions: differences of `accumulateBusyTimeMs` / `accumulateBackPressuredTimeMs`
 *   summed over subtasks, divided by parallelism × elapsed time (the mean over subtasks, exact; the per-subtask
 *   maximum needs per-subtask queries and is what the 5 s gauges' `max` approximates);
 * - capacity, the DS2 true processing rate from counters: parallelism × records processed / busy seconds;
 * - the records queued inside the job in front of the vertex: what the upstream vertex sent minus what the
 *   vertex received (counter totals), the backlog Flink's network buffers hide from `pendingRecords`;
 * - pool usage: the vertex's `buffers.inPoolUsage` gauge (max over subtasks), instantaneous.
 *
 * A counter that is absent, or that went backwards (a restart), makes the signals built on it unknown (NaN).
 */
import type { MetricsSnapshot } from './contract.js';
import { readMetric, sumOver } from './signals.js';

/** Which vertices the signals are about: the offloaded vertex, the sources, the vertex feeding it, the point. */
export interface FastSignalScope {
  vertex: string;
  sources: readonly string[];
  /** The vertex sending records to `vertex` ('' = none known: the queue signal is unknown). */
  upstream: string;
  pointIds: readonly string[];
}

/** One snapshot's counters and gauges for a scope; NaN where unknown. */
export interface CounterReading {
  tMs: number;
  parallelism: number;
  sourceOut: number;
  pending: number;
  upstreamOut: number;
  vertexIn: number;
  offloaded: number;
  busyMs: number;
  backpressuredMs: number;
  idleMs: number;
  sourceBackpressuredMs: number;
  sourceParallelism: number;
  inPoolUsage: number;
}

/** The signals of one poll interval (between two readings). */
export interface FastSignals {
  dtS: number;
  /** Records the sources read per second. */
  readRps: number;
  /** Source backlog now, records. */
  pending: number;
  /** Growth of the backlog per second: the rate arrivals exceed what the sources read (negative while draining). */
  pendingSlopeRps: number;
  /** Records arriving in the external queue per second = read + slope. */
  arrivalRps: number;
  /** Records the offloaded vertex processed itself per second. */
  localRps: number;
  /** Records routed to functions per second. */
  offloadedRps: number;
  /** Mean busy / backpressured fraction of the vertex's subtasks over the interval, 0..1. */
  busyFraction: number;
  backpressuredFraction: number;
  /** Mean backpressured fraction of the sources' subtasks: the vertex cannot keep up. */
  sourceBackpressuredFraction: number;
  /** parallelism × records processed / busy seconds (NaN when the vertex was less than MIN_BUSY busy). */
  capacityRps: number;
  /** Records sent to the vertex and not yet received (in network buffers), at the end of the interval. */
  queuedRecords: number;
  inPoolUsage: number;
}

/** Below this busy fraction the records-per-busy-second ratio is too noisy to be a capacity. */
export const MIN_BUSY = 0.05;

function offloadedTotal(snapshot: MetricsSnapshot, pointIds: readonly string[]): number {
  let total = 0;
  for (const id of pointIds) {
    const v = snapshot.offload.find((p) => p.id === id)?.offloadedRecords;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return NaN;
    total += v;
  }
  return total;
}

export function readCounters(snapshot: MetricsSnapshot, scope: FastSignalScope): CounterReading {
  const vertex = snapshot.vertices.find((v) => v.id === scope.vertex);
  let sourceParallelism = 0;
  for (const id of scope.sources) sourceParallelism += snapshot.vertices.find((v) => v.id === id)?.parallelism ?? NaN;
  return {
    tMs: snapshot.tMs,
    parallelism: vertex?.parallelism ?? NaN,
    sourceOut: sumOver(snapshot, scope.sources, 'numRecordsOut', 'sum'),
    pending: sumOver(snapshot, scope.sources, 'pendingRecords', 'sum'),
    upstreamOut: scope.upstream === '' ? NaN : readMetric(snapshot, scope.upstream, 'numRecordsOut', 'sum'),
    vertexIn: readMetric(snapshot, scope.vertex, 'numRecordsIn', 'sum'),
    offloaded: scope.pointIds.length === 0 ? 0 : offloadedTotal(snapshot, scope.pointIds),
    busyMs: readMetric(snapshot, scope.vertex, 'accumulateBusyTimeMs', 'sum'),
    backpressuredMs: readMetric(snapshot, scope.vertex, 'accumulateBackPressuredTimeMs', 'sum'),
    idleMs: readMetric(snapshot, scope.vertex, 'accumulateIdleTimeMs', 'sum'),
    sourceBackpressuredMs: sumOver(snapshot, scope.sources, 'accumulateBackPressuredTimeMs', 'sum'),
    sourceParallelism,
    inPoolUsage: readMetric(snapshot, scope.vertex, 'buffers.inPoolUsage', 'max'),
  };
}

/**
 * No counter moved between two readings: the REST API served cached values (Flink's metric fetcher refreshes on
 * its own interval, `metrics.fetcher.update-interval`), not an interval in which nothing happened — time
 * counters (busy + backpressured + idle) advance even on an idle task.
 */
export function isStale(prev: CounterReading, cur: CounterReading): boolean {
  // Object.is: an absent counter (NaN) on both sides did not move either.
  const same = (k: 'sourceOut' | 'vertexIn' | 'offloaded' | 'busyMs' | 'backpressuredMs' | 'idleMs') => Object.is(cur[k], prev[k]);
  return same('sourceOut') && same('vertexIn') && same('offloaded') && same('busyMs') && same('backpressuredMs') && same('idleMs');
}

/** Difference of a counter; NaN when either side is unknown or it went backwards. */
function delta(now: number, before: number): number {
  const d = now - before;
  return Number.isFinite(d) && d >= 0 ? d : NaN;
}

/** The signals of the interval between two readings (prev older than cur); all NaN when no time passed. */
export function signalsBetween(prev: CounterReading, cur: CounterReading): FastSignals {
  const dtS = (cur.tMs - prev.tMs) / 1000;
  const ok = Number.isFinite(dtS) && dtS > 0;
  const span = ok ? dtS : NaN;
  const readRps = delta(cur.sourceOut, prev.sourceOut) / span;
  const pendingSlopeRps = (cur.pending - prev.pending) / span;
  const local = delta(cur.vertexIn, prev.vertexIn);
  const busyMs = delta(cur.busyMs, prev.busyMs);
  const busyFraction = busyMs / (cur.parallelism * span * 1000);
  return {
    dtS: span,
    readRps,
    pending: cur.pending,
    pendingSlopeRps,
    arrivalRps: Math.max(0, readRps + pendingSlopeRps),
    localRps: local / span,
    offloadedRps: delta(cur.offloaded, prev.offloaded) / span,
    busyFraction,
    backpressuredFraction: delta(cur.backpressuredMs, prev.backpressuredMs) / (cur.parallelism * span * 1000),
    sourceBackpressuredFraction: delta(cur.sourceBackpressuredMs, prev.sourceBackpressuredMs) / (cur.sourceParallelism * span * 1000),
    capacityRps: busyFraction >= MIN_BUSY ? (cur.parallelism * local) / (busyMs / 1000) : NaN,
    queuedRecords: Math.max(0, cur.upstreamOut - cur.vertexIn - cur.offloaded),
    inPoolUsage: cur.inPoolUsage,
  };
}
