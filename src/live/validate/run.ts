/**
 * `spillway validate`: one scenario, one policy, run for real (flink-validate on a MiniCluster or a remote cluster,
 * offloading to the local Invoke-API endpoint or to AWS Lambda) and in the simulator, then compared.
 *
 *   scenario ─► job config ─► Flink job ◄── GET decision ── decision server ◄── LiveController(policy) ◄── REST polls
 *          └──────────────► simulator (same policy, params, duration) ──► DIR/simulated/
 *   job outputs + polls ──► DIR/real/ ──► comparison.json, table, report.html (DIR/compare.json)
 *
 * docs/VALIDATION.md describes the whole procedure.
 */
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { specMean, type ShiftedSpec } from '../../engine/distributions.js';
import { InvariantError, loadScenario, runScenario, scenarioPolicyParams, type RunResult } from '../../experiment/runner.js';
import type { Scenario } from '../../scenario/scenario.js';
import { writeRunFiles } from '../../experiment/run-output.js';
import type { RunSummary } from '../../metrics/summary.js';
import type { ParamValue, PolicyFactory } from '../../policy/contract.js';
import { createPolicy, loadPolicyFactory } from '../../policy/registry.js';
import { writeCompareReport } from '../../report/index.js';
import { loadPlatformModel } from '../../serverless/model-file.js';
import { UserError } from '../../util/errors.js';
import { readRunSummary, startLocalJob, submitRemoteJob, waitForJobEnd, type FlinkRunSummary, type LocalJobHandle, type WorkMode } from '../flink-job.js';
import { FlinkRestClient, TERMINAL_JOB_STATES } from '../flink-rest.js';
import { startInvokeServer, type InvokeServer } from '../../endpoint/index.js';
import { repoRoot } from '../../functions/paths.js';
import { compareSummaries, formatComparisonTable, lastResultS, meanAbsError, type ComparisonRow } from './compare.js';
import { LiveController, wantedMetrics, type CostModel, type EndpointReading, type MappedVertex } from './controller.js';
import { convertRealRun, flinkMetricsCsv, offloadBatchesToProbe, serviceTimesForScenario, writeRealRunFiles } from './convert.js';
import { startDecisionServer } from './decision-server.js';
import { DEFAULT_TOLERANCES, formatVerdictTable, headline, judge, overall, verdictSentence, type Judgement, type Tolerance, type Verdict } from './tolerances.js';
import { verdictSection } from './report-sections.js';
import { compareSignals, signalDefs, signalsChart } from './signals.js';
import { functionTimeoutMs, mirrorJobShape, scenarioToJobConfig } from './job-config.js';
import { RestMetricsSource } from './rest-source.js';

export interface FaultOptions {
  errorRate?: number;
  throttleRate?: number;
  addedLatencyMs?: number;
  crashAfter?: number | null;
}

export interface ValidateOptions {
  scenario: string;
  /** Built-in policy name or a .js/.mjs module path (default: the scenario's policy). */
  policy?: string;
  params?: Record<string, ParamValue>;
  target?: 'local' | 'aws';
  /** 'local' (MiniCluster child process) or the REST URL of a remote cluster. */
  flink?: string;
  durationS?: number;
  tracePath?: string;
  /** Multiplies the scenario's trace rates (workload.rate_scale), for the real job and the simulator alike. */
  rateScale?: number;
  out?: string;
  faults?: FaultOptions;
  calibrate?: boolean;
  functionName?: string;
  region?: string;
  /** JVM options for the MiniCluster (default -Xmx1g). */
  jvmArgs?: string[];
  /**
   * Pin the MiniCluster to CPU 0 and the local endpoint's environments to CPU 1 (taskset), as models/local-endpoint.json
   * assumes. Default: when both run here, on Linux with taskset and at least 2 CPUs, unless SPILLWAY_VALIDATE_PIN=0.
   */
  pinCpus?: boolean;
  /** Platform model the simulator uses for `--target local` (default models/local-endpoint.json, -wait.json in wait mode). */
  localModel?: string;
  /** Seconds the job may drain after the trace before it is stopped (default min(scenario drain_s, 600)). */
  drainS?: number;
  /** Replaces the scenario's seed on both sides (the job's text and service draws, the simulator's streams). */
  seed?: number;
  /** How the job and the function spend service time (default: wait for a local MiniCluster + local endpoint, else cpu). */
  workMode?: WorkMode;
  /** Tolerances the comparison is judged by (default DEFAULT_TOLERANCES, the issue's goals). */
  tolerances?: readonly Tolerance[];
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

export interface CalibrationOutcome {
  status: 'done' | 'unavailable' | 'failed';
  message: string;
  files?: { model: string; scenario: string | null; report: string | null };
  service_mean_ms?: { before: number | null; after: number | null };
  changes?: { field: string; before: unknown; after: unknown }[];
  warnings?: string[];
}

export interface ValidateResult {
  dir: string;
  real: RunSummary;
  simulated: RunSummary;
  /** --target local: the simulator on the scenario's own (published-figures) platform model; else null. */
  published: RunSummary | null;
  calibrated: RunSummary | null;
  rows: ComparisonRow[];
  table: string;
  /** Real run: lost = duplicated = 0 and the job's own check passed. */
  zeroLoss: boolean;
  /** Simulated run kept the zero-loss invariant. */
  simulatedOk: boolean;
  notes: string[];
  calibration: CalibrationOutcome | null;
  workMode: WorkMode;
  /** PASS/FAIL per judged metric (floored errors against the tolerances), the overall verdict and its sentence. */
  judgements: Judgement[];
  verdict: Verdict;
  verdictSentence: string;
  /** Mean |error| / tolerance over the judged metrics. */
  headline: number | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Parses `--fault` values: comma-separated key=value with keys error_rate, throttle_rate, added_latency_ms, crash_after. */
export function parseFaultArgs(args: readonly string[]): FaultOptions {
  const f: FaultOptions = {};
  for (const arg of args) {
    for (const part of arg.split(',').map((s) => s.trim()).filter(Boolean)) {
      const eq = part.indexOf('=');
      if (eq <= 0) throw new UserError(`--fault: expected key=value, got "${part}"`);
      const k = part.slice(0, eq).trim();
      const v = Number(part.slice(eq + 1).trim());
      if (!Number.isFinite(v)) throw new UserError(`--fault: ${k}: "${part.slice(eq + 1)}" is not a number`);
      const rateOk = v >= 0 && v <= 1;
      switch (k) {
        case 'error_rate':
          if (!rateOk) throw new UserError(`--fault: error_rate must be in [0, 1], got ${v}`);
          f.errorRate = v;
          break;
        case 'throttle_rate':
          if (!rateOk) throw new UserError(`--fault: throttle_rate must be in [0, 1], got ${v}`);
          f.throttleRate = v;
          break;
        case 'added_latency_ms':
          if (!(v >= 0)) throw new UserError(`--fault: added_latency_ms must be >= 0, got ${v}`);
          f.addedLatencyMs = v;
          break;
        case 'crash_after':
          if (!(Number.isInteger(v) && v >= 0)) throw new UserError(`--fault: crash_after must be an integer >= 0, got ${v}`);
          f.crashAfter = v;
          break;
        default:
          throw new UserError(`--fault: unknown key "${k}" (known: error_rate, throttle_rate, added_latency_ms, crash_after)`);
      }
    }
  }
  return f;
}

/** The simulated scenario's job vertices (simulator task ids) with the role each plays in the real job. */
function mappedVertices(shape: ReturnType<typeof scenarioToJobConfig>['shape'], routerId: string): MappedVertex[] {
  // tokenizerShape() guarantees three unchained tasks and the mirrored router hop is unchained (rebalance), so the
  // task ids are the vertex ids, in the mirrored scenario's order.
  return [
    { id: shape.source.id, role: 'source', parallelism: shape.source.parallelism },
    { id: routerId, role: 'router', parallelism: shape.source.parallelism },
    { id: shape.tokenizer.id, role: 'tokenizer', parallelism: shape.tokenizer.parallelism },
    { id: shape.sink.id, role: 'sink', parallelism: shape.sink.parallelism },
  ];
}

/**
 * `dir/<name>.csv`, or, when the job could not join its subtasks' parts (a remote cluster's detached main() on a
 * shared output directory), the parts `dir/<name>-<i>.csv` joined here (one header); null when there is neither.
 */
function readJoined(dir: string, name: string): string | null {
  const whole = join(dir, `${name}.csv`);
  if (existsSync(whole)) return readFileSync(whole, 'utf8');
  if (!existsSync(dir)) return null;
  const parts = readdirSync(dir)
    .map((f) => ({ f, m: new RegExp(`^${name}-(\\d+)\\.csv$`).exec(f) }))
    .filter((x) => x.m)
    .sort((a, b) => Number(a.m![1]) - Number(b.m![1]));
  if (parts.length === 0) return null;
  const lines: string[] = [];
  for (const { f } of parts) {
    const ls = readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.trim() !== '');
    if (ls.length === 0) continue;
    if (lines.length === 0) lines.push(ls[0]);
    lines.push(...ls.slice(1));
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : null;
}

/**
 * The model of the local endpoint on this host, simulated for `--target local` (docs/VALIDATION.md): in cpu mode the
 * environments share one vCPU; in wait mode they hold batches on timers and do not slow each other down.
 */
export function localEndpointModelPath(mode: WorkMode = 'cpu'): string {
  return join(repoRoot(), 'models', mode === 'wait' ? 'local-endpoint-wait.json' : 'local-endpoint.json');
}

/**
 * wait for a local MiniCluster with the local endpoint: on a shared host, spinning measures the host's CPU contention
 * more than the job (docs/VALIDATION.md, "Work modes"); cpu for AWS or a remote cluster, where the work has its own CPUs.
 */
export function defaultWorkMode(target: 'local' | 'aws', flink: string): WorkMode {
  return target === 'local' && flink === 'local' ? 'wait' : 'cpu';
}

/** taskset on PATH (util-linux), Linux, at least 2 CPUs: the MiniCluster on CPU 0, the function processes on CPU 1. */
export function cpuPinning(env: NodeJS.ProcessEnv = process.env): { flink: string; functions: string } | null {
  if (process.platform !== 'linux' || env.SPILLWAY_VALIDATE_PIN === '0' || availableParallelism() < 2) return null;
  const found = (env.PATH ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, 'taskset')));
  return found ? { flink: '0', functions: '1' } : null;
}

/** The scenario validate simulates (the input one plus the router hop, job-config.ts mirrorJobShape), in DIR. */
const SIMULATED_SCENARIO = 'simulated-scenario.json';
/** The same with the scenario's own platform model (published figures) where --target local replaced it. */
const PUBLISHED_SCENARIO = 'published-scenario.json';

/**
 * A remote cluster's TaskManager count decides which of the job's channels are local: put it into the simulated
 * copies (the scenario did not set network.task_managers). Without it (REST refused) every channel stays remote.
 */
async function adoptTaskManagerCount(client: FlinkRestClient, files: (string | null)[], notes: string[]): Promise<void> {
  let n: number;
  try {
    n = await client.taskManagerCount();
  } catch (err) {
    notes.push(`network.task_managers: the cluster's TaskManagers could not be read (${(err as Error).message}); the simulator takes every channel as remote`);
    return;
  }
  if (n < 1) return;
  for (const f of files) {
    if (!f) continue;
    const s = JSON.parse(readFileSync(f, 'utf8')) as { network?: Record<string, unknown> };
    s.network = { ...(s.network ?? {}), task_managers: n };
    writeFileSync(f, JSON.stringify(s, null, 2) + '\n');
  }
  notes.push(`network.task_managers = ${n}: the cluster's TaskManagers (GET /taskmanagers), for the simulated copy's local channels`);
}

function cleanOut(dir: string): void {
  for (const p of ['real', 'simulated', 'published', 'calibrated', 'calibration', 'charts', 'compare.json', 'comparison.json', 'report.html', SIMULATED_SCENARIO, PUBLISHED_SCENARIO]) {
    rmSync(join(dir, p), { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
}

/** What validate changes in every copy of the scenario it loads: the options that apply to both sides. */
interface Adjust {
  rateScale?: number;
  faults?: FaultOptions;
  seed?: number;
  drainS?: number;
}

function loadScaled(path: string, a: Adjust): Scenario {
  const scenario = loadScenario(path);
  if (a.seed !== undefined) scenario.seed = a.seed;
  if (a.drainS !== undefined) scenario.drain_s = a.drainS;
  if (a.rateScale !== undefined) scenario.workload = { ...scenario.workload, rate_scale: (scenario.workload.rate_scale ?? 1) * a.rateScale };
  // The endpoint's injected function errors have a simulator counterpart (the offload point's error_rate).
  const errorRate = a.faults?.errorRate;
  if (errorRate !== undefined && scenario.offload) scenario.offload = scenario.offload.map((o) => ({ ...o, error_rate: errorRate }));
  return scenario;
}

function simulate(
  scenarioPath: string,
  a: Adjust,
  factory: PolicyFactory,
  params: Record<string, ParamValue>,
  durationS: number,
  tracePath?: string,
): { result: RunResult; ok: boolean; error?: string } {
  const scenario = loadScaled(scenarioPath, a);
  try {
    return { result: runScenario(scenario, { policy: factory, params, durationS, tracePath }), ok: true };
  } catch (err) {
    if (err instanceof InvariantError) return { result: err.result, ok: false, error: err.message };
    throw err;
  }
}

export async function runValidation(o: ValidateOptions): Promise<ValidateResult> {
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const target = o.target ?? 'local';
  const flink = o.flink ?? 'local';
  const remote = flink !== 'local';
  if (remote && !/^https?:\/\//.test(flink)) throw new UserError(`--flink: expected "local" or a REST URL (http://host:8081), got "${flink}"`);
  if (target === 'aws' && o.faults && Object.keys(o.faults).length > 0) {
    throw new UserError('--fault injects faults into the local Invoke-API endpoint; it cannot be used with --target aws');
  }
  if (o.durationS !== undefined && !(o.durationS > 0)) throw new UserError(`--duration: expected a positive number of seconds, got ${o.durationS}`);
  if (o.drainS !== undefined && !(Number.isFinite(o.drainS) && o.drainS > 0 && o.drainS <= 3600)) throw new UserError(`--drain: expected seconds in (0, 3600], got ${o.drainS}`);
  if (o.workMode !== undefined && o.workMode !== 'cpu' && o.workMode !== 'wait') throw new UserError(`--work-mode: expected cpu or wait, got "${String(o.workMode)}"`);
  const workMode = o.workMode ?? defaultWorkMode(target, flink);

  const scenarioPath = resolve(o.scenario);
  if (o.rateScale !== undefined && !(o.rateScale > 0 && Number.isFinite(o.rateScale))) throw new UserError(`--rate-scale: expected a positive number, got ${o.rateScale}`);
  if (o.seed !== undefined && !Number.isSafeInteger(o.seed)) throw new UserError(`--seed: expected an integer, got ${o.seed}`);
  const adjust: Adjust = { rateScale: o.rateScale, faults: o.faults, seed: o.seed, drainS: o.drainS };
  const scenario = loadScaled(scenarioPath, { ...adjust, faults: undefined });
  const tracePath = o.tracePath ? resolve(o.tracePath) : undefined;
  const factory = await loadPolicyFactory(o.policy ?? scenario.policy?.name ?? 'backpressure');
  const params = scenarioPolicyParams(scenario, factory, o.params);
  const dir = resolve(o.out ?? `out/validate/${scenario.name}-${factory.name}`);
  const realDir = join(dir, 'real');
  const jobOut = join(realDir, 'flink');

  // 1. Translate (fails early, before anything starts, for a scenario of another shape).
  const probe = scenarioToJobConfig(scenario, { durationS: o.durationS, tracePath, controlUrl: null, outputDir: jobOut, endpointUrl: null, workMode });
  // The MiniCluster is one TaskManager: every channel of the real job is local.
  const mirrored = mirrorJobShape(JSON.parse(readFileSync(scenarioPath, 'utf8')) as Record<string, unknown>, probe.shape, dirname(scenarioPath), remote ? undefined : 1);
  // --target local: the simulated function is the local endpoint on this host (one shared vCPU, process starts,
  // loopback), not the scenario's cloud model; prices are the same Lambda prices.
  const simModel = probe.shape.offload && target === 'local' ? resolve(o.localModel ?? localEndpointModelPath(workMode)) : null;
  // The uncalibrated default: the same scenario on its own platform model, kept to show what calibration gains.
  const publishedScenario = simModel ? structuredClone(mirrored.scenario) : null;
  if (simModel) {
    loadPlatformModel(simModel);
    const offs = (mirrored.scenario as { offload?: { platform: string }[] }).offload ?? [];
    for (const off of offs) off.platform = simModel;
  }
  const vertices = mappedVertices(probe.shape, mirrored.routerId);
  const point = probe.shape.offload ? { id: probe.shape.offload.id, vertex: probe.shape.tokenizer.id } : null;
  const context = LiveController.context(vertices, point, scenario.controller.interval_ms);
  const policy = createPolicy(factory, params, context);
  let cost: CostModel | null = null;
  let memoryMb = 1024;
  if (probe.shape.offload) {
    const model = loadPlatformModel(probe.shape.offload.platform);
    memoryMb = probe.shape.offload.memory_mb ?? model.memory.default_mb;
    cost = {
      perRequestUsd: model.billing.per_request_usd,
      perGbSUsd: model.billing.per_gb_s_usd,
      memoryMb,
      workUsPerRecord: probe.config.offload?.work_us_per_record ?? 0,
      billInit: model.billing.bill_init,
    };
  }
  cleanOut(dir);
  mkdirSync(jobOut, { recursive: true });
  const simScenarioPath = join(dir, SIMULATED_SCENARIO);
  writeFileSync(simScenarioPath, JSON.stringify(mirrored.scenario, null, 2) + '\n');
  loadScenario(simScenarioPath); // the mirrored copy must be a valid scenario
  const publishedScenarioPath = publishedScenario ? join(dir, PUBLISHED_SCENARIO) : null;
  if (publishedScenarioPath) writeFileSync(publishedScenarioPath, JSON.stringify(publishedScenario, null, 2) + '\n');

  let endpoint: InvokeServer | null = null;
  let crashed = false;
  const decisions = await startDecisionServer({ version: 0, share: 0, batchRecords: 100, maxWaitMs: 50, maxInFlight: 1 });
  let local: LocalJobHandle | null = null;
  let remoteJob: { client: FlinkRestClient; jobId: string } | null = null;
  const jobLog = createWriteStream(join(realDir, 'job.log'));
  // Ctrl-C or SIGTERM: stop the job, the endpoint's environments and the servers before exiting.
  const onSignal = (sig: NodeJS.Signals) => {
    log(`validate: ${sig}: stopping the job and the local endpoint`);
    void (async () => {
      if (local) await local.stop(5000).catch(() => undefined);
      if (remoteJob) await remoteJob.client.cancelJob(remoteJob.jobId).catch(() => undefined);
      if (endpoint) await endpoint.stop().catch(() => undefined);
      await decisions.close().catch(() => undefined);
      process.exit(130);
    })();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const notes = [...probe.notes];
  if (simModel) notes.push(`simulated with the platform model ${simModel} (the local endpoint on this host) instead of the scenario's ${probe.shape.offload!.platform}`);
  const pin = o.pinCpus === false || remote || target !== 'local' ? null : cpuPinning();
  if (pin) notes.push(`CPU pinning: the MiniCluster on CPU ${pin.flink}, the endpoint's function processes on CPU ${pin.functions} (taskset)`);
  const f0 = o.faults ?? {};
  if (f0.errorRate) notes.push(`faults: error_rate ${f0.errorRate} is simulated too (the offload point's error_rate)`);
  if (f0.throttleRate) notes.push('faults: throttle_rate has no simulator counterpart (the simulator throttles only at its concurrency and scaling limits)');
  if (f0.addedLatencyMs) notes.push('faults: added_latency_ms has no simulator counterpart');
  if (f0.crashAfter != null) notes.push('faults: crash_after has no simulator counterpart (the simulated function stays up)');
  try {
    // 2. The function: local endpoint (with faults) or AWS.
    if (probe.shape.offload && target === 'local') {
      const f = o.faults ?? {};
      endpoint = await startInvokeServer({
        port: 0,
        functionName: o.functionName ?? 'spillway-offload',
        memoryMb,
        keepWarmS: 600,
        // the function's timeout as the simulator has it (functionTimeoutMs); the job's client waits longer
        timeoutS: Math.ceil(functionTimeoutMs(probe.shape.offload) / 1000),
        errorRate: f.errorRate,
        throttleRate: f.throttleRate,
        addedLatencyMs: f.addedLatencyMs,
        crashAfter: f.crashAfter ?? null,
        seed: `validate-${scenario.seed}`,
        cpus: pin?.functions,
        log: (l) => jobLog.write(`[endpoint] ${l}\n`),
      });
      void endpoint.crashed.then(() => {
        crashed = true;
        log('validate: the local Lambda endpoint crashed on purpose (crash_after); the job must fall back locally');
      });
      log(`validate: local Lambda endpoint ${endpoint.url} (function ${endpoint.functionName})${f.errorRate || f.throttleRate || f.crashAfter != null ? ` faults ${JSON.stringify(f)}` : ''}`);
    } else if (probe.shape.offload) {
      log(`validate: offloading to AWS Lambda function ${o.functionName ?? 'spillway-offload'} (region and credentials from the SDK's default chains)`);
    }

    // 3. + 4. The decision server and the job.
    const tr = scenarioToJobConfig(scenario, {
      durationS: o.durationS,
      tracePath,
      controlUrl: decisions.url,
      outputDir: jobOut,
      endpointUrl: endpoint ? endpoint.url : null,
      functionName: o.functionName,
      region: o.region ?? null,
      restPort: 0,
      workMode,
      maxDrainS: o.drainS,
    });
    const config = tr.config;
    let client: FlinkRestClient;
    let jobId: string;
    if (remote) {
      log(`validate: submitting to ${flink} (cluster jar)`);
      const h = await submitRemoteJob(flink, config);
      remoteJob = { client: h.client, jobId: h.jobId };
      client = h.client;
      jobId = h.jobId;
      if (scenario.network.task_managers === undefined) await adoptTaskManagerCount(client, [simScenarioPath, publishedScenarioPath], notes);
    } else {
      log('validate: starting the job in a local MiniCluster (builds flink-validate if its jar is missing)');
      local = await startLocalJob(config, {
        jvmArgs: o.jvmArgs ?? ['-Xmx1g'],
        cpus: pin?.flink,
        onLine: (line, stream) => jobLog.write(`[${stream}] ${line}\n`),
      });
      client = local.client;
      jobId = local.jobId;
    }
    const runningAt = Date.now();
    log(`validate: job ${jobId} RUNNING (REST ${client.baseUrl}); policy ${factory.name}, controller every ${scenario.controller.interval_ms} ms`);

    // 5. The live controller loop.
    const controller = new LiveController(policy, {
      vertices,
      offloadPoint: point,
      originEpochMs: runningAt + (config.start_delay_ms ?? 1000),
      asyncCapacity: config.offload?.async_capacity ?? 64,
      cost,
    });
    const ep = endpoint;
    const source = new RestMetricsSource({
      client,
      jobId,
      wanted: wantedMetrics(point !== null),
      endpoint: ep ? (): EndpointReading => {
        const s = ep.stats();
        return { concurrency: s.concurrency, maxConcurrency: s.maxConcurrency, environments: s.environments };
      } : undefined,
    });
    let ended = false;
    const ending = local
      ? local.wait().then((r) => {
          ended = true;
          return r;
        })
      : waitForJobEnd(client, jobId).then((state) => {
          ended = true;
          return state;
        });
    ending.catch(() => {
      ended = true;
    });
    const interval = scenario.controller.interval_ms;
    // Safety net: the job ends by itself once the trace is replayed and drained (its control source stops at
    // max_drain_s after the trace); a job still running well after that is stuck and is stopped.
    const deadline = runningAt + (config.start_delay_ms ?? 1000) + (tr.durationS + (config.max_drain_s ?? 300) + 60) * 1000;
    let lastLog = 0;
    while (!ended) {
      if (Date.now() > deadline) {
        const rest = `${tr.durationS} s trace + ${config.max_drain_s ?? 300} s max drain + 60 s`;
        if (local) await local.stop(10_000).catch(() => undefined);
        else await client.cancelJob(jobId).catch(() => undefined);
        local = null;
        remoteJob = null;
        throw new Error(`the job ${jobId} was still running after ${rest}; stopped it (see ${join(realDir, 'job.log')})`);
      }
      const started = Date.now();
      try {
        const reading = await source.read();
        if (ended) break;
        const step = controller.step(reading);
        if (step.published) decisions.publish(step.published);
        if (started - lastLog >= 10_000) {
          lastLog = started;
          const src = step.snapshot.vertices.find((v) => v.id === vertices[0].id);
          const off = step.snapshot.offload[0];
          log(
            `validate: t=${(step.snapshot.tMs / 1000).toFixed(0)} s pending=${src?.metrics.pendingRecords?.sum ?? '?'} share=${controller.decision.share.toFixed(3)}${off ? ` offloaded=${off.offloadedRecords} cold=${off.coldStarts}` : ''}`,
          );
        }
      } catch (err) {
        if (err instanceof UserError) throw err; // a user policy's malformed decision
        jobLog.write(`[controller] poll failed: ${(err as Error).message}\n`);
      }
      const wait = interval - (Date.now() - started);
      if (wait > 0) await Promise.race([sleep(wait), ending.catch(() => undefined)]);
    }
    for (const n of controller.notes) notes.push(n);

    // 6. The job's outputs.
    let jobSummary: FlinkRunSummary | undefined;
    let jobState = '';
    if (local) {
      const r = await local.wait();
      jobSummary = r.summary;
      jobState = r.result?.job_status ?? `exit ${r.exitCode ?? r.signal}`;
      local = null;
    } else {
      jobState = String(await ending);
      remoteJob = null;
      jobSummary = await readRunSummary(jobOut);
    }
    if (!jobSummary) {
      throw new Error(
        `the job ended (${jobState}) without writing ${join(jobOut, 'summary.json')}${remote ? ' (on a remote cluster the sink writes output_dir on its TaskManager: validate needs that path shared with this machine)' : ''}; see ${join(realDir, 'job.log')}`,
      );
    }
    // Decisions were timed from an estimate of t0 (RUNNING + start delay); the job reports the real one.
    const originEst = runningAt + (config.start_delay_ms ?? 1000);
    const shift = typeof jobSummary.t0_epoch_ms === 'number' ? jobSummary.t0_epoch_ms - originEst : 0;
    const decisionsTimed = controller.decisions.map((d) => ({ ...d, tMs: d.tMs - shift }));
    const endpointStats = endpoint?.stats() ?? null;
    if (endpointStats) writeFileSync(join(realDir, 'endpoint-stats.json'), JSON.stringify({ ...endpointStats, crashed }, null, 2) + '\n');
    const readText = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : null);
    const real = convertRealRun({
      scenario: scenario.name,
      policy: factory.name,
      params,
      seed: scenario.seed,
      durationS: tr.durationS,
      job: jobSummary,
      jobTimeseries: readText(join(jobOut, 'timeseries.csv')) ?? '',
      percentiles: readText(join(jobOut, 'latency_percentiles.txt')),
      vertices,
      samples: controller.samples,
      decisions: decisionsTimed,
      cost,
      endpointMaxConcurrency: endpointStats ? endpointStats.maxConcurrency : null,
    });
    if (real.timeseries.rows.length === 0) throw new Error(`${join(jobOut, 'timeseries.csv')}: no rows; see ${join(realDir, 'job.log')}`);
    writeRealRunFiles(realDir, real);
    const t0 = jobSummary.t0_epoch_ms ?? controller.samples[0]?.epochMs ?? 0;
    writeFileSync(join(realDir, 'flink-metrics.csv'), flinkMetricsCsv(controller.samples, vertices, t0));
    writeFileSync(join(realDir, 'polls.jsonl'), controller.samples.map((s) => JSON.stringify({ epoch_ms: s.epochMs, t_ms: s.epochMs - t0, snapshot: s.snapshot })).join('\n') + '\n');
    log(`validate: job ${jobState}: ${jobSummary.records_emitted}/${jobSummary.records_generated} records, lost ${jobSummary.lost}, duplicated ${jobSummary.duplicated}, offloaded ${jobSummary.offloaded} (+${jobSummary.fallbacks} fell back), ${jobSummary.invocations} invocations`);

    // Per-record timings of the tokenizer and the offload path's batches, measured by the job itself.
    let serviceFile: string | null = null;
    const st = readJoined(jobOut, 'service_times');
    const times = st ? serviceTimesForScenario(st, probe.shape.tokenizer.id) : null;
    if (times) {
      serviceFile = join(realDir, 'service_times.csv');
      writeFileSync(serviceFile, times.csv);
    }
    let runBatchesFile: string | null = null;
    let runWarm = 0;
    let runCold = 0;
    const ob = readJoined(jobOut, 'offload_batches');
    if (ob) {
      writeFileSync(join(realDir, 'offload_batches.csv'), ob);
      const rb = offloadBatchesToProbe(ob, { functionName: o.functionName ?? 'spillway-offload', memoryMb });
      if (rb) {
        runBatchesFile = join(realDir, 'offload_batches.jsonl');
        writeFileSync(runBatchesFile, rb.jsonl);
        // the batch model needs two batch sizes; otherwise the probe's warm samples fit it
        runWarm = rb.warmSizes >= 2 ? rb.warm : 0;
        runCold = rb.cold;
      }
    }

    // Lambda latencies for calibration: probe the local endpoint while it is up for what the run's own batches lack
    // (20 cold / 20 warm invocations per batch size 1, 100 when the run had fewer than 20).
    let probeFile: string | null = null;
    const probeCold = runCold >= 20 ? 0 : 20;
    const probeWarm = runWarm >= 20 ? 0 : 20;
    if (o.calibrate && endpoint && !crashed && probe.shape.offload && probeCold + probeWarm > 0) {
      try {
        const { probeLambda } = await import('../../functions/probe.js');
        probeFile = join(realDir, 'probe.jsonl');
        log(`validate: probing the local endpoint for calibration (${probeCold} cold + ${probeWarm} warm invocations per batch size 1, 100)`);
        await probeLambda({
          functionName: endpoint.functionName ?? 'spillway-offload',
          endpoint: endpoint.url,
          region: 'us-east-1',
          cold: probeCold,
          warm: probeWarm,
          batchRecords: [1, 100],
          workUsPerRecord: cost?.workUsPerRecord ?? 0,
          out: probeFile,
          log: (l) => jobLog.write(`[probe] ${l}\n`),
        });
      } catch (err) {
        notes.push(`calibration probe of the local endpoint failed: ${(err as Error).message}`);
        probeFile = null;
      }
    }
    // Without the probe (a crashed endpoint, AWS), keep only the kinds the run has enough of (calibrate() needs 20
    // values per fitted distribution and would fail on fewer).
    if (runBatchesFile && !probeFile && (runCold < 20 || runWarm < 20)) {
      const kept = readFileSync(runBatchesFile, 'utf8')
        .split('\n')
        .filter((l) => l !== '' && ((JSON.parse(l) as { kind: string }).kind === 'cold' ? runCold >= 20 : runWarm >= 20));
      if (kept.length > 0) writeFileSync(runBatchesFile, kept.join('\n') + '\n');
      else runBatchesFile = null;
    }
    if (endpoint) {
      await endpoint.stop();
      endpoint = null;
    }
    await decisions.close().catch(() => undefined);

    // 6. The simulator on the same scenario, policy, params and duration.
    log('validate: simulating the same scenario, policy, parameters and duration');
    const sim = simulate(simScenarioPath, adjust, factory, params, tr.durationS, tracePath);
    mkdirSync(join(dir, 'simulated'), { recursive: true });
    writeRunFiles(join(dir, 'simulated'), sim.result, { scenario_file: simScenarioPath });
    if (!sim.ok) notes.push(`simulator: ${sim.error}`);
    let published: RunResult | null = null;
    if (publishedScenarioPath) {
      const ps = simulate(publishedScenarioPath, adjust, factory, params, tr.durationS, tracePath);
      mkdirSync(join(dir, 'published'), { recursive: true });
      writeRunFiles(join(dir, 'published'), ps.result, { scenario_file: publishedScenarioPath });
      published = ps.result;
      if (!ps.ok) notes.push(`simulator (published model): ${ps.error}`);
    }

    // 7. Calibration.
    let calibration: CalibrationOutcome | null = null;
    let calibrated: RunSummary | null = null;
    let calibratedTs: RunResult['timeseries'] | null = null;
    if (o.calibrate) {
      const c = await runCalibration({
        dir,
        scenarioPath: simScenarioPath,
        vertex: probe.shape.tokenizer.id,
        metricsFile: join(realDir, 'flink-metrics.csv'),
        serviceFile,
        runBatchesFile,
        probeFile,
        base: simModel ?? probe.shape.offload?.platform,
        recordBytes: wireBytesPerLine(controller.samples, vertices[0].id),
        memoryMb: probe.shape.offload ? memoryMb : undefined,
      });
      calibration = c.outcome;
      if (c.scenarioFile) {
        const cs = simulate(c.scenarioFile, adjust, factory, params, tr.durationS, tracePath);
        mkdirSync(join(dir, 'calibrated'), { recursive: true });
        writeRunFiles(join(dir, 'calibrated'), cs.result, { scenario_file: c.scenarioFile });
        calibrated = cs.result.summary;
        calibratedTs = cs.result.timeseries;
        if (!cs.ok) notes.push(`simulator (calibrated): ${cs.error}`);
      }
      log(`validate: calibration ${calibration.status}: ${calibration.message}`);
    }

    // Comparison.
    const rows = compareSummaries(
      real.summary,
      sim.result.summary,
      calibrated,
      {
        real: real.summary.end_s,
        simulated: lastResultS(sim.result.timeseries),
        published: published ? lastResultS(published.timeseries) : undefined,
        calibrated: calibratedTs ? lastResultS(calibratedTs) : undefined,
      },
      published?.summary,
    );
    const defs = signalDefs(probe.shape.tokenizer.id);
    const signals = compareSignals(real.timeseries, sim.result.timeseries, defs);
    if (signals.warning) {
      notes.push(signals.warning);
      log(`validate: ${signals.warning}`);
    }
    const judgements = judge(rows, o.tolerances ?? DEFAULT_TOLERANCES);
    const verdict = overall(judgements);
    const sentence = verdictSentence(judgements);
    const table = `${formatComparisonTable(rows)}\n${formatVerdictTable(judgements)}\n${sentence}\n`;
    const zeroLoss = jobSummary.lost === 0 && jobSummary.duplicated === 0 && jobSummary.ok;
    const runs = [
      { label: 'real', dir: 'real' },
      { label: 'simulated', dir: 'simulated' },
      ...(published ? [{ label: 'simulated (published model)', dir: 'published' }] : []),
      ...(calibrated ? [{ label: 'simulated (calibrated)', dir: 'calibrated' }] : []),
    ];
    writeFileSync(join(dir, 'compare.json'), JSON.stringify({ scenario: scenario.name, runs }, null, 2) + '\n');
    const comparison = {
      scenario: scenario.name,
      scenario_file: scenarioPath,
      simulated_scenario_file: simScenarioPath,
      policy: factory.name,
      params,
      duration_s: tr.durationS,
      trace: tracePath ?? scenario.workload.trace,
      rate_scale: scenario.workload.rate_scale ?? 1,
      target,
      flink: remote ? flink : 'local MiniCluster',
      flink_version: jobSummary.flink_version,
      faults: o.faults ?? {},
      work_mode: workMode,
      endpoint: endpointStats ? { ...endpointStats, crashed } : null,
      zero_loss: {
        real: { lost: jobSummary.lost, duplicated: jobSummary.duplicated, ok: jobSummary.ok },
        simulated: { lost: sim.result.summary.records.lost, duplicated: sim.result.summary.records.duplicated },
        ...(published ? { published: { lost: published.summary.records.lost, duplicated: published.summary.records.duplicated } } : {}),
      },
      relative_error: '(simulated - real) / |real|',
      metrics: rows,
      mean_abs_rel_error: meanAbsError(rows),
      verdict,
      verdict_sentence: sentence,
      headline_error_in_tolerances: headline(judgements),
      judgements,
      signals,
      ...(published ? { mean_abs_rel_error_published: meanAbsError(rows, 'rel_error_published') } : {}),
      ...(calibrated ? { mean_abs_rel_error_calibrated: meanAbsError(rows, 'rel_error_calibrated') } : {}),
      calibration,
      vertex_mapping: {
        [vertices[0].id]: 'Source: source',
        [vertices[1].id]: 'router (task metrics; the simulated scenario\'s added hop)',
        [vertices[2].id]: 'tokenizer',
        [vertices[3].id]: 'sink: Writer',
        ...(point ? { [`offload point ${point.id}`]: 'router (routedOffload) + offload-batcher -> offload-invoke' } : {}),
      },
      job_config: config,
      notes,
    };
    writeFileSync(join(dir, 'comparison.json'), JSON.stringify(comparison, null, 2) + '\n');
    const chart = signalsChart([{ label: 'real', ts: real.timeseries }, { label: 'simulated', ts: sim.result.timeseries }], defs, signals);
    await writeCompareReport(dir, { verdict: sentence, sections: [verdictSection(judgements, rows)], charts: [chart] });
    return {
      dir,
      real: real.summary,
      simulated: sim.result.summary,
      published: published?.summary ?? null,
      calibrated,
      rows,
      table,
      zeroLoss,
      simulatedOk: sim.ok,
      notes,
      calibration,
      judgements,
      workMode,
      verdict,
      verdictSentence: sentence,
      headline: headline(judgements),
    };
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    if (local) await local.stop(5000).catch(() => undefined);
    if (remoteJob) {
      const rj = remoteJob;
      const state = await rj.client.job(rj.jobId).then((j) => j.state).catch(() => '');
      if (!TERMINAL_JOB_STATES.has(state)) await rj.client.cancelJob(rj.jobId).catch(() => undefined);
    }
    if (endpoint) await endpoint.stop().catch(() => undefined);
    await decisions.close().catch(() => undefined);
    await new Promise<void>((r) => jobLog.end(() => r()));
  }
}

interface CalibrateModule {
  calibrate(inputs: readonly string[], options: Record<string, unknown>): {
    scenario: unknown;
    service: { mean_ms: number; before: unknown; after: unknown } | null;
    changes: { field: string; before: unknown; after: unknown }[];
    warnings: string[];
  };
  writeCalibration(r: unknown, paths: { model: string; scenario?: string; report?: string }): { model: string; scenario: string | null; report: string | null };
}

/**
 * The real line's serialized size: the source's numBytesOut / numRecordsOut at the last poll that read both (the
 * source sends nothing but lines, to the router). Null when unread (an older Flink) or no line was sent.
 */
export function wireBytesPerLine(samples: readonly { counters: Record<string, { recordsOut: number; bytesOut?: number }> }[], sourceId: string): number | null {
  for (let i = samples.length - 1; i >= 0; i--) {
    const c = samples[i].counters[sourceId];
    if (c && c.bytesOut !== undefined && Number.isFinite(c.bytesOut) && c.recordsOut > 0 && c.bytesOut > 0) return Math.round(c.bytesOut / c.recordsOut);
  }
  return null;
}

function meanOf(spec: unknown): number | null {
  if (!spec || typeof spec !== 'object') return null;
  try {
    return Math.round(specMean(spec as ShiftedSpec) * 1e6) / 1e6;
  } catch {
    return null;
  }
}

/**
 * Calls src/calibrate (loaded at run time, so validate works in a tree without it) on the real run's measurements:
 * the job's per-record tokenizer timings (else Flink busy time / records in) for the tokenizer's service time, the
 * job's own offload batches and the endpoint probe (for what the batches lack) for the Lambda latencies.
 */
async function runCalibration(a: {
  dir: string;
  scenarioPath: string;
  vertex: string;
  metricsFile: string;
  /** The job's per-record tokenizer timings (preferred by calibrate() over busy time / records in). */
  serviceFile: string | null;
  /** The job's successful offload batches as probe lines (the batch model under the run's conditions). */
  runBatchesFile: string | null;
  probeFile: string | null;
  base?: string;
  memoryMb?: number;
  /** The real line's bytes on the wire (wireBytesPerLine): the calibrated scenario's workload.record_bytes. */
  recordBytes?: number | null;
}): Promise<{ outcome: CalibrationOutcome; scenarioFile: string | null }> {
  let mod: CalibrateModule;
  try {
    const spec = '../../calibrate/index.js';
    mod = (await import(spec)) as CalibrateModule;
    if (typeof mod.calibrate !== 'function' || typeof mod.writeCalibration !== 'function') throw new Error('no calibrate()/writeCalibration() export');
  } catch (err) {
    return { outcome: { status: 'unavailable', message: `src/calibrate is not available (${(err as Error).message})` }, scenarioFile: null };
  }
  const cdir = join(a.dir, 'calibration');
  mkdirSync(cdir, { recursive: true });
  const paths = { model: join(cdir, 'model.json'), scenario: join(cdir, 'scenario.json'), report: join(cdir, 'calibration.json') };
  try {
    const inputs = [a.metricsFile, ...(a.serviceFile ? [a.serviceFile] : []), ...(a.runBatchesFile ? [a.runBatchesFile] : []), ...(a.probeFile ? [a.probeFile] : [])];
    const r = mod.calibrate(inputs, {
      base: a.base,
      modelOut: paths.model,
      scenario: a.scenarioPath,
      scenarioOut: paths.scenario,
      vertex: a.vertex,
      flinkVertex: a.vertex,
      memoryMb: a.probeFile || a.runBatchesFile ? a.memoryMb : undefined,
      fit: { bootstrap: 49 },
    });
    // The lines' size sets how many fit in Flink's network buffers, hence how much of a backlog the buffers hide from
    // the source's pendingRecords (what the policy sees).
    const sc = r.scenario as { workload?: { record_bytes?: number } } | null;
    if (sc?.workload && a.recordBytes && a.recordBytes !== sc.workload.record_bytes) {
      r.changes.push({ field: 'scenario.workload.record_bytes', before: sc.workload.record_bytes ?? null, after: a.recordBytes });
      sc.workload.record_bytes = a.recordBytes;
    }
    const files = mod.writeCalibration(r, paths);
    return {
      outcome: {
        status: 'done',
        message: `fitted from ${inputs.map((p) => p.slice(a.dir.length + 1)).join(', ')}; ${r.changes.length} fields changed`,
        files,
        service_mean_ms: { before: meanOf(r.service?.before), after: r.service ? Math.round(r.service.mean_ms * 1e6) / 1e6 : null },
        changes: r.changes,
        warnings: r.warnings,
      },
      scenarioFile: files.scenario,
    };
  } catch (err) {
    return { outcome: { status: 'failed', message: (err as Error).message }, scenarioFile: null };
  }
}
