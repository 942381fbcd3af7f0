/**
 * The contract between a burst policy and whatever runs it (the simulator or the live harness).
 *
 * A policy sees only metrics snapshots shaped like Flink's REST API answers and returns decisions.
 * This file imports nothing: policy code and both runners depend on it, never on each other.
 */

/** Flink's REST aggregation of one metric over a vertex's subtasks (`/subtasks/metrics?get=...`). */
export interface Aggregate {
  min: number;
  max: number;
  avg: number;
  sum: number;
}

/**
 * Metric names as Flink reports them. Task metrics for every vertex; source metrics (FLIP-33) for sources.
 * busyTimeMsPerSecond + idleTimeMsPerSecond + backPressuredTimeMsPerSecond = 1000 for every subtask.
 */
export type TaskMetricName =
  | 'busyTimeMsPerSecond'
  | 'idleTimeMsPerSecond'
  | 'backPressuredTimeMsPerSecond'
  | 'numRecordsInPerSecond'
  | 'numRecordsOutPerSecond'
  | 'buffers.inPoolUsage'
  | 'buffers.outPoolUsage'
  // Counters since the task started (Flink's names, including its "accumulate" spelling). Differences between two
  // polls are exact, unlike the rate meters (60 s average) and time gauges (5 s, updated every 5 s).
  | 'numRecordsIn'
  | 'numRecordsOut'
  | 'accumulateBusyTimeMs'
  | 'accumulateBackPressuredTimeMs'
  | 'accumulateIdleTimeMs';

export type SourceMetricName = 'pendingRecords' | 'currentEmitEventTimeLag';

export type FlinkMetricName = TaskMetricName | SourceMetricName;

/** One job vertex (a task: a chain of operators) as the REST API sees it. */
export interface VertexSnapshot {
  id: string;
  parallelism: number;
  /** Only the metrics this vertex has: sources add pendingRecords and currentEmitEventTimeLag. */
  metrics: Partial<Record<FlinkMetricName, Aggregate>>;
}

/** The offload layer's own view of one offload point, accumulated since the run started unless noted. */
export interface OffloadPointSnapshot {
  id: string;
  /** Vertex whose work this point can take over. */
  vertex: string;
  /** Records sent out and not yet merged back (includes records waiting in the batcher). */
  inFlightRecords: number;
  inFlightBatches: number;
  /** Function environments busy right now. */
  concurrency: number;
  /** Warm idle environments right now (for pre-warming decisions). */
  warmIdle: number;
  offloadedRecords: number;
  coldStarts: number;
  throttles: number;
  errors: number;
  fallbacks: number;
  costUsd: number;
  /** Observed function round trip over the last interval, ms (NaN when no batch returned). */
  recentRoundTripMs: number;
}

export interface MetricsSnapshot {
  /** Time the values describe: end of the measurement window, ms since the run started. */
  tMs: number;
  /** Time the controller received them (tMs + reporting delay). */
  receivedMs: number;
  /** Length of the measurement window the per-second rates were averaged over, ms. */
  windowMs: number;
  vertices: VertexSnapshot[];
  offload: OffloadPointSnapshot[];
  /**
   * The job's state as Flink's REST API reports it (`/jobs/<jid>` status): RUNNING, or RESTARTING while a
   * rescale has stopped it (no vertex metrics are meaningful then). Absent: RUNNING.
   */
  jobStatus?: 'RUNNING' | 'RESTARTING';
}

/** What a policy asks of one offload point. */
export interface PointDecision {
  /** Share of the vertex's incoming records to route to the function, 0..1. */
  share: number;
  /** Optional cap on routed records per second (applied after share); undefined = no cap. */
  maxRateRps?: number;
  /** Batch closes at this many records ... */
  batchRecords: number;
  /** ... or this many bytes (the platform's payload limit also applies) ... */
  batchBytes?: number;
  /** ... or when its oldest record has waited this long. */
  maxWaitMs: number;
  /** Batches in flight at once; when reached, the router stops routing (records stay local). */
  maxInFlight: number;
  /** Keep at least this many environments warm (pre-warming pings); 0 or undefined = none. */
  prewarm?: number;
}

export interface Decision {
  /** One entry per offload point id; a point not named keeps its previous decision. */
  points: Record<string, PointDecision>;
  /**
   * Optional: the parallelism the policy wants per job vertex id (an autoscaler's request). A runner that
   * can rescale stops the job with a savepoint and restarts it at these values when any differs from the
   * running parallelism; a vertex not named keeps its own. The live harness ignores it and says so.
   */
  parallelism?: Record<string, number>;
  /** Free text for the time series and logs: why this decision. */
  note?: string;
}

/** What a policy is told once, before the first snapshot. */
export interface PolicyContext {
  offloadPoints: { id: string; vertex: string }[];
  vertices: {
    id: string;
    parallelism: number;
    isSource: boolean;
    /** Flink's max parallelism of the vertex (number of key groups); absent: 128, Flink's default minimum. */
    maxParallelism?: number;
    /** True when the vertex reads a keyed (hash-partitioned) input: its parallelism aligns with key groups. */
    keyed?: boolean;
  }[];
  controllerIntervalMs: number;
}

/** A burst policy: deterministic, owns its state, sees snapshots, returns decisions. */
export interface Policy {
  readonly name: string;
  decide(snapshot: MetricsSnapshot): Decision;
}

export type ParamValue = number | string | boolean;

export interface ParamSpec {
  name: string;
  description: string;
  default: ParamValue;
  /** For numbers: inclusive bounds; for strings: the allowed values. */
  min?: number;
  max?: number;
  choices?: string[];
}

/** How a policy is found by name and built; user modules export one of these as default. */
export interface PolicyFactory {
  name: string;
  description: string;
  params: ParamSpec[];
  create(params: Record<string, ParamValue>, context: PolicyContext): Policy;
}

/** The decision every runner starts from and returns to when a policy sends nothing: offload nothing. */
export function idleDecision(): PointDecision {
  return { share: 0, batchRecords: 100, maxWaitMs: 50, maxInFlight: 0 };
}
