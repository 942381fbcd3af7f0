/**
 * Building Flink-shaped snapshots for policy tests. The default job is source → op → sink with one offload
 * point `p1` that can take over `op`. Every metric left undefined is absent from the snapshot.
 */
import type {
  Aggregate,
  Decision,
  MetricsSnapshot,
  OffloadPointSnapshot,
  ParamValue,
  PolicyContext,
  PolicyFactory,
  VertexSnapshot,
} from '../../src/policy/contract.js';

export const SOURCE = 'source';
export const OP = 'op';
export const SINK = 'sink';
export const POINT = 'p1';
export const OP_PARALLELISM = 2;

export function context(overrides: Partial<PolicyContext> = {}): PolicyContext {
  return {
    offloadPoints: [{ id: POINT, vertex: OP }],
    vertices: [
      { id: SOURCE, parallelism: 1, isSource: true },
      { id: OP, parallelism: OP_PARALLELISM, isSource: false },
      { id: SINK, parallelism: 1, isSource: false },
    ],
    controllerIntervalMs: 1000,
    ...overrides,
  };
}

/** A per-subtask value (time metrics, lag): every subtask reports `v`; sum = v × parallelism. */
export function perSubtask(v: number, parallelism: number): Aggregate {
  return { min: v, max: v, avg: v, sum: v * parallelism };
}

/** A vertex total (rates, pending records) split evenly over subtasks. */
export function total(v: number, parallelism: number): Aggregate {
  return { min: v / parallelism, max: v / parallelism, avg: v / parallelism, sum: v };
}

export interface SnapSpec {
  tMs: number;
  /** Source numRecordsOutPerSecond, total. */
  sourceOut?: number;
  pending?: number;
  lagMs?: number;
  sourceBackpressure?: number;
  /** op numRecordsInPerSecond, total. */
  opIn?: number;
  /** op busyTimeMsPerSecond, every subtask. */
  opBusy?: number;
  opBackpressure?: number;
  /** Counters since the start (totals over subtasks): source numRecordsOut, op numRecordsIn, accumulated ms. */
  sourceOutTotal?: number;
  opInTotal?: number;
  opBusyMsTotal?: number;
  opBackpressuredMsTotal?: number;
  sourceBackpressuredMsTotal?: number;
  opInPool?: number;
  /** Offload point p1; omitted entirely when all of these are undefined. */
  offloaded?: number;
  costUsd?: number;
  roundTripMs?: number;
  delayMs?: number;
}

function vertex(id: string, parallelism: number, metrics: VertexSnapshot['metrics']): VertexSnapshot {
  const defined = Object.fromEntries(Object.entries(metrics).filter(([, a]) => a !== undefined));
  return { id, parallelism, metrics: defined };
}

export function snap(s: SnapSpec): MetricsSnapshot {
  const opMetrics: VertexSnapshot['metrics'] = {
    numRecordsInPerSecond: s.opIn === undefined ? undefined : total(s.opIn, OP_PARALLELISM),
    numRecordsOutPerSecond: s.opIn === undefined ? undefined : total(s.opIn, OP_PARALLELISM),
    busyTimeMsPerSecond: s.opBusy === undefined ? undefined : perSubtask(s.opBusy, OP_PARALLELISM),
    backPressuredTimeMsPerSecond: s.opBackpressure === undefined ? undefined : perSubtask(s.opBackpressure, OP_PARALLELISM),
    idleTimeMsPerSecond:
      s.opBusy === undefined ? undefined : perSubtask(Math.max(0, 1000 - s.opBusy - (s.opBackpressure ?? 0)), OP_PARALLELISM),
    numRecordsIn: s.opInTotal === undefined ? undefined : total(s.opInTotal, OP_PARALLELISM),
    accumulateBusyTimeMs: s.opBusyMsTotal === undefined ? undefined : total(s.opBusyMsTotal, OP_PARALLELISM),
    accumulateBackPressuredTimeMs: s.opBackpressuredMsTotal === undefined ? undefined : total(s.opBackpressuredMsTotal, OP_PARALLELISM),
    'buffers.inPoolUsage': s.opInPool === undefined ? undefined : perSubtask(s.opInPool, OP_PARALLELISM),
  };
  const sourceMetrics: VertexSnapshot['metrics'] = {
    numRecordsOutPerSecond: s.sourceOut === undefined ? undefined : total(s.sourceOut, 1),
    pendingRecords: s.pending === undefined ? undefined : total(s.pending, 1),
    currentEmitEventTimeLag: s.lagMs === undefined ? undefined : perSubtask(s.lagMs, 1),
    backPressuredTimeMsPerSecond: s.sourceBackpressure === undefined ? undefined : perSubtask(s.sourceBackpressure, 1),
    numRecordsOut: s.sourceOutTotal === undefined ? undefined : total(s.sourceOutTotal, 1),
    accumulateBackPressuredTimeMs: s.sourceBackpressuredMsTotal === undefined ? undefined : total(s.sourceBackpressuredMsTotal, 1),
  };
  const offload: OffloadPointSnapshot[] = [];
  if (s.offloaded !== undefined || s.costUsd !== undefined || s.roundTripMs !== undefined) {
    offload.push({
      id: POINT,
      vertex: OP,
      inFlightRecords: 0,
      inFlightBatches: 0,
      concurrency: 0,
      warmIdle: 0,
      offloadedRecords: s.offloaded ?? 0,
      coldStarts: 0,
      throttles: 0,
      errors: 0,
      fallbacks: 0,
      costUsd: s.costUsd ?? 0,
      recentRoundTripMs: s.roundTripMs ?? NaN,
    });
  }
  return {
    tMs: s.tMs,
    receivedMs: s.tMs + (s.delayMs ?? 0),
    windowMs: 1000,
    vertices: [vertex(SOURCE, 1, sourceMetrics), vertex(OP, OP_PARALLELISM, opMetrics), vertex(SINK, 1, {})],
    offload,
  };
}

/** Snapshots one controller interval apart, starting at 1 s. */
export function series(specs: Omit<SnapSpec, 'tMs'>[], intervalMs = 1000): MetricsSnapshot[] {
  return specs.map((s, i) => snap({ ...s, tMs: (i + 1) * intervalMs }));
}

/** Create a policy and feed it the snapshots in order; returns every decision. */
export function runPolicy(
  factory: PolicyFactory,
  params: Record<string, ParamValue>,
  snapshots: MetricsSnapshot[],
  ctx: PolicyContext = context(),
): Decision[] {
  const policy = factory.create(params, ctx);
  return snapshots.map((s) => policy.decide(s));
}

/** The share p1 got in each decision. */
export function shares(decisions: Decision[]): number[] {
  return decisions.map((d) => d.points[POINT].share);
}
