/**
 * One simulation run: scenario (+ overrides) in, summary, time series and latency distribution out.
 * Deterministic: the same scenario, options and seed give a byte-identical summary.
 */
import { performance } from 'node:perf_hooks';
import { RandomStreams } from '../engine/random.js';
import { Job } from '../dataflow/job.js';
import { KeyModel } from '../dataflow/keys.js';
import type { RunSummary, VertexSummary } from '../metrics/summary.js';
import { round3 } from '../metrics/latency.js';
import { faultFromEnv, injectLedgerFault, type LedgerFault } from '../metrics/ledger.js';
import type { ParamValue, PolicyFactory } from '../policy/contract.js';
import { getPolicyFactory, resolveParams } from '../policy/registry.js';
import { loadTrace } from '../workload/parse.js';
import type { Trace } from '../workload/types.js';
import { attachController, attachOffload, createJobPolicy, type OffloadRuntime } from '../offload/attach.js';
import type { DecisionRecord, ParallelismSink } from '../offload/controller.js';
import { loadClusterModel, type ClusterModel } from '../cluster/model.js';
import { UserError, where } from '../util/errors.js';
import { Rescaler } from './rescaler.js';
import { flappingSummary } from '../metrics/flapping.js';
import type { Scenario } from '../scenario/scenario.js';
import { MAX_MAX_EVENTS } from '../util/limits.js';
import { scenarioLabel } from './scenario-policy.js';

export { loadScenario } from '../scenario/load.js';

export const SPILLWAY_VERSION = '0.1.0';

export interface RunOptions {
  seed?: number;
  /** Replay length, s (overrides the scenario's duration_s). */
  durationS?: number;
  /** Trace file (overrides the scenario's workload.trace). */
  tracePath?: string;
  /** Built-in policy name or an already loaded factory (user modules: see loadPolicyFactory). */
  policy?: string | PolicyFactory;
  params?: Record<string, ParamValue>;
  /** An already parsed trace (sweeps reuse one parse across runs). */
  trace?: Trace;
  /** Test hook: lose or duplicate one record on its way to the ledger (the run must then fail). */
  fault?: LedgerFault;
}

/**
 * The one rule for a scenario's params against a chosen policy (simulate, sweep and validate all use it): the
 * scenario's own parameters belong to the scenario's policy and apply only when that policy runs; any other policy
 * starts from its defaults. Explicit overrides (--param, a sweep's grid) come last.
 */
export function scenarioPolicyParams(scenario: Scenario, factory: PolicyFactory, overrides: Record<string, ParamValue> = {}): Record<string, ParamValue> {
  const own = scenario.policy?.name === factory.name ? (scenario.policy.params ?? {}) : {};
  return resolveParams(factory, { ...own, ...overrides });
}

export interface TimeSeries {
  columns: string[];
  rows: number[][];
}

export interface RunResult {
  summary: RunSummary;
  timeseries: TimeSeries;
  /** [percentile, latency ms] pairs. */
  latencyCdf: [number, number][];
  /** The run's HdrHistogram, compressed base64 (for merging across runs). */
  latencyHistogram: string;
  wallMs: number;
  eventsPerSecond: number;
  /** Window operators' fired results (all zero without windows): for exact comparisons between runs. */
  windows: { fired: number; results: number; records: number; digest: number };
  /** The controller's decisions, in order (empty without offload points). */
  decisions: DecisionRecord[];
}

/** The zero-loss invariant failed: the run's numbers are not to be trusted. */
export class InvariantError extends Error {
  constructor(
    message: string,
    readonly result: RunResult,
  ) {
    super(message);
    this.name = 'InvariantError';
  }
}

export function runScenario(scenario: Scenario, options: RunOptions = {}): RunResult {
  const t0 = performance.now();
  const seed = options.seed ?? scenario.seed;
  const durationS = options.durationS ?? scenario.duration_s;
  const tracePath = options.tracePath ?? scenario.workload.trace;
  const trace = options.trace ?? loadTrace(tracePath, { durationS });
  const endMs = (durationS ?? trace.endS) * 1000;
  const streams = new RandomStreams(seed);
  const keys = new KeyModel(scenario.workload.keys?.count ?? 1000, scenario.workload.keys?.zipf_s ?? 0);
  const job = new Job(scenario, trace, streams, keys, { endMs, deadlineMs: endMs + scenario.drain_s * 1000 });
  const fault = options.fault ?? faultFromEnv(process.env.SPILLWAY_TEST_FAULT);
  if (fault) injectLedgerFault(job.ledger, fault);

  const policyRef = options.policy ?? scenario.policy?.name ?? 'backpressure';
  const factory = typeof policyRef === 'string' ? getPolicyFactory(policyRef) : policyRef;
  const params = scenarioPolicyParams(scenario, factory, options.params);
  // Built in this order so that of several bad inputs the same one is reported: platform models, policy, cluster.
  const offload: OffloadRuntime | null = attachOffload(job, scenario, streams);
  const points = offload?.points ?? [];
  // Without offload points a policy can still rescale (an autoscaler); backpressure needs no controller.
  const policy = offload || factory.name !== 'backpressure' ? createJobPolicy(job, scenario, factory, params, points) : null;
  const rescaler = scenario.cluster
    ? new Rescaler(job, job.calendar, clusterModelFor(scenario.cluster), streams, scenario.cluster.state_mb ?? 0, endMs, {
        mode: scenario.cluster.rescale ?? 'savepoint',
        checkpointIntervalS: scenario.cluster.checkpoint_interval_s ?? 10,
      })
    : null;
  const onParallelism: ParallelismSink = rescaler
    ? (p, now) => rescaler.request(p, now)
    : () => {
        throw new UserError(`policy "${factory.name}" asks for a new parallelism, but scenario "${scenario.name}" has no cluster model (add "cluster": { "model": ... })`);
      };
  const controller = policy ? attachController(job, scenario, policy, points, onParallelism) : null;
  const decisions: DecisionRecord[] = offload && controller ? controller.log : [];

  job.run();
  if (job.overBudget) {
    throw new UserError(
      `${scenarioLabel(scenario)}: max_events: the run used up its budget of ${scenario.max_events} events at ${(job.calendar.now / 1000).toFixed(1)} s ` +
        `of ${endMs / 1000} s simulated; shorten duration_s, lower the trace's rate, or raise max_events (up to ${MAX_MAX_EVENTS})`,
    );
  }
  const wallMs = performance.now() - t0;
  const summary = summarize(job, offload, rescaler, scenario, factory.name, params, seed, endMs);
  summary.flapping = flappingSummary(decisions, job.collector, offload?.points[0], endMs, offload?.points[0]?.firstRoutedMs() ?? null);
  const result: RunResult = {
    summary,
    timeseries: { columns: job.collector.columns, rows: job.collector.rows },
    latencyCdf: job.latency.cdf(),
    latencyHistogram: job.latency.encode(),
    wallMs,
    eventsPerSecond: job.calendar.eventsProcessed / (wallMs / 1000),
    windows: job.windowTotals(),
    decisions,
  };
  job.latency.destroy();
  const r = summary.records;
  if (r.lost !== 0 || r.duplicated !== 0) {
    throw new InvariantError(`zero-loss invariant violated: ${r.lost} lost, ${r.duplicated} duplicated of ${r.arrived} records`, result);
  }
  return result;
}

/** The scenario's cluster model; an in-place rescale needs the model's in_place_restart_s. */
function clusterModelFor(spec: NonNullable<Scenario['cluster']>): ClusterModel {
  const m = loadClusterModel(spec.model);
  if (spec.rescale === 'in-place' && !m.in_place_restart_s) throw new UserError(where(spec.model, 'in_place_restart_s', 'required by the scenario\'s cluster.rescale "in-place"'));
  return m;
}

function summarize(
  job: Job,
  offload: OffloadRuntime | null,
  rescaler: Rescaler | null,
  scenario: Scenario,
  policy: string,
  params: Record<string, ParamValue>,
  seed: number,
  endMs: number,
): RunSummary {
  const now = job.calendar.now;
  const arrived = job.seqCount;
  const missing = job.ledger.missing(arrived);
  let queued = 0;
  for (const subs of job.subtasks) for (const s of subs) if (s.source) queued += s.source.pending;
  const inJob = job.originsInFlight();
  const inFunctions = offload?.originsInFlight() ?? 0;
  const inFlight = inJob + inFunctions;
  const vertices: Record<string, VertexSummary> = {};
  const backpressured: Record<string, number> = {};
  for (const task of job.graph.tasks) {
    const subs = job.subtasksEver(task.index);
    let busy = 0;
    let bp = 0;
    let rin = 0;
    let rout = 0;
    for (const s of subs) {
      s.settleTime(now);
      busy += s.meter.totalBusyMs;
      bp += s.meter.totalBackpressuredMs;
      rin += s.meter.totalIn;
      rout += s.meter.totalOut;
    }
    let idle = 0;
    for (const s of subs) idle += s.meter.totalIdleMs;
    // Busy may run past the end (a service in progress when a deadline stops the run): use the span covered.
    const span = busy + bp + idle;
    const busyRatio = span > 0 ? busy / span : 0;
    const bpRatio = span > 0 ? bp / span : 0;
    vertices[task.id] = {
      parallelism: task.parallelism,
      chain: task.operators.map((o) => o.id),
      records_in: rin,
      records_out: rout,
      busy_ratio: round6(busyRatio),
      idle_ratio: round6(span > 0 ? idle / span : 1),
      backpressured_ratio: round6(bpRatio),
    };
    backpressured[task.id] = round3(bp / 1000);
  }
  const o = offload?.summary();
  const functions = o?.cost ?? { total: 0, requests: 0, duration: 0, provisioned: 0 };
  const clusterCost = rescaler?.bill.cost(Math.max(endMs, now));
  const clusterUsd = round8(clusterCost?.usd ?? 0);
  const totalUsd = round8(functions.total + clusterUsd);
  return {
    spillway_version: SPILLWAY_VERSION,
    scenario: scenario.name,
    policy,
    params,
    seed,
    duration_s: endMs / 1000,
    end_s: round3(now / 1000),
    drained: job.drained,
    records: {
      arrived,
      emitted: job.ledger.emitted + job.ledger.absorbed,
      filtered: job.ledger.filtered,
      in_flight: job.drained ? 0 : inFlight,
      in_flight_at: job.drained
        ? { external_queue: 0, buffers: 0, functions: 0 }
        : { external_queue: queued, buffers: inJob - queued, functions: inFunctions },
      lost: Math.max(0, missing - (job.drained ? 0 : inFlight)),
      duplicated: job.ledger.duplicated,
      results: job.results(),
    },
    latency_ms: job.latency.summary(),
    throughput_rps: round3(arrived / (endMs / 1000)),
    max_pending_records: job.collector.maxPending,
    backpressured_s: backpressured,
    vertices,
    cost_usd: {
      total: totalUsd,
      functions: functions.total,
      cluster: clusterUsd,
      per_hour: round8((totalUsd * 3600 * 1000) / endMs),
      requests: functions.requests,
      duration: functions.duration,
      provisioned: functions.provisioned,
    },
    cluster: {
      model: rescaler ? scenario.cluster!.model.replace(/^.*[\\/]/, '') : null,
      taskmanagers: clusterCost?.taskmanagers ?? 0,
      taskmanager_hours: round6(clusterCost?.taskmanager_hours ?? 0),
      rescales: rescaler?.events.length ?? 0,
      downtime_s: round3(rescaler?.downtimeS() ?? 0),
      events: (rescaler?.events ?? []).map((e) => ({ ...e, request_s: round3(e.request_s), barrier_s: round3(e.barrier_s), stopped_s: round3(e.stopped_s), resumed_s: round3(e.resumed_s) })),
    },
    offload: o?.offload ?? { records: 0, batches: 0, fallbacks: 0, share: 0 },
    lambda: o?.lambda ?? { invocations: 0, cold_starts: 0, throttles: 0, errors: 0, timeouts: 0, max_concurrency: 0 },
    order_violations: o?.orderViolations ?? 0,
    events_processed: job.calendar.eventsProcessed,
  };
}

function round8(x: number): number {
  return Math.round(x * 1e8) / 1e8;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
