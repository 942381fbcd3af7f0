/**
 * Reading Flink-shaped metrics out of a snapshot. Every reader returns NaN when a value is absent, not finite
 * or negative (none of these metrics can be negative), so callers have one way to say "unknown".
 */
import type { Aggregate, FlinkMetricName, MetricsSnapshot, PolicyContext } from './contract.js';

export type AggregateKind = keyof Aggregate;

export function readMetric(snapshot: MetricsSnapshot, vertexId: string, name: FlinkMetricName, kind: AggregateKind): number {
  const vertex = snapshot.vertices.find((v) => v.id === vertexId);
  const value = vertex?.metrics[name]?.[kind];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : NaN;
}

/** Sum over vertices; NaN when there are none or any is unknown. */
export function sumOver(snapshot: MetricsSnapshot, ids: readonly string[], name: FlinkMetricName, kind: AggregateKind): number {
  if (ids.length === 0) return NaN;
  let total = 0;
  for (const id of ids) total += readMetric(snapshot, id, name, kind);
  return total;
}

/** Maximum over vertices; NaN when there are none or any is unknown. */
export function maxOver(snapshot: MetricsSnapshot, ids: readonly string[], name: FlinkMetricName, kind: AggregateKind): number {
  if (ids.length === 0) return NaN;
  let best = -Infinity;
  for (const id of ids) {
    const v = readMetric(snapshot, id, name, kind);
    if (Number.isNaN(v)) return NaN;
    best = Math.max(best, v);
  }
  return best;
}

export function sourceIds(context: PolicyContext): string[] {
  return context.vertices.filter((v) => v.isSource).map((v) => v.id);
}

/**
 * The vertices upstream of `vertexId`. The contract carries no edges, so without an explicit choice we take
 * every vertex listed before it: Flink's REST API (`/jobs/<jid>`) lists vertices in topological order.
 */
export function upstreamIds(context: PolicyContext, vertexId: string, explicit: string): string[] {
  if (explicit !== '') return [explicit];
  const at = context.vertices.findIndex((v) => v.id === vertexId);
  return at > 0 ? context.vertices.slice(0, at).map((v) => v.id) : [];
}

/** What a trigger watches. Units: ms per second for the first three, records, ms. */
export const TRIGGER_SIGNALS = ['busy', 'backpressure', 'upstream-backpressure', 'pending', 'lag'] as const;
export type TriggerSignal = (typeof TRIGGER_SIGNALS)[number];

export interface SignalScope {
  vertex: string;
  sources: readonly string[];
  upstream: readonly string[];
}

/**
 * Busy and backpressure use the MAX over subtasks (the Flink autoscaler's default: the hottest subtask
 * saturates first); pending records are summed over sources, lag is the worst source's.
 */
export function readSignal(snapshot: MetricsSnapshot, signal: TriggerSignal, scope: SignalScope): number {
  switch (signal) {
    case 'busy':
      return readMetric(snapshot, scope.vertex, 'busyTimeMsPerSecond', 'max');
    case 'backpressure':
      return readMetric(snapshot, scope.vertex, 'backPressuredTimeMsPerSecond', 'max');
    case 'upstream-backpressure':
      return maxOver(snapshot, scope.upstream, 'backPressuredTimeMsPerSecond', 'max');
    case 'pending':
      return sumOver(snapshot, scope.sources, 'pendingRecords', 'sum');
    case 'lag':
      return maxOver(snapshot, scope.sources, 'currentEmitEventTimeLag', 'max');
  }
}
