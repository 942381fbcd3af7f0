/**
 * The adaptive scheduler's in-place rescale (Flink 2.x, `jobmanager.scheduler: adaptive`): PUT
 * /jobs/:id/resource-requirements (FLIP-291, Flink 1.18+) with the tokenizer's new parallelism; the scheduler waits
 * for the next completed checkpoint (FLIP-461, Flink 2.0: rescale-trigger), cancels the tasks and restarts the same
 * job from that checkpoint at the new parallelism. Sources rewind to the checkpoint, so what they read after it is
 * replayed; the sink's ledger (writer state) rewinds with them, so output stays exactly once.
 */
import { findVertex, type FlinkRestClient, type JobDetails } from './flink-rest.js';
import { allRunningAt, rest as json } from './rescale-live.js';

type Requirements = Record<string, { parallelism: { lowerBound: number; upperBound: number } }>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The session cluster's extra config for in-place rescales: adaptive scheduler, a checkpoint every second. */
export function adaptiveSchedulerConfig(checkpointDir: string): [string, string | number][] {
  return [
    ['jobmanager.scheduler', 'adaptive'],
    ['execution.checkpointing.interval', '1 s'],
    ['state.checkpoints.dir', `file://${checkpointDir}`],
    // the job's start counts as a rescale for the 30 s default cooldown; one rescale per job here
    ['jobmanager.adaptive-scheduler.executing.cooldown-after-rescaling', '0 s'],
    // keep every checkpoint of a short run in GET /jobs/:id/checkpoints (the restored one's times are read there)
    ['web.checkpoints.history', 100],
  ];
}

/** GET the job's resource requirements, set one vertex's parallelism (both bounds), PUT them back. */
export async function requestParallelism(client: FlinkRestClient, jobId: string, vertexName: string, p: number): Promise<void> {
  const job = await client.job(jobId);
  const v = findVertex(job, vertexName);
  if (!v) throw new Error(`job ${jobId} has no vertex "${vertexName}" (${job.vertices.map((x) => x.name).join(', ')})`);
  const req = await json<Requirements>(client, 'GET', `/jobs/${jobId}/resource-requirements`);
  if (!req[v.id]) throw new Error(`resource requirements of ${jobId} lack vertex ${v.id} (is the adaptive scheduler on?)`);
  req[v.id] = { parallelism: { lowerBound: p, upperBound: p } };
  await json(client, 'PUT', `/jobs/${jobId}/resource-requirements`, req);
}

const allRunning = (j: JobDetails | null) => !!j && j.state === 'RUNNING' && j.vertices.length > 0 && j.vertices.every((v) => v.status === 'RUNNING');

export interface InPlaceTiming {
  /** Request → the checkpoint the job restarts from completed, ms: the wait for a checkpoint (FLIP-461). */
  waitMs: number;
  /** That checkpoint completed → every subtask RUNNING at the new parallelism, ms: the downtime. */
  downtimeMs: number;
  /** That checkpoint's barrier → its completion, ms: records read since the barrier are replayed. */
  replayWindowMs: number;
  checkpointId: number;
}

interface CheckpointStats {
  latest: { restored: { id: number } | null };
  history: { id: number; trigger_timestamp: number; latest_ack_timestamp: number }[];
}

/** One in-place rescale of a running job; all times from Flink's own timestamps (checkpoints, subtask times). */
export async function rescaleInPlace(client: FlinkRestClient, jobId: string, vertexName: string, to: number, timeoutMs = 120_000): Promise<InPlaceTiming> {
  const t0 = Date.now();
  await requestParallelism(client, jobId, vertexName, to);
  const deadline = t0 + timeoutMs;
  for (;;) {
    const j = await client.job(jobId).catch(() => null);
    if (j && findVertex(j, vertexName)?.parallelism === to && allRunning(j)) break;
    if (j && ['FAILED', 'CANCELED', 'FINISHED'].includes(j.state)) throw new Error(`in-place rescale of ${jobId}: job ${j.state}`);
    if (Date.now() > deadline) throw new Error(`in-place rescale of ${jobId}: not RUNNING at ${vertexName}=${to} after ${timeoutMs} ms (${j?.state ?? 'unknown'})`);
    await sleep(50);
  }
  const running = await allRunningAt(client, jobId);
  const cp = await json<CheckpointStats>(client, 'GET', `/jobs/${jobId}/checkpoints`);
  const id = cp.latest.restored?.id;
  const c = cp.history.find((h) => h.id === id);
  if (id === undefined || !c) throw new Error(`in-place rescale of ${jobId}: the checkpoint it restored from (${id}) is not in its history`);
  return { waitMs: c.latest_ack_timestamp - t0, downtimeMs: running - c.latest_ack_timestamp, replayWindowMs: c.latest_ack_timestamp - c.trigger_timestamp, checkpointId: id };
}
