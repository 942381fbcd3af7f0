/**
 * The scenario: everything one simulation run needs, as a JSON file checked against a schema.
 * Field names in files are snake_case; paths inside a scenario are relative to the scenario file.
 */
import type { CountSpec, ShiftedSpec } from '../engine/distributions.js';

export type VertexKind = 'source' | 'map' | 'flatMap' | 'filter' | 'window' | 'sink';
export type Partitioning = 'forward' | 'rebalance' | 'hash';

export interface VertexSpec {
  id: string;
  kind: VertexKind;
  parallelism: number;
  /** Per-record service time, ms (for a source: the cost of reading and deserialising one record). */
  service_ms: ShiftedSpec;
  /** Records out per record in (map: 1; filter: bernoulli; flatMap: any count distribution). */
  selectivity?: CountSpec;
  /** Size of each output record, bytes (defaults to the input record size). */
  output_bytes?: number;
  /**
   * Keyed tumbling event-time window (kind 'window'): a count per key, or (aggregate 'sum') a sum of each record's
   * value. The simulator models both alike (one result per key and window, the same cost); the live job sums
   * 1 + seq mod 100 per record (docs/VALIDATION.md).
   */
  window?: { size_ms: number; out_of_orderness_ms?: number; aggregate?: 'count' | 'sum' };
}

export interface EdgeSpec {
  from: string;
  to: string;
  partitioning: Partitioning;
  /** Set false to keep Flink from chaining this edge even when it could. */
  chain?: boolean;
}

export interface WorkloadSpec {
  /** Trace file (rate `t_s,rate` or event `t_ms[,key][,bytes]`), relative to the scenario file. */
  trace: string;
  /** How records of a rate trace arrive within a constant-rate segment. */
  arrivals?: 'poisson' | 'uniform';
  /** Multiplies every rate of the trace. */
  rate_scale?: number;
  /** Size of a source record, bytes. */
  record_bytes?: number;
  /** Key model for rate traces: `count` keys drawn with Zipf exponent `zipf_s` (0 = uniform). */
  keys?: { count: number; zipf_s?: number };
}

export interface NetworkSpec {
  /** taskmanager.memory.segment-size */
  segment_size_bytes?: number;
  /** taskmanager.network.memory.buffers-per-channel (exclusive input buffers per channel) */
  buffers_per_channel?: number;
  /** taskmanager.network.memory.floating-buffers-per-gate */
  floating_buffers_per_gate?: number;
  /** taskmanager.network.memory.max-buffers-per-channel (output buffers one subpartition may hold) */
  max_buffers_per_channel?: number;
  /** Output buffer pool per task; default subpartitions × buffers_per_channel + floating_buffers_per_gate. */
  output_pool_buffers?: number;
  /** execution.buffer-timeout: 0 = flush every record, -1 = only when full. */
  buffer_timeout_ms?: number;
  /** One-way latency of a buffer or a credit announcement between tasks, ms. */
  latency_ms?: number;
  /**
   * TaskManagers the job's slots are spread over: subtask i of every task sits in slot i (one slot-sharing group),
   * slots fill TaskManager by TaskManager, and a channel between subtasks of one TaskManager is local (the consumer
   * reads the producer's buffers in place: no receiver buffers, no credit latency). 1 = a MiniCluster or a single
   * TaskManager. Absent: every channel is remote (the most buffering a job can have).
   */
  task_managers?: number;
}

/**
 * Event-time watermarks of a job with windows (Flink's periodic watermark generation at the sources). Each source
 * subtask emits its watermark every `interval_ms` (pipeline.auto-watermark-interval, 200 ms in Flink 2.3.0; 0 = on
 * every record read, as Flink does at interval 0), its first tick at a phase of its own: seeded from the subtask's
 * random stream, or `phase_ms` (every source subtask the same, for hand-computed cases and what-ifs).
 */
export interface WatermarkSpec {
  interval_ms?: number;
  phase_ms?: number;
}

/** Flink 2.3.0's default pipeline.auto-watermark-interval (PipelineOptions.AUTO_WATERMARK_INTERVAL). */
export const WATERMARK_INTERVAL_DEFAULT_MS = 200;

export interface OffloadSpec {
  id: string;
  /** The vertex whose work the function does; results rejoin after it. */
  vertex: string;
  /** Platform model file (models/*.json), relative to the scenario file. */
  platform: string;
  merge?: 'unordered' | 'ordered';
  /** Function memory size, MB (must be one the model allows). */
  memory_mb?: number;
  /** Per-record work in the function relative to the local operator on one vCPU (1 = same code, same speed). */
  work_factor?: number;
  /** Retry function errors and timeouts at the offload layer (the SDK itself retries only throttles). Default true. */
  retry_function_errors?: boolean;
  /** Attempts per batch, first included (the SDK's default is 3). */
  max_attempts?: number;
  /** Bytes of result per offloaded record (default: the vertex's output size). */
  result_bytes?: number;
  /** Function timeout, ms (default: the model's). */
  timeout_ms?: number;
  /** Fault injection: probability an execution fails / hangs until the timeout (default: the model's). */
  error_rate?: number;
  timeout_rate?: number;
  /** Reserved and provisioned concurrency of the function (default: the model's). */
  reserved_concurrency?: number;
  provisioned_concurrency?: number;
  /** Concurrent requests per client, i.e. per subtask (Node's default agent: 50). */
  max_sockets?: number;
  /**
   * Batches a subtask may hold queued or in flight, as Flink's Async I/O capacity: closed batches beyond the
   * decision's maxInFlight wait for a slot instead of the records staying local. Default: maxInFlight (no queue).
   */
  async_capacity?: number;
}

export interface ScenarioSpec {
  name: string;
  description?: string;
  seed?: number;
  /** Length of the replay, s; defaults to the trace's end. */
  duration_s?: number;
  /** After the replay, keep running until every record has left the sink, for at most this long, s. */
  drain_s?: number;
  /** Events a run may process before it is stopped as too long (default 300,000,000; see docs/INPUTS.md). */
  max_events?: number;
  /** Records arriving within this many ms travel as one run (0 = per-record simulation). */
  time_resolution_ms?: number;
  /** Length of a metrics interval (one row of timeseries.csv, one snapshot), ms. */
  metrics_interval_ms?: number;
  workload: WorkloadSpec;
  network?: NetworkSpec;
  watermark?: WatermarkSpec;
  /** Chain forward edges between equal-parallelism vertices into one task, as Flink does by default. */
  chaining?: boolean;
  vertices: VertexSpec[];
  edges: EdgeSpec[];
  offload?: OffloadSpec[];
  policy?: { name: string; params?: Record<string, number | string | boolean> };
  controller?: ControllerSpec;
  /** The cluster the job runs on: its price and restart times (models/cluster-*.json), and the job's state size. */
  cluster?: ClusterSpec;
  /** Settings of the strategy comparison (`spillway strategies`, `npm start`). */
  strategies?: StrategiesSpec;
}

export interface StrategiesSpec {
  /** Parameters of `autoscaler` and of the autoscaler inside `burst+autoscale` (operator option names). */
  autoscaler?: Record<string, number | string | boolean>;
  /** Extra parameters of `burst+autoscale`'s bursting side (target-lag's). */
  burst_autoscale?: Record<string, number | string | boolean>;
  /** provisioned-peak sizes each vertex to run the trace's peak at this busy fraction (default 1). */
  peak_utilization?: number;
}

export interface ClusterSpec {
  /** Cluster model file (format spillway-cluster-model/1). */
  model: string;
  /** Keyed state the job restores on a restart, MB (restore time grows with it). Default 0. */
  state_mb?: number;
  /** How a rescale runs: stop-with-savepoint and a new job (default), or the adaptive scheduler's in-place restart. */
  rescale?: 'savepoint' | 'in-place';
  /** Checkpoint interval, s (an in-place rescale waits for the next checkpoint). Default 10. */
  checkpoint_interval_s?: number;
}

export interface ControllerSpec {
  /** How often the controller asks the policy for a decision, ms. */
  interval_ms?: number;
  /** Delay between the end of a metrics window and the policy seeing it (Flink's REST fetcher), ms. */
  reporting_delay_ms?: number;
  /** Window of the busy/idle/backpressured time gauges (Flink's TimerGauge updates every 5 s), ms. */
  timer_window_ms?: number;
  /** Window of the per-second rate meters (Flink's MeterView spans 60 s by default), ms. */
  meter_window_ms?: number;
}

/** A scenario with defaults applied and file paths made absolute. */
export interface Scenario extends ScenarioSpec {
  /** Absolute path of the scenario file (or '<inline>'). */
  file: string;
  seed: number;
  drain_s: number;
  max_events: number;
  time_resolution_ms: number;
  metrics_interval_ms: number;
  chaining: boolean;
  network: Required<Omit<NetworkSpec, 'output_pool_buffers' | 'task_managers'>> & { output_pool_buffers?: number; task_managers?: number };
  controller: Required<ControllerSpec>;
}

export const NETWORK_DEFAULTS = {
  segment_size_bytes: 32768,
  buffers_per_channel: 2,
  floating_buffers_per_gate: 8,
  max_buffers_per_channel: 10,
  buffer_timeout_ms: 100,
  latency_ms: 0.05,
} as const;
