/**
 * A real rescale of the flink-validate job on a session cluster, as the Flink Kubernetes Operator's savepoint
 * upgrade does it: POST /jobs/:id/stop with a savepoint directory, wait for the savepoint and the job's end, then
 * run the jar again from that savepoint with the tokenizer at a new parallelism, and wait until every subtask is
 * RUNNING. Measures each phase; restartFit turns the downtimes into the cluster model's restart_s.
 */
import { lognormal } from '../calibrate/families.js';
import type { DistributionSpec } from '../engine/distributions.js';
import { FLINK_VALIDATE_MAIN_CLASS, waitForJobState, type FlinkJobConfig } from './flink-job.js';
import { TERMINAL_JOB_STATES, findVertex, resolveMetricName, type FlinkRestClient } from './flink-rest.js';

export interface RescaleTiming {
  mode: 'savepoint' | 'in-place';
  from: number;
  to: number;
  /** Stop requested → savepoint completed, ms (savepoint mode). */
  savepointMs: number | null;
  /** Stop requested → old job FINISHED, ms (savepoint mode). */
  stoppedMs: number | null;
  /** Request → the tasks stop, ms: 0 for a stop-with-savepoint; the wait for a checkpoint in place. */
  waitMs: number;
  /** The tasks stop (savepoint mode: the stop request) → every subtask RUNNING at the new parallelism, ms. */
  downtimeMs: number;
  /** In place: the restored checkpoint's barrier → its completion, ms (what was read in it is replayed). */
  replayWindowMs?: number;
  /** Measured: records due but not yet read when the restored source first polled (its restoredBacklog gauge). */
  backlogRecords: number;
  /** The simulator's figure for the same downtime: its external queue gains the trace's rate x downtime. */
  backlogSimulated: number;
  /** The source's pendingRecords just before the request (what was already waiting). */
  pendingBefore: number | null;
  savepoint: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One REST call with a JSON body and answer (an empty answer is {}); a non-2xx status is an error naming it. */
export async function rest<T>(client: FlinkRestClient, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(client.baseUrl + path, {
    method,
    signal: AbortSignal.timeout(30_000),
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** POST /jobs/:id/stop (no drain) and poll the trigger until the savepoint is written; its location. */
export async function stopWithSavepoint(client: FlinkRestClient, jobId: string, dir: string, timeoutMs = 120_000): Promise<string> {
  const { 'request-id': trigger } = await rest<{ 'request-id': string }>(client, 'POST', `/jobs/${jobId}/stop`, { targetDirectory: dir, drain: false });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await rest<{ status: { id: string }; operation?: { location?: string; 'failure-cause'?: { 'stack-trace'?: string } } }>(
      client,
      'GET',
      `/jobs/${jobId}/savepoints/${trigger}`,
    );
    if (s.status.id === 'COMPLETED') {
      const loc = s.operation?.location;
      if (!loc) throw new Error(`stop-with-savepoint of ${jobId} failed: ${(s.operation?.['failure-cause']?.['stack-trace'] ?? '').split('\n')[0]}`);
      return loc;
    }
    if (Date.now() > deadline) throw new Error(`stop-with-savepoint of ${jobId}: no savepoint after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Every subtask of every vertex RUNNING (the job's RUNNING state comes before its tasks are deployed). */
export async function waitAllSubtasksRunning(client: FlinkRestClient, jobId: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const j = await client.job(jobId).catch(() => null);
    if (j && j.vertices.length > 0 && j.vertices.every((v) => v.status === 'RUNNING')) return;
    if ((j && TERMINAL_JOB_STATES.has(j.state)) || Date.now() > deadline) {
      const st = j ? `${j.state}: ${j.vertices.map((v) => `${v.name} ${v.status}`).join(', ')}` : 'unknown';
      throw new Error(`job ${jobId}: not every subtask RUNNING after ${timeoutMs} ms (${st})`);
    }
    await sleep(50);
  }
}

/**
 * When the last subtask of the job turned RUNNING, from Flink's own per-subtask timestamps
 * (GET /jobs/:id/vertices/:vid/subtasktimes), epoch ms: exact, unlike a poll of the cached job details.
 */
export async function allRunningAt(client: FlinkRestClient, jobId: string, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = await lastRunning(client, jobId);
    if (t !== null) return t;
    // the REST caches answer per request path: one view may lag the other by a refresh interval
    if (Date.now() > deadline) throw new Error(`job ${jobId}: a subtask has no RUNNING timestamp after ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function lastRunning(client: FlinkRestClient, jobId: string): Promise<number | null> {
  let last = 0;
  for (const v of (await client.job(jobId)).vertices) {
    const r = await rest<{ subtasks: { timestamps: Record<string, number> }[] }>(client, 'GET', `/jobs/${jobId}/vertices/${v.id}/subtasktimes`);
    for (const st of r.subtasks) {
      const t = st.timestamps['RUNNING'] ?? 0;
      if (t <= 0) return null;
      last = Math.max(last, t);
    }
  }
  return last;
}

/** The job's config at a tokenizer parallelism, passed inline as submitRemoteJob does. */
function programArgs(config: FlinkJobConfig, tokenizer: number): string[] {
  const c: FlinkJobConfig = { ...config, parallelism: { ...(config.parallelism ?? {}), tokenizer } };
  return ['--config-b64', Buffer.from(JSON.stringify(c), 'utf8').toString('base64'), '--mode', 'cluster'];
}

export async function runJob(client: FlinkRestClient, jarId: string, config: FlinkJobConfig, tokenizer: number, savepointPath?: string): Promise<string> {
  const { jobId } = await client.runJar(jarId, { entryClass: FLINK_VALIDATE_MAIN_CLASS, programArgs: programArgs(config, tokenizer), savepointPath });
  return jobId;
}

/**
 * One rescale of a running job: stop with a savepoint into savepointDir, restart from it at `to`. The new job is
 * left running (the caller cancels it). ratePerS is the trace's rate while down, for the backlog.
 */
export async function rescaleOnce(
  client: FlinkRestClient,
  a: { jarId: string; jobId: string; config: FlinkJobConfig; from: number; to: number; savepointDir: string; ratePerS: number },
): Promise<{ timing: RescaleTiming; newJobId: string }> {
  const t0 = Date.now();
  const savepoint = await stopWithSavepoint(client, a.jobId, a.savepointDir);
  const savepointMs = Date.now() - t0;
  await waitForJobState(client, a.jobId, ['FINISHED', 'CANCELED', 'FAILED'], 60_000, 50);
  const stoppedMs = Date.now() - t0;
  const newJobId = await runJob(client, a.jarId, a.config, a.to, savepoint);
  await waitAllSubtasksRunning(client, newJobId);
  const downtimeMs = (await allRunningAt(client, newJobId)) - t0;
  const timing: RescaleTiming = {
    ...{ mode: 'savepoint', from: a.from, to: a.to, savepointMs, stoppedMs, waitMs: 0, downtimeMs },
    ...{ backlogRecords: NaN, backlogSimulated: Math.round((a.ratePerS * downtimeMs) / 1000), pendingBefore: null, savepoint },
  };
  return { timing, newJobId };
}

/** The sum over the source's subtasks of one of its metrics and their minimum, or null while it is not reported. */
export async function sourceMetric(client: FlinkRestClient, jobId: string, wanted: string): Promise<{ sum: number; min: number } | null> {
  const v = findVertex(await client.job(jobId), 'source');
  if (!v) return null;
  const name = resolveMetricName(await client.vertexMetricNames(jobId, v.id), wanted);
  if (!name) return null;
  const m = (await client.vertexMetrics(jobId, v.id, [name], ['sum', 'min'])).get(name);
  return m?.sum === undefined || m.min === undefined ? null : { sum: m.sum, min: m.min };
}

/**
 * The backlog a rescale left, measured: the restored source readers' restoredBacklog gauge (records whose
 * intended time had passed but which were not read when the reader first polled), once every reader reported it.
 */
export async function measuredBacklog(client: FlinkRestClient, jobId: string, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await sourceMetric(client, jobId, 'restoredBacklog').catch(() => null);
    if (m && m.min >= 0) return m.sum;
    if (Date.now() > deadline) throw new Error(`job ${jobId}: the restored source reported no restoredBacklog in ${timeoutMs} ms`);
    await sleep(250);
  }
}

/**
 * restart_s for the cluster model: the lognormal MLE of the downtimes (s), as the calibrator fits service times;
 * null below two distinct values (no spread to fit).
 */
export function restartFit(downtimesMs: readonly number[]): (DistributionSpec & { type: 'lognormal'; median: number; sigma: number }) | null {
  if (new Set(downtimesMs).size < 2) return null;
  const p = lognormal.fit(downtimesMs.map((ms) => ms / 1000));
  if (p.family !== 'lognormal') throw new Error('lognormal fit expected');
  return { type: 'lognormal', median: Math.exp(p.mu), sigma: p.sigma };
}

/** min / median / max of a sample. */
export function spread(xs: readonly number[]): { min: number; median: number; max: number } {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { min: s[0], median: m, max: s[s.length - 1] };
}
