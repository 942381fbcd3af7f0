/**
 * The live controller: Flink REST readings in, MetricsSnapshot → the SAME policy module → decision out.
 *
 * No Flink, no HTTP here: readings come from a {@link MetricsSource} (rest-source.ts reads Flink's REST API; tests
 * use a fake), and the decision goes back as a value the caller publishes (decision-server.ts). So the snapshot
 * building is unit-testable with exact values.
 *
 * Vertex mapping (docs/VALIDATION.md): the snapshot lists the simulator's job vertices for the scenario (its task
 * ids, in scenario order, exactly what the simulator's controller shows the policy), each filled from the real
 * job vertex that runs the same role:
 *
 * | scenario vertex (role) | REST vertex of flink-validate |
 * |---|---|
 * | the source | `Source: source` |
 * | the router (added by validate to the simulated scenario: a map with ~0 service) | `router` |
 * | the map/flatMap (tokenizer) | `tokenizer` (or a chain containing it) |
 * | the sink | `sink: Writer` (or a chain containing it) |
 * | offload point: records routed | `router` (`router.routedOffload`) |
 * | offload point: batches, invocations, ... | `offload-batcher -> offload-invoke` |
 *
 * The job's `Source: control` vertex is not shown to the policy. The simulator's offload point stays on the tokenizer
 * (it routes inside the offloaded task, at no cost); the router vertex only mirrors the job's extra network hop.
 */
import type { Aggregate, Decision, MetricsSnapshot, OffloadPointSnapshot, Policy, PolicyContext, PointDecision, VertexSnapshot } from '../../policy/contract.js';
import { ControlLoop, type DecisionRecord, type DecisionSink } from '../../control/loop.js';
import type { FlinkDecision } from '../flink-job.js';
import { ParallelismRequests, type IgnoredParallelism } from './ignored-parallelism.js';

/** One metric aggregated over a vertex's subtasks as Flink's REST API answers it (missing aggregates absent). */
export interface AggregateReading {
  min?: number;
  max?: number;
  avg?: number;
  sum?: number;
}

/** One REST vertex, its metrics keyed by the names the controller asked for (short names, see resolveMetricName). */
export interface VertexReading {
  /** REST vertex name, e.g. "Source: source", "tokenizer", "offload-batcher -> offload-invoke". */
  name: string;
  parallelism: number;
  metrics: Record<string, AggregateReading>;
}

/** What the local Invoke-API endpoint says (null on real AWS). */
export interface EndpointReading {
  concurrency: number;
  maxConcurrency: number;
  environments: number;
}

/** One poll of everything the controller reads. */
export interface LiveReading {
  /** Wall-clock time of the poll, epoch ms. */
  epochMs: number;
  vertices: VertexReading[];
  endpoint: EndpointReading | null;
}

/** Where readings come from: Flink REST (rest-source.ts) or a fake. */
export interface MetricsSource {
  read(): Promise<LiveReading>;
}

/** REST vertex operator names of the flink-validate job, matched against REST vertex names (chain-aware). */
export const JOB_OPERATORS = {
  source: 'Source: source',
  router: 'router',
  tokenizer: 'tokenizer',
  sink: 'sink: Writer',
  offload: 'offload-invoke',
} as const;

/** Task metrics every mapped vertex is read for (names as the policy contract has them). */
export const TASK_METRICS = [
  'busyTimeMsPerSecond',
  'backPressuredTimeMsPerSecond',
  'idleTimeMsPerSecond',
  'numRecordsInPerSecond',
  'numRecordsOutPerSecond',
  'buffers.inPoolUsage',
  'buffers.outPoolUsage',
  // counters: exact per-interval rates for the time series, calibration and the policies' fast signals
  'numRecordsIn',
  'numRecordsOut',
  'accumulateBusyTimeMs',
  'accumulateBackPressuredTimeMs',
  'accumulateIdleTimeMs',
  // serialized bytes sent downstream: the real line size on the wire (calibration's workload.record_bytes)
  'numBytesOut',
] as const;
export const SOURCE_METRICS = ['pendingRecords', 'currentEmitEventTimeLag'] as const;
// firstOffloadEpochMs: wall time of the job's first offloaded record (min over the subtasks that offloaded)
export const ROUTER_METRICS = ['routedOffload', 'routedLocal', 'firstOffloadEpochMs'] as const;
export const OFFLOAD_METRICS = [
  'openBatchRecords',
  'offloadInFlight',
  'offloadInFlightRecords',
  'offloadQueuedBatches',
  'offloadBatches',
  'offloadRecords',
  'offloadInvocations',
  'offloadColdStarts',
  'offloadThrottles',
  'offloadErrors',
  'offloadTimeouts',
  'offloadFallbacks',
  'offloadFallbackRecords',
  'offloadSuccessfulBatches',
  'offloadLastRttMs',
  'offloadBilledMs',
  'offloadInitMs',
] as const;

/** A scenario job vertex (simulator task) and the role that maps it onto the real job. */
export interface MappedVertex {
  /** Simulator task id (the snapshot's vertex id). */
  id: string;
  role: 'source' | 'router' | 'tokenizer' | 'sink' | 'operator';
  parallelism: number;
  /**
   * The REST operator names that play this vertex, by scenario id (a scenario-built job names its operators by id;
   * graph-validate.ts): the first one found wins. Absent: the tokenizer job's operator for the role.
   */
  operators?: string[];
}

/** Price list for the real run's cost estimate (from the scenario's platform model). */
export interface CostModel {
  perRequestUsd: number;
  perGbSUsd: number;
  memoryMb: number;
  /** Handler CPU work per record, µs (the job's offload.work_us_per_record), for the estimate without billed ms. */
  workUsPerRecord: number;
  /** The model bills the INIT phase (cold starts). */
  billInit?: boolean;
}

export interface LiveControllerOptions {
  vertices: MappedVertex[];
  /** The offload point (id, simulator vertex id), or null when the scenario has none. */
  offloadPoint: { id: string; vertex: string } | null;
  /** Epoch ms of t = 0 (the trace start); snapshot tMs = poll time − origin. May be set later (setOrigin). */
  originEpochMs: number;
  /** Length of the time gauges' window reported as snapshot.windowMs (Flink's TimerGauge: 5 s). */
  timerWindowMs?: number;
  /** The job's Async I/O capacity: the highest maxInFlight the job accepts. */
  asyncCapacity?: number;
  cost?: CostModel | null;
  /** Where the offload point's metrics are (default: the tokenizer job's router and offload vertices). */
  offloadOperators?: { routed: string; client: string };
}

/** A decision record, as decisions.csv has them: the control loop's own (src/control/loop.ts). */
export type LiveDecisionRecord = DecisionRecord;

/** Everything one poll produced, kept for the real run's time series and for calibration. */
export interface LiveSample {
  epochMs: number;
  tMs: number;
  snapshot: MetricsSnapshot;
  /** Per scenario vertex: the counters numRecordsIn / numRecordsOut (sum over subtasks), NaN when unread; numBytesOut when read. */
  counters: Record<string, { recordsIn: number; recordsOut: number; bytesOut?: number }>;
  /** Offload counters (sum over subtasks), NaN when unread. */
  offload: { invocations: number; batches: number; coldStarts: number; throttles: number; errors: number; fallbacks: number; offloaded: number; inFlightRecords: number; concurrency: number; costUsd: number; maxConcurrency: number; firstOffloadEpochMs?: number };
  /** Decision share in force after this step. */
  share: number;
}

export interface StepResult {
  snapshot: MetricsSnapshot;
  decision: Decision;
  /** The decision to publish to the job (a new version only when it changed), or null when unchanged. */
  published: FlinkDecision | null;
}

function toAggregate(r: AggregateReading | undefined): Aggregate | undefined {
  if (!r) return undefined;
  const f = (v: number | undefined) => (typeof v === 'number' ? v : NaN);
  return { min: f(r.min), max: f(r.max), avg: f(r.avg), sum: f(r.sum) };
}

/** The REST vertex running `operator`: exact name, or a chain `a -> operator -> b`. */
export function matchVertex(readings: readonly VertexReading[], operator: string): VertexReading | undefined {
  return readings.find((v) => v.name === operator) ?? readings.find((v) => v.name.split(' -> ').includes(operator));
}

/** Which REST operator name plays a scenario role. */
function operatorOf(role: MappedVertex['role']): string {
  return role === 'source' ? JOB_OPERATORS.source : role === 'router' ? JOB_OPERATORS.router : role === 'sink' ? JOB_OPERATORS.sink : JOB_OPERATORS.tokenizer;
}

/** The REST vertex of a mapped vertex: by its operator names (scenario ids) when it has them, else by its role. */
export function readingOf(readings: readonly VertexReading[], mv: MappedVertex): VertexReading | undefined {
  for (const op of mv.operators ?? [operatorOf(mv.role)]) {
    const r = matchVertex(readings, op);
    if (r) return r;
  }
  return undefined;
}

/** The metric names the controller needs from each REST operator's vertex (for the MetricsSource). */
export function wantedMetrics(hasOffload: boolean): { operator: string; names: string[] }[] {
  const w: { operator: string; names: string[] }[] = [
    { operator: JOB_OPERATORS.source, names: [...TASK_METRICS, ...SOURCE_METRICS] },
    { operator: JOB_OPERATORS.tokenizer, names: [...TASK_METRICS] },
    { operator: JOB_OPERATORS.sink, names: [...TASK_METRICS] },
  ];
  // The router is a scenario vertex too (validate's simulated scenario mirrors the job's extra hop).
  w.push({ operator: JOB_OPERATORS.router, names: [...TASK_METRICS, ...(hasOffload ? ROUTER_METRICS : [])] });
  if (hasOffload) {
    w.push({ operator: JOB_OPERATORS.offload, names: [...OFFLOAD_METRICS] });
  }
  return w;
}

/**
 * Real cost: requests admitted × price + GB-s × price. GB-s from the durations the function reported (the job's
 * `offloadBilledMs`, plus `offloadInitMs` when the model bills INIT) when known; otherwise estimated as the records
 * done remotely × work per record.
 */
export function estimateCostUsd(cost: CostModel | null | undefined, admittedInvocations: number, remoteRecords: number, billedMs = NaN, initMs = NaN): number {
  if (!cost) return NaN;
  const seconds = Number.isFinite(billedMs)
    ? (billedMs + (cost.billInit && Number.isFinite(initMs) ? initMs : 0)) / 1000
    : (remoteRecords * cost.workUsPerRecord) / 1e6;
  return admittedInvocations * cost.perRequestUsd + (cost.memoryMb / 1024) * seconds * cost.perGbSUsd;
}

/** A policy's point decision in the job's control format (clamped the way the job clamps it). */
export function toFlinkDecision(d: PointDecision, version: number, asyncCapacity = 64): FlinkDecision {
  const maxInFlight = Math.floor(d.maxInFlight);
  // The job needs maxInFlight >= 1; the simulator's maxInFlight 0 means "nothing goes out": share 0.
  const share = maxInFlight <= 0 ? 0 : Math.min(1, Math.max(0, d.share));
  return {
    version,
    share,
    batchRecords: Math.max(1, Math.round(d.batchRecords)),
    maxWaitMs: Math.max(0, Math.round(d.maxWaitMs)),
    maxInFlight: Math.min(asyncCapacity, Math.max(1, maxInFlight)),
  };
}

function sameDecision(a: FlinkDecision, b: FlinkDecision): boolean {
  return a.share === b.share && a.batchRecords === b.batchRecords && a.maxWaitMs === b.maxWaitMs && a.maxInFlight === b.maxInFlight;
}

/**
 * Feeds the policy one snapshot per reading and keeps the decision to publish. Deterministic given the readings:
 * the same readings give the same snapshots and decisions.
 */
export class LiveController {
  private origin: number;
  private readonly timerWindowMs: number;
  private readonly asyncCapacity: number;
  /** Vertices whose time gauges have shown a real measurement (not Flink's pre-measurement 1000/0/0). */
  private readonly measured = new Set<string>();
  private lastSuccessful = 0;
  private readonly sink: JobDecisionSink;
  private readonly loop: ControlLoop;
  readonly samples: LiveSample[] = [];

  constructor(
    policy: Policy,
    private readonly opts: LiveControllerOptions,
  ) {
    this.origin = opts.originEpochMs;
    this.timerWindowMs = opts.timerWindowMs ?? 5000;
    this.asyncCapacity = opts.asyncCapacity ?? 64;
    this.sink = new JobDecisionSink(this.asyncCapacity);
    this.sink.parallelism = new ParallelismRequests(new Map(opts.vertices.map((v) => [v.id, v.parallelism])));
    this.loop = new ControlLoop(policy, opts.offloadPoint ? [opts.offloadPoint.id] : [], this.sink);
  }

  /** The decisions applied so far (decisions.csv). */
  get decisions(): LiveDecisionRecord[] {
    return this.loop.log;
  }

  /** The policy's parallelism requests the job ignored (it does not rescale): how many, for which vertices. */
  get ignoredParallelism(): IgnoredParallelism {
    return this.sink.parallelism.summary();
  }

  /** Things a policy asked for that the job cannot do (reported once each). */
  get notes(): Set<string> {
    return this.sink.notes;
  }

  /** The policy context matching the simulator's for the same scenario. */
  static context(vertices: MappedVertex[], point: { id: string; vertex: string } | null, controllerIntervalMs: number): PolicyContext {
    return {
      offloadPoints: point ? [point] : [],
      vertices: vertices.map((v) => ({ id: v.id, parallelism: v.parallelism, isSource: v.role === 'source' })),
      controllerIntervalMs,
    };
  }

  setOrigin(epochMs: number): void {
    this.origin = epochMs;
  }

  /** The decision the job should see now. */
  get decision(): FlinkDecision {
    return this.sink.current;
  }

  /** Builds the snapshot for one reading (and remembers per-vertex measurement state). */
  buildSnapshot(reading: LiveReading): { snapshot: MetricsSnapshot; counters: LiveSample['counters']; offload: LiveSample['offload'] } {
    const tMs = reading.epochMs - this.origin;
    const counters: LiveSample['counters'] = {};
    const vertices = this.opts.vertices.map((mv) => this.vertexSnapshot(mv, reading, counters));
    const { offloadSnaps, off } = this.offloadSnapshot(reading);
    const snapshot: MetricsSnapshot = { tMs, receivedMs: tMs, windowMs: this.timerWindowMs, vertices, offload: offloadSnaps };
    return { snapshot, counters, offload: off };
  }

  /** One mapped vertex's metrics from its real vertex (its counters into `counters`). */
  private vertexSnapshot(mv: LiveControllerOptions['vertices'][number], reading: LiveReading, counters: LiveSample['counters']): VertexSnapshot {
    const r = readingOf(reading.vertices, mv);
    const metrics: VertexSnapshot['metrics'] = {};
    const bytesOut = r?.metrics.numBytesOut?.sum;
    counters[mv.id] = {
      recordsIn: r?.metrics.numRecordsIn?.sum ?? NaN,
      recordsOut: r?.metrics.numRecordsOut?.sum ?? NaN,
      ...(bytesOut !== undefined && Number.isFinite(bytesOut) ? { bytesOut } : {}),
    };
    if (!r) return { id: mv.id, parallelism: mv.parallelism, metrics };
    const m = r.metrics;
    const busy = toAggregate(m.busyTimeMsPerSecond);
    const bp = toAggregate(m.backPressuredTimeMsPerSecond);
    const idle = toAggregate(m.idleTimeMsPerSecond);
    // Right after deployment Flink reports busy 1000, idle 0, backpressured 0 on every subtask before the first
    // measurement: not a measurement, so the time gauges stay unknown until the vertex shows anything else.
    if (busy && idle && bp) {
      const placeholder = busy.min === 1000 && idle.max === 0 && bp.max === 0;
      if (!placeholder) this.measured.add(mv.id);
      if (this.measured.has(mv.id)) {
        metrics.busyTimeMsPerSecond = busy;
        metrics.backPressuredTimeMsPerSecond = bp;
        metrics.idleTimeMsPerSecond = idle;
      }
    }
    const copy = (name: 'numRecordsInPerSecond' | 'numRecordsOutPerSecond' | 'buffers.inPoolUsage' | 'buffers.outPoolUsage') => {
      const a = toAggregate(m[name]);
      if (a) metrics[name] = a;
    };
    copy('numRecordsInPerSecond');
    copy('numRecordsOutPerSecond');
    copy('buffers.inPoolUsage');
    copy('buffers.outPoolUsage');
    // Counters into the snapshot too: the policies' fast signals (src/policy/fast-signals.ts) difference them.
    for (const name of ['numRecordsIn', 'numRecordsOut', 'accumulateBusyTimeMs', 'accumulateBackPressuredTimeMs', 'accumulateIdleTimeMs'] as const) {
      const a = toAggregate(m[name]);
      if (a) metrics[name] = a;
    }
    if (mv.role === 'source') {
      const pending = toAggregate(m.pendingRecords);
      if (pending) metrics.pendingRecords = pending;
      // FLIP-33: a source that has not emitted a timestamped record yet reports a negative lag (undefined).
      const lag = toAggregate(m.currentEmitEventTimeLag);
      if (lag && lag.min >= 0) metrics.currentEmitEventTimeLag = lag;
    }
    return { id: mv.id, parallelism: r.parallelism || mv.parallelism, metrics };
  }

  /** The offload point's snapshot and the sample's offload counters (zeros without a point). */
  private offloadSnapshot(reading: LiveReading): { offloadSnaps: OffloadPointSnapshot[]; off: LiveSample['offload'] } {
    const offloadSnaps: OffloadPointSnapshot[] = [];
    let off: LiveSample['offload'] = {
      invocations: 0, batches: 0, coldStarts: 0, throttles: 0, errors: 0, fallbacks: 0, offloaded: 0, inFlightRecords: 0, concurrency: 0, costUsd: 0, maxConcurrency: 0,
    };
    const point = this.opts.offloadPoint;
    if (point) {
      const ops = this.opts.offloadOperators ?? { routed: JOB_OPERATORS.router, client: JOB_OPERATORS.offload };
      const router = matchVertex(reading.vertices, ops.routed);
      const ov = matchVertex(reading.vertices, ops.client);
      const sum = (v: VertexReading | undefined, name: string) => v?.metrics[name]?.sum ?? NaN;
      const inFlightBatches = sum(ov, 'offloadInFlight');
      const successful = sum(ov, 'offloadSuccessfulBatches');
      const recent = successful > this.lastSuccessful ? (ov?.metrics.offloadLastRttMs?.avg ?? NaN) : NaN;
      if (Number.isFinite(successful)) this.lastSuccessful = successful;
      const invocations = sum(ov, 'offloadInvocations');
      const throttles = sum(ov, 'offloadThrottles');
      const remoteRecords = sum(ov, 'offloadRecords') - sum(ov, 'offloadFallbackRecords');
      const costUsd = estimateCostUsd(this.opts.cost, invocations - throttles, remoteRecords, sum(ov, 'offloadBilledMs'), sum(ov, 'offloadInitMs'));
      const ep = reading.endpoint;
      const concurrency = ep ? ep.concurrency : inFlightBatches;
      const snap: OffloadPointSnapshot = {
        id: point.id,
        vertex: point.vertex,
        inFlightRecords: sum(ov, 'openBatchRecords') + sum(ov, 'offloadInFlightRecords'),
        inFlightBatches,
        concurrency,
        warmIdle: ep ? Math.max(0, ep.environments - ep.concurrency) : NaN,
        offloadedRecords: sum(router, 'routedOffload'),
        coldStarts: sum(ov, 'offloadColdStarts'),
        throttles,
        errors: sum(ov, 'offloadErrors'),
        fallbacks: sum(ov, 'offloadFallbacks'),
        costUsd,
        recentRoundTripMs: recent,
      };
      offloadSnaps.push(snap);
      off = {
        invocations,
        batches: sum(ov, 'offloadBatches'),
        coldStarts: snap.coldStarts,
        throttles,
        errors: snap.errors,
        fallbacks: snap.fallbacks,
        offloaded: snap.offloadedRecords,
        inFlightRecords: snap.inFlightRecords,
        concurrency,
        costUsd,
        maxConcurrency: ep ? ep.maxConcurrency : inFlightBatches,
        firstOffloadEpochMs: router?.metrics.firstOffloadEpochMs?.min ?? NaN,
      };
    }
    return { offloadSnaps, off };
  }

  /** One controller interval: snapshot → the control loop (policy, then the job's sink) → the decision to publish. */
  step(reading: LiveReading): StepResult {
    const { snapshot, counters, offload } = this.buildSnapshot(reading);
    this.sink.published = null;
    const decision = this.loop.step(snapshot, snapshot.tMs);
    this.samples.push({ epochMs: reading.epochMs, tMs: snapshot.tMs, snapshot, counters, offload, share: this.sink.current.share });
    return { snapshot, decision, published: this.sink.published };
  }
}

/**
 * The live decision sink: the decision the job polls, in its control format, with a new version only when it
 * changed. What the job cannot do is noted once, not applied.
 */
class JobDecisionSink implements DecisionSink {
  current: FlinkDecision = { version: 0, share: 0, batchRecords: 100, maxWaitMs: 50, maxInFlight: 1 };
  /** The decision to publish after this step, or null when unchanged. */
  published: FlinkDecision | null = null;
  readonly notes = new Set<string>();

  constructor(private readonly asyncCapacity: number) {}

  /** The job's vertices at their (fixed) parallelism: requests for another are counted, not applied. */
  parallelism = new ParallelismRequests(new Map());

  applyParallelism(parallelism: Record<string, number>): void {
    this.parallelism.ignore(parallelism);
  }

  applyPoint(_pointId: string, d: PointDecision): void {
    if (d.maxRateRps !== undefined) this.notes.add('the policy asked for a rate cap (maxRateRps), which the job does not implement: ignored');
    if (d.prewarm) this.notes.add('the policy asked for pre-warming (prewarm), which the job does not implement: ignored');
    if (d.batchBytes !== undefined) this.notes.add('the policy asked for a batch byte limit (batchBytes), which the job does not implement: ignored');
    const next = toFlinkDecision(d, this.current.version + 1, this.asyncCapacity);
    if (!sameDecision(next, this.current)) {
      this.current = next;
      this.published = next;
    }
  }
}
