/** The metrics a sweep can aggregate, rank and constrain on, each read from a run's summary. */
import type { RunSummary } from '../../metrics/summary.js';

type Extractor = (s: RunSummary) => number;

/** Always aggregated, in this order (results.json and the report charts rely on them). */
export const DEFAULT_METRICS = [
  'latency_p99_ms',
  'latency_p50_ms',
  'cost_usd',
  'cost_usd_per_hour',
  'max_pending_records',
  'throughput_rps',
  // flapping (src/metrics/flapping.ts): null for summaries without it
  'share_switches_per_min',
  'share_variance',
  'time_to_react_s',
] as const;

const EXTRACTORS: Record<string, Extractor> = {
  latency_p50_ms: (s) => s.latency_ms.p50,
  latency_p90_ms: (s) => s.latency_ms.p90,
  latency_p99_ms: (s) => s.latency_ms.p99,
  latency_p999_ms: (s) => s.latency_ms.p999,
  latency_max_ms: (s) => s.latency_ms.max,
  latency_mean_ms: (s) => s.latency_ms.mean,
  /** Functions + cluster (the cluster part is 0 without a cluster model). */
  cost_usd: (s) => s.cost_usd.total,
  /** Total cost (drain included) per hour of replay. */
  cost_usd_per_hour: (s) => (s.duration_s > 0 ? (s.cost_usd.total * 3600) / s.duration_s : Number.NaN),
  max_pending_records: (s) => s.max_pending_records,
  throughput_rps: (s) => s.throughput_rps,
  offload_share: (s) => s.offload.share,
  offloaded_records: (s) => s.offload.records,
  fallbacks: (s) => s.offload.fallbacks,
  cold_starts: (s) => s.lambda.cold_starts,
  throttles: (s) => s.lambda.throttles,
  max_concurrency: (s) => s.lambda.max_concurrency,
  end_s: (s) => s.end_s,
  // Unknown (null) for a run that did not drain and lost nothing known: never averaged as "lost 0".
  lost: (s) => (s.drained || s.records.lost > 0 ? s.records.lost : Number.NaN),
  in_flight_records: (s) => s.records.in_flight,
  duplicated: (s) => s.records.duplicated,
  order_violations: (s) => s.order_violations,
  functions_cost_usd: (s) => s.cost_usd.functions ?? s.cost_usd.total,
  cluster_cost_usd: (s) => s.cost_usd.cluster ?? 0,
  rescales: (s) => s.cluster?.rescales ?? 0,
  downtime_s: (s) => s.cluster?.downtime_s ?? 0,
  share_switches_per_min: (s) => s.flapping?.share_switches_per_min ?? Number.NaN,
  share_variance: (s) => s.flapping?.share_variance ?? Number.NaN,
  time_to_react_s: (s) => s.flapping?.time_to_react_s ?? Number.NaN,
};

export const KNOWN_METRICS: readonly string[] = Object.keys(EXTRACTORS);

export function isKnownMetric(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(EXTRACTORS, name);
}

/** Every known metric of one run; null where the summary has no finite value (e.g. no results). */
export function extractMetrics(summary: RunSummary): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const name of KNOWN_METRICS) {
    let v: unknown;
    try {
      v = EXTRACTORS[name](summary);
    } catch {
      v = null;
    }
    out[name] = typeof v === 'number' && Number.isFinite(v) ? v : null;
  }
  return out;
}
