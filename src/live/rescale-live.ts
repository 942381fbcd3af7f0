/**
 * A real rescale of the flink-validate job on a session cluster, as the Flink Kubernetes Operator's savepoint
 * upgrade does it: POST /jobs/:id/stop with a savepoint directory, wait for the savepoint and the job's end, then
 * run the jar again from that savepoint with the tokenizer at a new parallelism, and wait until every subtask is
 * RUNNING. Measures each phase; restartFit turns the downtimes into the cluster model's restart_s.
 */
import { lognormal } from '../calibrate/families.js';
import type { DistributionSpec } from '../engine/distributions.js';
import { FLINK_VALIDATE_MAIN_CLASS, waitForJobState, type FlinkJobConfig } from './flink-job.js';
import { TERMINAL_JOB_STATES, type FlinkRestClient } from './flink-rest.js';

export interface RescaleTiming {
  from: number;
  to: number;
  /** Stop requested → savepoint completed, ms. */
  savepointMs: number;
  /** Stop requested → old job FINISHED, ms. */
  stoppedMs: number;
  /** Stop requested → every subtask of the new job RUNNING, ms: the downtime. */
  downtimeMs: number;
  /** Records the source's queue gained while down (the trace's rate x downtime). */
  backlogRecords: number;
  savepoint: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rest<T>(client: FlinkRestClient, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(client.baseUrl + path, {
    method,
    signal: AbortSignal.timeout(30_000),
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
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
  const downtimeMs = Date.now() - t0;
  const timing = { from: a.from, to: a.to, savepointMs, stoppedMs, downtimeMs, backlogRecords: Math.round((a.ratePerS * downtimeMs) / 1000), savepoint };
  return { timing, newJobId };
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
