/**
 * Scenario → flink-validate job config (flink-validate/README.md, "Job config").
 *
 * The real job has one shape: source → router → tokenizer → sink, with the offload path
 * (router → offload-batcher → offload-invoke → sink) beside the tokenizer. A scenario can be validated when it has
 * that shape: one source, one map/flatMap vertex (the tokenizer, optionally with one offload point), one sink of
 * parallelism 1, edges source → tokenizer → sink, a rate trace, and no chaining between them (the real job never
 * chains them: the router sits between source and tokenizer, and the sink has two inputs when offloading).
 * Anything else is a UserError that says why.
 */
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { makeCountSampler, specMean } from '../../engine/distributions.js';
import { buildJobGraph } from '../../dataflow/graph.js';
import { withScenarioPaths } from '../../scenario/paths.js';
import type { OffloadSpec, Scenario, VertexSpec } from '../../scenario/scenario.js';
import { UserError } from '../../util/errors.js';
import { loadTrace } from '../../workload/parse.js';
import { loadPlatformModel } from '../../serverless/model-file.js';
import type { RateTrace } from '../../workload/types.js';
import { scenarioGraph, type GraphConfig } from './job-graph.js';
import type { FlinkDecision, FlinkJobConfig, OperatorLang, WorkMode } from '../flink-job.js';

/** The three scenario vertices the real job has, and the scenario's offload point on the tokenizer (if any). */
export interface TokenizerShape {
  source: VertexSpec;
  tokenizer: VertexSpec;
  sink: VertexSpec;
  offload: OffloadSpec | null;
}

export interface JobConfigOptions {
  /** Replay length, s (default: the scenario's duration_s, else the trace's end). */
  durationS?: number;
  /** Trace file replacing the scenario's. */
  tracePath?: string;
  /** GET URL of the decision server; null = the initial decision holds for the whole run. */
  controlUrl: string | null;
  /** Where the job writes summary.json, timeseries.csv, latency files. */
  outputDir: string;
  /** Local Invoke-API endpoint URL; null = real AWS (SDK default credential and region chains). */
  endpointUrl: string | null;
  functionName?: string;
  region?: string | null;
  /** --profile: the shared-config profile the job's Lambda client takes its credentials from (AWS only). */
  profile?: string;
  /** REST port of the MiniCluster; 0 = a free one. */
  restPort?: number;
  /** Keep the MiniCluster's REST up this long after the job ends (final metric reads). */
  lingerMs?: number;
  /** metrics.fetcher.update-interval of the MiniCluster, ms. */
  metricsFetchIntervalMs?: number;
  /** Safety stop after the trace, s (default min(scenario drain_s, 600)). */
  maxDrainS?: number;
  runId?: string;
  /** cpu: busy-spin the mean service time; wait: park for draws from the scenario's distribution (default cpu). */
  workMode?: WorkMode;
  /** azure: the job calls an HTTP trigger at this URL, the key in the environment variable keyEnv. */
  azure?: { functionUrl: string | null; keyEnv: string };
  /** python: the tokenizer runs as a PyFlink UDTF under pythonExecutable (default java). */
  operatorLang?: OperatorLang;
  pythonExecutable?: string;
}

export interface JobConfigTranslation {
  config: FlinkJobConfig;
  shape: TokenizerShape;
  durationS: number;
  /** Mean service time of the tokenizer, ms (→ tokenizer.work_us_per_record). */
  serviceMeanMs: number;
  /** Mean selectivity of the tokenizer (tokens per line) → words per line. */
  selectivityMean: number;
  /** What the translation could not carry over (printed and written to comparison.json). */
  notes: string[];
}

const INITIAL_DECISION: FlinkDecision = { version: 0, share: 0, batchRecords: 100, maxWaitMs: 50, maxInFlight: 1 };

function unsupported(scenario: Scenario, why: string): UserError {
  return new UserError(
    `${scenario.file}: the real job (flink-validate) only runs the tokenizer shape (source -> map/flatMap -> sink, parallelism-1 sink, one offload point on the middle vertex, a rate trace): ${why}`,
  );
}

/** Checks the scenario has the real job's shape and returns its parts; a UserError saying why otherwise. */
export function tokenizerShape(scenario: Scenario): TokenizerShape {
  const vs = scenario.vertices;
  const sources = vs.filter((v) => v.kind === 'source');
  const sinks = vs.filter((v) => v.kind === 'sink');
  const middles = vs.filter((v) => v.kind === 'map' || v.kind === 'flatMap');
  if (vs.length !== 3 || sources.length !== 1 || sinks.length !== 1 || middles.length !== 1) {
    throw unsupported(scenario, `it has ${vs.length} vertices (${vs.map((v) => `${v.id}:${v.kind}`).join(', ')}); need exactly one source, one map or flatMap and one sink`);
  }
  const [source, tokenizer, sink] = [sources[0], middles[0], sinks[0]];
  const edges = scenario.edges;
  const has = (from: string, to: string) => edges.some((e) => e.from === from && e.to === to);
  if (edges.length !== 2 || !has(source.id, tokenizer.id) || !has(tokenizer.id, sink.id)) {
    throw unsupported(scenario, `edges must be ${source.id} -> ${tokenizer.id} -> ${sink.id}, found ${edges.map((e) => `${e.from} -> ${e.to}`).join(', ')}`);
  }
  if (sink.parallelism !== 1) {
    throw unsupported(scenario, `vertex "${sink.id}" has parallelism ${sink.parallelism}; the job's exactly-once checking sink runs with parallelism 1`);
  }
  const graph = buildJobGraph(scenario);
  if (graph.tasks.length !== 3) {
    throw unsupported(
      scenario,
      `the simulator chains ${graph.tasks.map((t) => `"${t.id}"`).join(', ')}, but the real job never chains them (its router sits after the source and its sink has two inputs); make the edges rebalance or set "chain": false`,
    );
  }
  const points = scenario.offload ?? [];
  if (points.length > 1) throw unsupported(scenario, `it has ${points.length} offload points; the job has one`);
  if (points.length === 1 && points[0].vertex !== tokenizer.id) {
    throw unsupported(scenario, `offload point "${points[0].id}" is on "${points[0].vertex}"; the job offloads the tokenizer ("${tokenizer.id}")`);
  }
  return { source, tokenizer, sink, offload: points[0] ?? null };
}

/** The scenario's rate trace as the job's [[t_s, rate], ...] points, cut to the duration, rate_scale applied. */
export function tracePoints(trace: RateTrace, durationS: number, rateScale = 1): [number, number][] {
  const pts: [number, number][] = [];
  for (let i = 0; i < trace.tS.length; i++) {
    const t = trace.tS[i];
    if (t >= durationS) break;
    const rate = trace.rate[i] * rateScale;
    // merge equal consecutive rates: the job's source sees the same piecewise-constant function
    if (pts.length > 0 && pts[pts.length - 1][1] === rate) continue;
    pts.push([round6(t), round6(rate)]);
  }
  if (pts.length === 0 || pts[0][0] !== 0) pts.unshift([0, 0]);
  return pts;
}

/** Words per line drawn uniformly from [min, max] with mean round(m) (the default vocabulary has one token per word). */
export function wordsForMean(m: number): { words_min: number; words_max: number } {
  const mean = Math.max(0, Math.round(m));
  const min = mean - Math.floor(mean / 2);
  return { words_min: min, words_max: 2 * mean - min };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Python worker start-up (seconds on a loaded host) must end before t = 0 of the trace, or it shows as latency. */
export const PYTHON_START_DELAY_MS = 8000;

/** The tokenizer fields for --operator-lang python (none for java, so Java configs stay as they were). */
function pythonTokenizer(opts: JobConfigOptions, notes: string[]): { lang?: OperatorLang; python_executable?: string } {
  if (opts.operatorLang !== 'python') return {};
  notes.push(`operator language python: the tokenizer is a PyFlink table function in a Python worker process (${opts.pythonExecutable ?? 'python3'}); the trace starts ${PYTHON_START_DELAY_MS / 1000} s after the job so the worker is up (docs/PYFLINK.md)`);
  return { lang: 'python', python_executable: opts.pythonExecutable ?? 'python3' };
}

/** Translates a tokenizer-shaped scenario into the job config. */
export function scenarioToJobConfig(scenario: Scenario, opts: JobConfigOptions): JobConfigTranslation {
  const shape = tokenizerShape(scenario);
  const notes: string[] = [];
  const tracePath = opts.tracePath ?? scenario.workload.trace;
  const durationS = opts.durationS ?? scenario.duration_s;
  const trace = loadTrace(tracePath, { durationS });
  if (trace.kind !== 'rate') {
    throw unsupported(scenario, `${tracePath} is an event trace; the job's source replays rate traces (t_s,rate)`);
  }
  const dur = durationS ?? trace.endS;
  const points = tracePoints(trace, dur, scenario.workload.rate_scale ?? 1);
  if ((scenario.workload.arrivals ?? 'poisson') === 'poisson') {
    notes.push('arrivals: the simulator draws Poisson arrivals within each trace step; the job spaces records deterministically (N(t) = integral of the rate)');
  }

  const serviceMeanMs = specMean(shape.tokenizer.service_ms);
  const workUs = Math.max(0, Math.round(serviceMeanMs * 1000));
  const mode = opts.workMode ?? 'cpu';
  notes.push(
    mode === 'wait'
      ? `work mode wait: the job parks the tokenizer's task thread for each record's service time drawn from the scenario's ${shape.tokenizer.service_ms.type} distribution (seeded), and the function holds each batch on a timer for the sum of its records' draws x work_factor; no CPU is spent on the work, Flink's own per-record cost remains`
      : `work mode cpu: the job busy-spins ${workUs} us per record (the scenario's mean, ${round6(serviceMeanMs)} ms) on top of Flink's own per-record cost; the shape of the distribution is not reproduced`,
  );
  let selectivityMean = 1;
  if (shape.tokenizer.kind === 'flatMap' && shape.tokenizer.selectivity) {
    selectivityMean = makeCountSampler(shape.tokenizer.selectivity, () => 0.5).mean;
  }
  const words = wordsForMean(selectivityMean);
  notes.push(`selectivity: ${words.words_min}..${words.words_max} words per line (uniform, mean ${round6((words.words_min + words.words_max) / 2)}) for the scenario's mean ${round6(selectivityMean)} tokens per line`);

  const off = shape.offload;
  const tokP = shape.tokenizer.parallelism;
  const config: FlinkJobConfig = {
    ...runFields(scenario, opts, dur, points),
    parallelism: { source: shape.source.parallelism, router: shape.source.parallelism, tokenizer: tokP, offload: tokP, sink: 1 },
    tokenizer: { work_us_per_record: workUs, mode, ...(mode === 'wait' ? { service_ms: { ...shape.tokenizer.service_ms } as Record<string, unknown> } : {}), ...pythonTokenizer(opts, notes) },
    text: { words_min: words.words_min, words_max: words.words_max },
    offload: off
      ? {
          ...offloadClientFields(off, opts),
          mode: off.merge ?? 'unordered',
          work_us_per_record: Math.max(0, Math.round(serviceMeanMs * (off.work_factor ?? 1) * 1000)),
          ...(opts.azure ? { platform: 'azure' as const, function_url: opts.azure.functionUrl, function_key_env: opts.azure.keyEnv } : {}),
        }
      : { enabled: false },
  };
  if (opts.runId) config.run_id = opts.runId;
  if (opts.operatorLang === 'python') config.start_delay_ms = PYTHON_START_DELAY_MS;
  if (off) {
    if (off.retry_function_errors === false) notes.push('retry_function_errors: false is not supported by the job (it always retries function errors up to max_attempts)');
    if (off.error_rate || off.timeout_rate) notes.push('the offload point\'s error_rate/timeout_rate are simulator faults; use --fault for the local endpoint');
    notes.push(
      `async capacity ${off.async_capacity ?? JOB_ASYNC_CAPACITY}: batches beyond maxInFlight wait in the job's Async I/O queue and in the simulated lane alike; when it is full the job's router blocks, while the simulator keeps the records local`,
    );
  } else {
    notes.push('no offload point: the job runs with offload.enabled = false (share forced to 0)');
  }
  return { config, shape, durationS: dur, serviceMeanMs, selectivityMean, notes };
}

/**
 * Any scenario the job can build (job-graph.ts): the replay as for the tokenizer shape, the scenario's graph in
 * `graph`, each vertex's work from its service distribution in the work mode, the offload point on a window.
 */
export function scenarioToGraphJobConfig(scenario: Scenario, opts: JobConfigOptions): { config: FlinkJobConfig; durationS: number; graph: GraphConfig } {
  const graph = scenarioGraph(scenario);
  const tracePath = opts.tracePath ?? scenario.workload.trace;
  const trace = loadTrace(tracePath, { durationS: opts.durationS ?? scenario.duration_s });
  if (trace.kind !== 'rate') throw new UserError(`${scenario.file}: workload.trace: ${tracePath} is an event trace; the job's source replays rate traces (t_s,rate)`);
  const dur = opts.durationS ?? scenario.duration_s ?? trace.endS;
  const mode = opts.workMode ?? 'cpu';
  const off = scenario.offload?.[0];
  const config: FlinkJobConfig = {
    ...runFields(scenario, opts, dur, tracePoints(trace, dur, scenario.workload.rate_scale ?? 1)),
    tokenizer: { mode },
    offload: off ? offloadClientFields(off, opts) : { enabled: false },
    graph,
  };
  if (opts.runId) config.run_id = opts.runId;
  return { config, durationS: dur, graph };
}

/** The fields every job config has, whatever its shape: the replay, the drain, REST, output and control. */
function runFields(scenario: Scenario, opts: JobConfigOptions, dur: number, trace: FlinkJobConfig['trace']) {
  return {
    seed: scenario.seed,
    duration_s: dur,
    trace,
    max_drain_s: opts.maxDrainS ?? Math.min(scenario.drain_s, 600),
    buffer_timeout_ms: scenario.network.buffer_timeout_ms,
    rest_port: opts.restPort ?? 0,
    metrics_fetch_interval_ms: opts.metricsFetchIntervalMs ?? 1000,
    output_dir: opts.outputDir,
    job_name: `spillway-validate-${scenario.name}`,
    linger_ms: opts.lingerMs ?? 2000,
    control: { url: opts.controlUrl, poll_ms: 150, http_timeout_ms: 1000 },
    initial_decision: { ...INITIAL_DECISION },
  };
}

/** How the job's client reaches the function: name, endpoint, region, retries, timeout, Async I/O capacity. */
function offloadClientFields(off: OffloadSpec, opts: JobConfigOptions) {
  return {
    enabled: true,
    function_name: opts.functionName ?? 'spillway-offload',
    endpoint_url: opts.endpointUrl,
    region: opts.region ?? (opts.endpointUrl ? 'us-east-1' : null),
    // only for real AWS: the local endpoint takes dummy credentials
    ...(opts.profile && !opts.endpointUrl ? { profile: opts.profile } : {}),
    max_attempts: off.max_attempts ?? 3,
    attempt_timeout_ms: clientAttemptTimeoutMs(functionTimeoutMs(off)),
    async_capacity: off.async_capacity ?? JOB_ASYNC_CAPACITY,
    work_factor: off.work_factor ?? 1,
  };
}

/**
 * The function's own timeout, ms: the offload point's timeout_ms, else its platform model's limits.timeout_s. The
 * simulator ends an execution there (a timeout, counted among errors); the local endpoint is started with it.
 */
export function functionTimeoutMs(off: OffloadSpec): number {
  return off.timeout_ms ?? loadPlatformModel(off.platform).limits.timeout_s * 1000;
}

/**
 * Lambda's INIT phase may take up to 10 s on top of the function timeout; 5 s more for the round trip and the host.
 * The client waits that long, as an AWS SDK client configured for Lambda should (its read timeout above the function
 * timeout): an attempt ends with the function's answer, success or timeout error, never with the client giving up
 * while the function still runs. A client-side cut-off counted errors and retries the endpoint never saw (issue 10).
 */
export const INIT_AND_NETWORK_MARGIN_MS = 15_000;

export function clientAttemptTimeoutMs(functionTimeoutMs: number): number {
  return functionTimeoutMs + INIT_AND_NETWORK_MARGIN_MS;
}

/** flink-validate's Async I/O capacity (batches queued or in flight per subtask) when the scenario sets none. */
export const JOB_ASYNC_CAPACITY = 64;

/**
 * The window of Flink's task time gauges (busy/idle/backPressuredTimeMsPerSecond) in the job's Flink (2.3.0):
 * org.apache.flink.runtime.metrics.TimerGauge.DEFAULT_TIME_SPAN_IN_SECONDS = 60, which TaskIOMetricGroup uses, updated
 * every 5 s (View.UPDATE_INTERVAL_SECONDS). Not 5 s: that is why the real busy time lagged the backlog (issue 10;
 * docs/VALIDATION.md, "Why real busy time lags the backlog"). The simulated copies get it as controller.timer_window_ms.
 */
export const FLINK_TIMER_GAUGE_WINDOW_MS = 60_000;

/** Service time of the mirrored router vertex, ms (the job's router only forwards each line or side-outputs it). */
export const ROUTER_SERVICE_MS = 0.002;

/**
 * The scenario validate simulates: the input scenario (raw JSON, as in its file) with the real job's extra network
 * hop added, so both sides have the same shape. The job's router is its own task between the source and the
 * tokenizer (Flink does not chain a two-input operator to its inputs, and the tokenizer starts a new chain), so its
 * input and output buffers hold lines before the source's backlog grows. The copy gets a `map` vertex (id `router`,
 * or `router-hop` when taken) with ~0 service (ROUTER_SERVICE_MS), the source's parallelism (the job's router
 * parallelism), rebalance edges source → router → tokenizer; the offload point stays on the tokenizer (the simulator
 * routes inside the offloaded task). Relative paths (trace, platform models) are made absolute against `baseDir`,
 * the original scenario's directory, so the copy can be written anywhere. `taskManagers` (1 for the local
 * MiniCluster) becomes network.task_managers unless the scenario sets it: it decides which channels are local.
 */
export function mirrorJobShape(
  raw: Record<string, unknown>,
  shape: TokenizerShape,
  baseDir: string,
  taskManagers?: number,
  timerWindowMs: number = FLINK_TIMER_GAUGE_WINDOW_MS,
): { scenario: Record<string, unknown>; routerId: string } {
  const s = structuredClone(raw) as {
    vertices: Record<string, unknown>[];
    edges: Record<string, unknown>[];
    workload: Record<string, unknown>;
    offload?: Record<string, unknown>[];
    cluster?: Record<string, unknown>;
    description?: string;
  } & Record<string, unknown>;
  const ids = new Set(s.vertices.map((v) => String(v.id)));
  const routerId = !ids.has('router') ? 'router' : !ids.has('router-hop') ? 'router-hop' : `router-hop-${ids.size}`;
  const at = s.vertices.findIndex((v) => v.id === shape.source.id);
  s.vertices.splice(at + 1, 0, {
    id: routerId,
    kind: 'map',
    parallelism: shape.source.parallelism,
    service_ms: { type: 'deterministic', value: ROUTER_SERVICE_MS },
  });
  const ei = s.edges.findIndex((e) => e.from === shape.source.id && e.to === shape.tokenizer.id);
  const edge = s.edges[ei];
  s.edges.splice(ei, 1, { ...edge, from: shape.source.id, to: routerId, partitioning: 'rebalance' }, { ...edge, from: routerId, to: shape.tokenizer.id, partitioning: 'rebalance' });
  const network = (s.network ?? {}) as Record<string, unknown>;
  if (taskManagers !== undefined && network.task_managers === undefined) s.network = { ...network, task_managers: taskManagers };
  Object.assign(s, withScenarioPaths(s, (p) => (isAbsolute(p) ? p : resolvePath(baseDir, p))));
  if (s.offload) s.offload = s.offload.map((o) => ({ ...o, async_capacity: o.async_capacity ?? JOB_ASYNC_CAPACITY }));
  // What the policy reads of busy/idle/backpressured time is Flink's TimerGauge over its window, on both sides.
  s.controller = { ...((s.controller ?? {}) as Record<string, unknown>), timer_window_ms: timerWindowMs };
  s.description = `${s.description ?? ''} [validate: + router hop "${routerId}" mirroring flink-validate's unchained router]`.trim();
  return { scenario: s, routerId };
}
