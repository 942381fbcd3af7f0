/**
 * `spillway validate --flink session`: the same validation against a real Flink session cluster started here for
 * the run (a JobManager and --task-managers TaskManagers, separate JVMs; ../session-cluster.ts), the job submitted
 * over REST. Slots per TaskManager = ceil(max parallelism / TaskManagers), so the job fills the TaskManagers one
 * after another as the simulator's SlotPlacement assumes; afterwards the job's real placement is read back and each
 * edge's local channels are compared with the simulator's (session-cluster.json in the output directory).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../util/errors.js';
import { compareChannels, placementLines, readPlacement } from '../channel-placement.js';
import { startSessionCluster } from '../session-cluster.js';
import { runValidation } from './run.js';
import type { ValidateOptions, ValidateResult } from './types.js';

export interface SessionOptions {
  taskManagers?: number;
  log?: (line: string) => void;
}

/** The scenario's largest vertex parallelism (prepare checks the file properly; this only sizes the slots). */
export function maxParallelism(scenarioPath: string): number {
  let s: { vertices?: { parallelism?: unknown }[] };
  try {
    s = JSON.parse(readFileSync(scenarioPath, 'utf8')) as typeof s;
  } catch (err) {
    throw new UserError(`${scenarioPath}: cannot read the scenario (${(err as Error).message.split('\n')[0]})`);
  }
  const ps = (s.vertices ?? []).map((v) => (typeof v.parallelism === 'number' && v.parallelism >= 1 ? v.parallelism : 1));
  return Math.max(1, ...ps);
}

export async function runValidationOnSession(o: ValidateOptions, so: SessionOptions = {}): Promise<ValidateResult> {
  const tms = so.taskManagers ?? 2;
  if (!(Number.isInteger(tms) && tms >= 1 && tms <= 8)) throw new UserError(`--task-managers: expected an integer in [1, 8], got ${tms}`);
  const log = so.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const slots = Math.ceil(maxParallelism(o.scenario) / tms);
  const work = mkdtempSync(join(tmpdir(), 'spillway-session-'));
  const cluster = await startSessionCluster({ dir: work, taskManagers: tms, slotsPerTaskManager: slots, log });
  try {
    // the JVMs share this host's cores: wait mode, as for the MiniCluster (docs/VALIDATION.md, "Work modes")
    const r = await runValidation({ ...o, flink: cluster.restUrl, workMode: o.workMode ?? 'wait' });
    await recordPlacement(cluster.restUrl, r, tms, slots, log);
    cpSync(work, join(r.dir, 'real', 'session-cluster'), { recursive: true, filter: (f) => !f.includes('savepoints') });
    return r;
  } finally {
    await cluster.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function recordPlacement(restUrl: string, r: ValidateResult, tms: number, slots: number, log: (l: string) => void): Promise<void> {
  const jobs = (await (await fetch(`${restUrl}/jobs/overview`)).json()) as { jobs?: { jid: string }[] };
  const jid = jobs.jobs?.[0]?.jid;
  if (!jid) return;
  const rows = compareChannels(await readPlacement(restUrl, jid), tms);
  const lines = placementLines(rows);
  for (const l of lines) log(`validate: channels ${l}`);
  writeFileSync(join(r.dir, 'session-cluster.json'), JSON.stringify({ task_managers: tms, slots_per_task_manager: slots, rest_url: restUrl, job_id: jid, edges: rows }, null, 2) + '\n');
}
