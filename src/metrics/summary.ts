/**
 * The run summary (out/<run>/summary.json) and the time-series columns (timeseries.csv).
 * Reports, sweeps and the live comparison read these; keep them backward compatible.
 *
 * summary.json is byte-identical for the same scenario and seed, so it holds nothing about the host
 * (wall time and events per second go to stdout with --json and to run.json).
 */
import type { FlappingSummary } from './flapping.js';

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  /** Number of results the percentiles are over. */
  count: number;
}

export interface VertexSummary {
  parallelism: number;
  /** Operators chained into this task (Flink's job vertex), in order. */
  chain: string[];
  records_in: number;
  records_out: number;
  /** Shares of wall-clock time averaged over subtasks and the run; they sum to 1. */
  busy_ratio: number;
  idle_ratio: number;
  backpressured_ratio: number;
}

export interface RunSummary {
  spillway_version: string;
  scenario: string;
  policy: string;
  params: Record<string, number | string | boolean>;
  seed: number;
  /** Replay length, s. */
  duration_s: number;
  /** Simulated time at which the run ended (after draining), s. */
  end_s: number;
  drained: boolean;
  records: {
    /** Records that arrived in the external queue. */
    arrived: number;
    /** Arrived records whose results left the sink (or that a stateful operator absorbed into its state). */
    emitted: number;
    /** Records a filter (or a flatMap with no output) dropped on purpose. */
    filtered: number;
    /** Records still inside the job or the offload path when the run ended (0 when drained). */
    in_flight: number;
    /** Where the in-flight records were: not yet read from the external queue, inside the job, in functions (simulated runs). */
    in_flight_at?: { external_queue: number; buffers: number; functions: number };
    lost: number;
    duplicated: number;
    /** Result records that left the sink (tokens, window results, ...). */
    results: number;
  };
  /** Result latency: time leaving the sink − intended arrival time of the record (no coordinated omission). */
  latency_ms: LatencySummary;
  /** Records arrived per second of replay. */
  throughput_rps: number;
  max_pending_records: number;
  /** Backpressured time per vertex, s, summed over its subtasks. */
  backpressured_s: Record<string, number>;
  vertices: Record<string, VertexSummary>;
  /**
   * US dollars: `total` = `functions` (requests + duration + provisioned, the serverless bill) + `cluster`
   * (TaskManagers and the always-on part, from the scenario's cluster model; 0 without one); `per_hour` =
   * total per hour of replay.
   */
  cost_usd: { total: number; functions: number; cluster: number; per_hour: number; requests: number; duration: number; provisioned: number };
  /** The cluster side: model file, TaskManagers at the end, billed TaskManager-hours, rescales and their downtime. */
  cluster: {
    model: string | null;
    taskmanagers: number;
    taskmanager_hours: number;
    rescales: number;
    /** Sum over rescales of the sources' stop (the barrier) to running again, s. */
    downtime_s: number;
    events: { mode?: 'savepoint' | 'in-place'; request_s: number; barrier_s?: number; stopped_s: number; resumed_s: number; from: Record<string, number>; to: Record<string, number>; taskmanagers: number }[];
  };
  offload: { records: number; batches: number; fallbacks: number; share: number };
  lambda: { invocations: number; cold_starts: number; throttles: number; errors: number; timeouts: number; max_concurrency: number };
  order_violations: number;
  /** How the share moved (flapping.ts); absent in summaries written before it existed and in live ones. */
  flapping?: FlappingSummary;
  events_processed: number;
}

/** Fixed time-series columns; per-vertex columns follow as `<vertex>.<metric>` (see VERTEX_COLUMNS). */
export const TIMESERIES_COLUMNS = [
  't_s', // end of the interval, s
  'input_rps', // records arriving in the external queue
  'read_rps', // records the sources read
  'offloaded_rps', // records routed to functions
  'emitted_rps', // arrived records completed (left the sink)
  'results_rps', // result records leaving the sink
  'pending_records', // external queue length at the end of the interval
  'lag_ms', // currentEmitEventTimeLag: now − intended arrival of the last record read (max over sources)
  'latency_p50_ms', // over results leaving the sink in the interval (NaN when none)
  'latency_p99_ms',
  'latency_max_ms',
  'in_flight_records', // offloaded records not yet merged back
  'concurrency', // busy function environments at the end of the interval
  'cold_starts', // in the interval
  'throttles', // in the interval
  'cost_usd', // cumulative
  'decision_share', // share of the first offload point in force at the end of the interval
  'restarting', // 1 while the job is stopped for a rescale (stop-with-savepoint to running again), else 0
] as const;

export const VERTEX_COLUMNS = [
  'busyTimeMsPerSecond',
  'backPressuredTimeMsPerSecond',
  'idleTimeMsPerSecond',
  'numRecordsInPerSecond',
  'numRecordsOutPerSecond',
  'inPoolUsage',
  'outPoolUsage',
] as const;
