/**
 * Index-sharded sweeps, for the array-job engines users already run (Kubernetes Indexed Jobs, AWS Batch array
 * jobs, Slurm job arrays): shard I of N runs every run whose position in expansion order is I modulo N, into its
 * own store under <out>/shards/, and marks it finished with shard.json. Positions come from the sweep file alone,
 * so every shard computes the same split without talking to the others.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../util/errors.js';
import { writeFileAtomic } from '../../util/output.js';
import { expandRuns } from './expand.js';
import { stableId } from './ids.js';
import type { SweepOutcome } from './run.js';
import type { RunSpec, SweepSpec } from './types.js';

export interface ShardSpec {
  /** 0-based. */
  index: number;
  count: number;
}

export const SHARDS_DIR = 'shards';
export const SHARD_DONE_FILE = 'shard.json';

/** What a finished shard leaves beside its runs.jsonl. */
export interface ShardDone {
  index: number;
  count: number;
  /** Hash of the whole sweep's run ids in order: shards of different sweep files never merge. */
  plan: string;
  runs: number;
  recorded: number;
  failed: number;
}

/** Environment variables holding an array job's index, in the order they are looked at. */
export const INDEX_VARIABLES = ['JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX', 'SLURM_ARRAY_TASK_ID'] as const;

function wholeNumber(text: string, what: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UserError(`${what}: expected a whole number, got ${JSON.stringify(text)}`);
  return Number(text.trim());
}

function checked(index: number, count: number, what: string): ShardSpec {
  if (count < 1) throw new UserError(`${what}: the shard count must be at least 1, got ${count}`);
  if (index >= count) throw new UserError(`${what}: shard index ${index} is not below the count ${count} (indices run from 0 to ${count - 1})`);
  return { index, count };
}

/** `--shard I/N` (I from 0). */
export function parseShard(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UserError(`--shard: expected I/N (e.g. 0/8, indices from 0), got ${JSON.stringify(text)}`);
  return checked(Number(m[1]), Number(m[2]), '--shard');
}

/** The index an array job gives this task, 0-based, or undefined outside one. */
export function indexFromEnv(env: NodeJS.ProcessEnv): { index: number; variable: string } | undefined {
  for (const name of INDEX_VARIABLES) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const id = wholeNumber(raw, name);
    return { index: name === 'SLURM_ARRAY_TASK_ID' ? slurmIndex(id, env) : id, variable: name };
  }
  return undefined;
}

function optionalWhole(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : wholeNumber(raw, name);
}

/**
 * Slurm numbers an array's tasks as written: `--array=1-8` gives 1..8, `--array=0-10:2` gives 0, 2, …, 10. The
 * shard index is the task's position, (ID − MIN) / STEP. A list that is no single progression (`--array=1,3,7`)
 * has no such position: refused in one line rather than guessed.
 */
function slurmIndex(id: number, env: NodeJS.ProcessEnv): number {
  const min = optionalWhole(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
  const step = optionalWhole(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
  const max = optionalWhole(env, 'SLURM_ARRAY_TASK_MAX');
  const count = optionalWhole(env, 'SLURM_ARRAY_TASK_COUNT');
  const unusable = (why: string): UserError =>
    new UserError(`SLURM_ARRAY_TASK_ID ${id}: ${why}; submit the array as a range, e.g. --array=0-7 or --array=0-14:2, or pass --shard I/N`);
  if (step < 1) throw unusable(`SLURM_ARRAY_TASK_STEP is ${step}`);
  if (id < min || (id - min) % step !== 0) throw unusable(`not on the array's range from ${min} in steps of ${step}`);
  if (max !== undefined && count !== undefined && (max - min) / step + 1 !== count) {
    throw unusable(`the array (${count} tasks from ${min} to ${max}, step ${step}) is not one evenly stepped range`);
  }
  return (id - min) / step;
}

/**
 * The shard this process runs: `--shard I/N`; or `--shards N` (else SPILLWAY_SHARDS, else Slurm's
 * SLURM_ARRAY_TASK_COUNT) with the index from the array job's variable. Undefined: not sharded.
 */
export function resolveShard(shard: string | undefined, shards: number | undefined, env: NodeJS.ProcessEnv = process.env): ShardSpec | undefined {
  if (shard !== undefined) {
    if (shards !== undefined) throw new UserError('--shard I/N and --shards N: give one of them');
    return parseShard(shard);
  }
  let count = shards;
  let countFrom = '--shards';
  if (count === undefined && env.SPILLWAY_SHARDS) [count, countFrom] = [wholeNumber(env.SPILLWAY_SHARDS, 'SPILLWAY_SHARDS'), 'SPILLWAY_SHARDS'];
  if (count === undefined && env.SLURM_ARRAY_TASK_COUNT && env.SLURM_ARRAY_TASK_ID) {
    [count, countFrom] = [wholeNumber(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT'), 'SLURM_ARRAY_TASK_COUNT'];
  }
  if (count === undefined) return undefined;
  if (!Number.isInteger(count)) throw new UserError(`${countFrom}: expected a whole number, got ${count}`);
  const found = indexFromEnv(env);
  if (!found) throw new UserError(`${countFrom} ${count}: no shard index: set ${INDEX_VARIABLES.join(', ')} (an array job does), or pass --shard I/N`);
  return checked(found.index, count, `${found.variable} with ${countFrom} ${count}`);
}

export function shardRuns<T>(runs: readonly T[], shard: ShardSpec): T[] {
  return runs.filter((_, i) => i % shard.count === shard.index);
}

export function shardName(shard: ShardSpec): string {
  return `${shard.index}-of-${shard.count}`;
}

export function shardDir(outDir: string, shard: ShardSpec): string {
  return join(outDir, SHARDS_DIR, shardName(shard));
}

export function runPlan(runs: readonly RunSpec[]): string {
  return stableId(runs.map((r) => r.id));
}

/** Mark a shard that ran to the end (failed runs included: merge names them) as finished. */
export function markShardDone(spec: SweepSpec, out: string, shard: ShardSpec, outcome: SweepOutcome): void {
  const done: ShardDone = {
    index: shard.index,
    count: shard.count,
    plan: runPlan(expandRuns(spec)),
    runs: outcome.total,
    recorded: outcome.skipped + outcome.ran,
    failed: outcome.failed.length,
  };
  writeFileAtomic(join(shardDir(out, shard), SHARD_DONE_FILE), `${JSON.stringify(done, null, 2)}\n`);
}

/** The shard's finish marker, or undefined when the shard has not finished (or never ran). */
export function readShardDone(dir: string): ShardDone | undefined {
  const file = join(dir, SHARD_DONE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const done = JSON.parse(readFileSync(file, 'utf8')) as ShardDone;
    if (typeof done.plan !== 'string' || !Number.isInteger(done.index) || !Number.isInteger(done.count)) throw new Error('missing fields');
    return done;
  } catch (err) {
    throw new UserError(`${file}: not a shard marker (${(err as Error).message}); rerun that shard`);
  }
}
