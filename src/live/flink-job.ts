/**
 * Runs the flink-validate job (flink-validate/, Java): builds the jar when missing, starts it as a local MiniCluster
 * child process with a job config, waits for its REST API and for the job to be RUNNING, and waits for it to end or
 * stops it. For a remote cluster it uploads the cluster jar and runs it through the REST API.
 *
 * The job config (FlinkJobConfig below) and the output files are documented in flink-validate/README.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlinkRestClient, TERMINAL_JOB_STATES, type JobDetails } from './flink-rest.js';

/** Version of the flink-validate Maven project (target/flink-validate-<v>.jar). */
export const FLINK_VALIDATE_VERSION = '0.1.0';
export const FLINK_VALIDATE_MAIN_CLASS = 'io.spillway.flink.Main';

/** Decision served by the controller at control.url (GET) and used as initial_decision. */
export interface FlinkDecision {
  version: number;
  /** 0..1 share of records sent to the offload path. */
  share: number;
  batchRecords: number;
  maxWaitMs: number;
  maxInFlight: number;
  /** Optional: true stops the job's control source from polling. */
  fin?: boolean;
}

/** The tokenizer's language: the Java flatMap, or the Python UDTF (needs the -Ppython jar). */
export type OperatorLang = 'java' | 'python';

/** The job config (`--config job.json`), snake_case as the Java side reads it. Unknown fields are rejected. */
export interface FlinkJobConfig {
  run_id?: string;
  seed?: number;
  duration_s: number;
  /** [[t_s, records/s], ...] piecewise constant. */
  trace: [number, number][];
  start_delay_ms?: number;
  max_drain_s?: number;
  parallelism?: { source?: number; router?: number; tokenizer?: number; offload?: number; sink?: 1 };
  /** mode "cpu" spins work_us_per_record; "wait" parks the task thread for draws from service_ms (ms, seeded). */
  /** lang "python": the tokenizer is a PyFlink table function run by python_executable (docs/PYFLINK.md). */
  tokenizer?: { work_us_per_record?: number; mode?: WorkMode; service_ms?: Record<string, unknown> | null; lang?: OperatorLang; python_executable?: string };
  text?: { words_min?: number; words_max?: number; vocabulary?: string[] | null; corpus?: string[] | null };
  buffer_timeout_ms?: number;
  rest_port?: number;
  rest_bind_address?: string;
  metrics_fetch_interval_ms?: number;
  output_dir: string;
  job_name?: string;
  linger_ms?: number;
  control?: { url?: string | null; poll_ms?: number; http_timeout_ms?: number };
  initial_decision?: FlinkDecision;
  offload?: {
    enabled?: boolean;
    function_name?: string;
    endpoint_url?: string | null;
    region?: string | null;
    profile?: string;
    qualifier?: string | null;
    mode?: 'ordered' | 'unordered';
    async_capacity?: number;
    attempt_timeout_ms?: number;
    max_attempts?: number;
    backoff_base_ms?: number;
    throttle_backoff_base_ms?: number;
    backoff_max_ms?: number;
    batch_timeout_ms?: number | null;
    work_us_per_record?: number | null;
    max_connections?: number;
    warmup?: boolean;
    /** Wait mode: the function holds a batch for the sum of its records' draws x work_factor. */
    work_factor?: number;
    /** lambda (default) or azure (an HTTP trigger: function_url, the key in the variable function_key_env). */
    platform?: 'lambda' | 'azure';
    function_url?: string | null;
    function_key_env?: string | null;
  };
  /** The scenario's graph (src/live/validate/job-graph.ts); absent = the tokenizer shape. */
  graph?: import('./validate/job-graph.js').GraphConfig;
  /** A benchmark shape instead of the tokenizer job (flink-validate/README.md, "Shapes"; src/live/validate/shape-config.ts). */
  shape?: FlinkShapeConfig;
}

/** The job config's shape block: per scenario vertex id, its parallelism and busy-spin work. */
export interface FlinkShapeConfig {
  name: 'nexmark-q1' | 'nexmark-q5' | 'ysb';
  window_ms?: number;
  parallelism: Record<string, number>;
  work_us: Record<string, number>;
  source_offload?: { share: number; batch_records?: number; max_wait_ms?: number; async_capacity?: number; work_factor?: number };
}

/** How the real job's operators and the function spend a record's service time (docs/VALIDATION.md, "Work modes"). */
export type WorkMode = 'cpu' | 'wait';

/** summary.json written by the job's sink. */
export interface FlinkRunSummary {
  ok: boolean;
  run_id: string;
  flink_version: string;
  duration_s: number;
  t0_epoch_ms: number | null;
  records_generated: number;
  records_emitted: number;
  lost: number;
  duplicated: number;
  out_of_range: number;
  first_missing_seq: number;
  token_mismatches: number;
  /** Offloaded results that left after a result of a later batch of the same offload subtask (0 with merge ordered). */
  offload_order_violations?: number;
  tokens: number;
  local: number;
  offloaded: number;
  fallbacks: number;
  fallback_batches: number;
  invocations: number;
  cold_starts: number;
  throttles: number;
  errors: number;
  /** Σ ceil(duration_ms) of answered invocations, Σ ceil(init_ms) of cold ones (as the function reports them). */
  function_billed_ms: number;
  function_init_ms: number;
  latency_ms: { count: number; p50: number | null; p90: number | null; p99: number | null; p999: number | null; max: number | null; mean: number | null; min: number | null };
  first_emit_epoch_ms: number | null;
  last_emit_epoch_ms: number | null;
  span_s: number;
  throughput_rps: number;
}

/** The `SPILLWAY_RESULT {...}` line the Java process prints last. */
export interface FlinkResultLine {
  exit_code: number;
  job_status: string;
  output_dir?: string;
  ok?: boolean;
  failure?: string;
  [k: string]: unknown;
}

export interface LocalJobResult {
  /** Process exit code: 0 ok, 2 job failed/cancelled, 3 lost/duplicated/token mismatch, 64 bad config. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  result?: FlinkResultLine;
  /** summary.json, when the sink wrote it. */
  summary?: FlinkRunSummary;
}

export interface LocalJobHandle {
  restUrl: string;
  jobId: string;
  client: FlinkRestClient;
  process: ChildProcess;
  outputDir: string;
  configPath: string;
  /** Resolves when the process exits. */
  wait(): Promise<LocalJobResult>;
  /** Cancels the job through REST (falls back to SIGTERM, then SIGKILL) and waits for the process. */
  stop(graceMs?: number): Promise<LocalJobResult>;
}

export interface StartLocalJobOptions {
  /** Jar to run (default: flink-validate/target/flink-validate-<v>.jar, built if missing). */
  jar?: string;
  /** Where to write the config (default: <output_dir>/job.json). */
  configPath?: string;
  java?: string;
  /** Extra JVM options, e.g. ['-Xmx2g']. */
  jvmArgs?: string[];
  /** Pin the JVM to these CPUs with taskset (e.g. "0"; Linux with util-linux); undefined: not pinned. */
  cpus?: string;
  /** Time allowed for the REST API to answer and the job to reach RUNNING (default 120 s). */
  startTimeoutMs?: number;
  /** Every stdout/stderr line of the child. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Variables added to the child's environment (e.g. a function key, which must not go into job.json). */
  env?: Record<string, string>;
}

/** flink-validate/ in this repository (works from src/ under tsx/vitest and from dist/src/ after tsc). */
export function flinkValidateDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const cand = join(dir, 'flink-validate');
    if (existsSync(join(cand, 'pom.xml'))) return cand;
    dir = dirname(dir);
  }
  return resolve('flink-validate');
}

/**
 * Path of the standalone (MiniCluster) jar, of the cluster jar (Flink provided) with cluster = true, or of the
 * standalone jar with the Table planner and flink-python (-Ppython) with python = true.
 */
export function flinkJarPath(cluster = false, projectDir = flinkValidateDir(), python = false): string {
  const suffix = cluster ? '-cluster' : python ? '-python' : '';
  return join(projectDir, 'target', `flink-validate-${FLINK_VALIDATE_VERSION}${suffix}.jar`);
}

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (d: Buffer) => (output += d.toString()));
    p.stderr.on('data', (d: Buffer) => (output += d.toString()));
    p.on('error', rej);
    p.on('close', (code) => res({ code, output }));
  });
}

/**
 * Builds the jar if it is missing (or rebuild = true): `mvn -q -DskipTests package` in flink-validate/
 * (`-Pcluster` for the cluster jar, `-Ppython` for the Python tokenizer's). Returns the jar path.
 */
export async function ensureFlinkJar(opts: { cluster?: boolean; python?: boolean; rebuild?: boolean; projectDir?: string; offline?: boolean } = {}): Promise<string> {
  const dir = opts.projectDir ?? flinkValidateDir();
  const jar = flinkJarPath(opts.cluster ?? false, dir, opts.python ?? false);
  if (!opts.rebuild && existsSync(jar)) return jar;
  const args = ['-q', '-DskipTests'];
  if (opts.offline) args.push('-o');
  if (opts.cluster) args.push('-Pcluster');
  else if (opts.python) args.push('-Ppython');
  args.push('package');
  const r = await run('mvn', args, dir);
  if (r.code !== 0 || !existsSync(jar)) {
    throw new Error(`building ${jar} failed (mvn ${args.join(' ')} exited ${r.code}):\n${r.output.slice(-4000)}`);
  }
  return jar;
}

/** A free TCP port on 127.0.0.1 (for rest_port). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => res(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls GET /jobs/<jid> until its state is one of `states` (throws on timeout or on a terminal state not wanted). */
export async function waitForJobState(client: FlinkRestClient, jid: string, states: readonly string[], timeoutMs = 120_000, pollMs = 250): Promise<JobDetails> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const j = await client.job(jid);
      last = j.state;
      if (states.includes(j.state)) return j;
      if (TERMINAL_JOB_STATES.has(j.state)) throw new Error(`job ${jid} reached ${j.state} while waiting for ${states.join('|')}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith(`job ${jid} reached`)) throw err;
    }
    if (Date.now() > deadline) throw new Error(`job ${jid} not ${states.join('|')} after ${timeoutMs} ms (last state: ${last || 'unknown'})`);
    await sleep(pollMs);
  }
}

/** Waits until the job reaches a terminal state; returns that state. */
export async function waitForJobEnd(client: FlinkRestClient, jid: string, timeoutMs = 3_600_000, pollMs = 1000): Promise<string> {
  const j = await waitForJobState(client, jid, [...TERMINAL_JOB_STATES], timeoutMs, pollMs);
  return j.state;
}

export async function readRunSummary(outputDir: string): Promise<FlinkRunSummary | undefined> {
  try {
    return JSON.parse(await readFile(join(outputDir, 'summary.json'), 'utf8')) as FlinkRunSummary;
  } catch {
    return undefined;
  }
}

/** Parses the child's marker lines: SPILLWAY_REST_URL=, SPILLWAY_JOB_ID=, SPILLWAY_RESULT {json}. */
export function parseMarkerLine(line: string): { restUrl?: string; jobId?: string; result?: FlinkResultLine } {
  const t = line.trim();
  if (t.startsWith('SPILLWAY_REST_URL=')) return { restUrl: t.slice('SPILLWAY_REST_URL='.length) };
  if (t.startsWith('SPILLWAY_JOB_ID=')) return { jobId: t.slice('SPILLWAY_JOB_ID='.length) };
  if (t.startsWith('SPILLWAY_RESULT ')) {
    try {
      return { result: JSON.parse(t.slice('SPILLWAY_RESULT '.length)) as FlinkResultLine };
    } catch {
      return {};
    }
  }
  return {};
}

/** The child JVM as startLocalJob watches it: its marker lines, its stderr's tail, its end. */
interface WatchedJvm {
  child: ChildProcess;
  markers: { restUrl?: string; jobId?: string; result?: FlinkResultLine };
  stderrTail: () => string;
  exited: Promise<LocalJobResult>;
  done: () => boolean;
}

/** Writes the config (a free REST port when none is set; output_dir made absolute) to job.json or opts.configPath. */
async function writeJobConfig(config: FlinkJobConfig, opts: StartLocalJobOptions): Promise<{ outputDir: string; configPath: string }> {
  const cfg: FlinkJobConfig = { ...config };
  if (!cfg.rest_port) cfg.rest_port = await freePort();
  const outputDir = resolve(cfg.output_dir);
  cfg.output_dir = outputDir;
  await mkdir(outputDir, { recursive: true });
  const configPath = opts.configPath ?? join(outputDir, 'job.json');
  await writeFile(configPath, JSON.stringify(cfg, null, 2) + '\n');
  return { outputDir, configPath };
}

/** Spawns the JVM (under taskset when pinned; taskset execs java, so the child's pid is the JVM's). */
function spawnJvm(jar: string, configPath: string, opts: StartLocalJobOptions): ChildProcess {
  const javaCmd = [opts.java ?? 'java', ...(opts.jvmArgs ?? []), '-jar', jar, '--config', configPath];
  return spawn(opts.cpus ? 'taskset' : javaCmd[0], opts.cpus ? ['-c', opts.cpus, ...javaCmd] : javaCmd.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
  });
}

/** Reads the child's lines (markers from stdout, stderr's tail) and its end; kills it if this Node process exits first. */
function watchJvm(child: ChildProcess, outputDir: string, onLine: StartLocalJobOptions['onLine']): WatchedJvm {
  const markers: WatchedJvm['markers'] = {};
  let stderrTail = '';
  const onText = (stream: 'stdout' | 'stderr') => {
    let buf = '';
    return (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        if (stream === 'stdout') Object.assign(markers, parseMarkerLine(line));
        else stderrTail = (stderrTail + line + '\n').slice(-4000);
        onLine?.(line, stream);
      }
    };
  };
  child.stdout!.on('data', onText('stdout'));
  child.stderr!.on('data', onText('stderr'));
  const exited = new Promise<LocalJobResult>((res, rej) => {
    child.on('error', rej);
    child.on('close', async (code, signal) => {
      res({ exitCode: code, signal, result: markers.result, summary: await readRunSummary(outputDir) });
    });
  });
  let done = false;
  const killChild = () => {
    if (!done) child.kill('SIGKILL');
  };
  process.once('exit', killChild);
  const settle = () => {
    done = true;
    process.removeListener('exit', killChild);
  };
  void exited.then(settle, settle);
  return { child, markers, stderrTail: () => stderrTail, exited, done: () => done };
}

/** Waits for the REST URL and job id markers, then for the job to be RUNNING (or already over); kills the JVM on failure. */
async function waitForStart(w: WatchedJvm, timeoutMs: number): Promise<{ restUrl: string; jobId: string; client: FlinkRestClient }> {
  const deadline = Date.now() + timeoutMs;
  const fail = async (why: string): Promise<never> => {
    if (!w.done()) w.child.kill('SIGKILL');
    await w.exited.catch(() => undefined);
    const tail = w.stderrTail();
    throw new Error(`flink-validate did not start: ${why}${tail ? `\n${tail}` : ''}`);
  };
  while (!(w.markers.restUrl && w.markers.jobId)) {
    if (w.done()) {
      const r = await w.exited;
      return fail(`process exited with ${r.exitCode ?? r.signal}${r.result?.failure ? ` (${r.result.failure})` : ''}`);
    }
    if (Date.now() > deadline) return fail('no REST URL / job id printed in time');
    await sleep(100);
  }
  const { restUrl, jobId } = w.markers;
  const client = new FlinkRestClient(restUrl);
  try {
    await waitForJobState(client, jobId, ['RUNNING', ...TERMINAL_JOB_STATES], Math.max(1000, deadline - Date.now()));
  } catch (err) {
    if (!w.done()) return fail((err as Error).message);
  }
  return { restUrl, jobId, client };
}

/** Cancels the job through REST (SIGTERM if that fails), SIGKILL after graceMs; resolves with the JVM's end. */
async function stopJvm(w: WatchedJvm, client: FlinkRestClient, jobId: string, graceMs: number): Promise<LocalJobResult> {
  if (w.done()) return w.exited;
  await client.cancelJob(jobId).catch(() => w.child.kill('SIGTERM'));
  const t = setTimeout(() => {
    if (!w.done()) w.child.kill('SIGKILL');
  }, graceMs);
  try {
    return await w.exited;
  } finally {
    clearTimeout(t);
  }
}

/**
 * Starts the job in a local MiniCluster (child JVM). Resolves once the REST API answers and the job is RUNNING.
 * rest_port 0 or absent → a free port is chosen. The config is written to <output_dir>/job.json.
 */
export async function startLocalJob(config: FlinkJobConfig, opts: StartLocalJobOptions = {}): Promise<LocalJobHandle> {
  const jar = opts.jar ?? (await ensureFlinkJar({ python: config.tokenizer?.lang === 'python' }));
  const { outputDir, configPath } = await writeJobConfig(config, opts);
  const w = watchJvm(spawnJvm(jar, configPath, opts), outputDir, opts.onLine);
  const { restUrl, jobId, client } = await waitForStart(w, opts.startTimeoutMs ?? 120_000);
  return {
    restUrl,
    jobId,
    client,
    process: w.child,
    outputDir,
    configPath,
    wait: () => w.exited,
    stop: (graceMs = 15_000) => stopJvm(w, client, jobId, graceMs),
  };
}

/** Runs a job locally to completion. */
export async function runLocalJob(config: FlinkJobConfig, opts: StartLocalJobOptions = {}): Promise<LocalJobResult & { restUrl: string; jobId: string }> {
  const h = await startLocalJob(config, opts);
  const r = await h.wait();
  return { ...r, restUrl: h.restUrl, jobId: h.jobId };
}

export interface RemoteJobHandle {
  client: FlinkRestClient;
  jarId: string;
  jobId: string;
}

/**
 * Submits the job to a remote cluster: uploads the cluster jar (Flink provided; built with -Pcluster if missing),
 * then runs it with the config passed inline (`--config-b64`, since the cluster cannot read local files) and
 * `--mode cluster`. The job's summary.json is written on the TaskManager running the sink (output_dir there).
 */
export async function submitRemoteJob(
  restUrl: string,
  config: FlinkJobConfig,
  opts: { jar?: string; waitRunning?: boolean; timeoutMs?: number } = {},
): Promise<RemoteJobHandle> {
  const jar = opts.jar ?? (await ensureFlinkJar({ cluster: true }));
  const client = new FlinkRestClient(restUrl);
  const { jarId } = await client.uploadJar(jar);
  const b64 = Buffer.from(JSON.stringify(config), 'utf8').toString('base64');
  const { jobId } = await client.runJar(jarId, {
    entryClass: FLINK_VALIDATE_MAIN_CLASS,
    programArgs: ['--config-b64', b64, '--mode', 'cluster'],
  });
  if (opts.waitRunning ?? true) await waitForJobState(client, jobId, ['RUNNING', ...TERMINAL_JOB_STATES], opts.timeoutMs ?? 120_000);
  return { client, jarId, jobId };
}
