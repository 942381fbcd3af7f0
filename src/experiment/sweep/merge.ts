/**
 * `spillway sweep merge`: join the shard stores of a sharded sweep into the sweep directory, then write the same
 * results, ranking and outputs a local sweep writes (through runSweep, so there is one path to results.json).
 * A shard that has not finished is named and nothing is written; a run its shard failed is reported as failed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../util/errors.js';
import type { Executor } from './executor.js';
import { expandRuns } from './expand.js';
import { inputHashes } from './inputs.js';
import { runSweep, type SweepOptions, type SweepOutcome } from './run.js';
import { MANIFEST_FILE, SweepStore, readRuns, type Manifest } from './store.js';
import { SHARDS_DIR, SHARD_DONE_FILE, readShardDone, runPlan, shardDir, shardRuns, type ShardSpec } from './shard.js';
import type { RunOutcome, RunRecord, RunSpec, SweepSpec } from './types.js';

/** Every run handed to it is reported failed: it was not recorded by the shard that owned it. */
class UnrecordedRuns implements Executor {
  readonly concurrency = 1;
  constructor(private readonly ownerOf: (id: string) => ShardSpec) {}
  async *execute(runs: readonly RunSpec[]): AsyncIterable<RunOutcome> {
    for (const run of runs) {
      const s = this.ownerOf(run.id);
      const message = `not recorded by shard ${s.index}/${s.count} (it failed there; rerun that shard with --shard ${s.index}/${s.count}, then merge again)`;
      yield { id: run.id, ok: false, error: { name: 'Error', message } };
    }
  }
  async close(): Promise<void> {}
}

/** The shard count: given, or the one all shard directories agree on. */
function shardCount(root: string, given: number | undefined): number {
  if (given !== undefined) {
    if (!Number.isInteger(given) || given < 1) throw new UserError(`--shards: expected a whole number >= 1, got ${given}`);
    return given;
  }
  const counts = new Set(
    readdirSync(root)
      .map((name) => /^\d+-of-(\d+)$/.exec(name)?.[1])
      .filter((c): c is string => c !== undefined)
      .map(Number),
  );
  if (counts.size === 0) throw new UserError(`${root}: no shard directories (<I>-of-<N>) to merge`);
  if (counts.size > 1) throw new UserError(`${root}: shards of different counts (${[...counts].sort((a, b) => a - b).join(', ')}); pass --shards N`);
  return [...counts][0]!;
}

function checkInputs(dir: string, current: Record<string, string>): void {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return;
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  for (const [path, hash] of Object.entries(current)) {
    const before = manifest.inputs?.[path];
    if (before !== undefined && before !== hash) throw new UserError(`${file}: ${path} changed since this shard ran (content hash differs); rerun the shard`);
  }
}

/** Read every shard's records; refuse (one line) when a shard is missing, unfinished, or from another sweep. */
export function collectShards(spec: SweepSpec, out: string, shards?: number): { count: number; records: RunRecord[]; ownerOf: (id: string) => ShardSpec } {
  const root = join(out, SHARDS_DIR);
  const cmd = `spillway sweep ${spec.file} --out ${out} --shard`;
  if (!existsSync(root)) throw new UserError(`${root}: no shards to merge; run \`${cmd} I/N\` for each I first`);
  const count = shardCount(root, shards);
  const runs = expandRuns(spec);
  const plan = runPlan(runs);
  const current = inputHashes(spec);
  const missing: number[] = [];
  const records: RunRecord[] = [];
  const owner = new Map<string, ShardSpec>();
  for (let index = 0; index < count; index++) {
    const shard = { index, count };
    const dir = shardDir(out, shard);
    const done = readShardDone(dir);
    if (!done) {
      missing.push(index);
      continue;
    }
    if (done.plan !== plan || done.count !== count || done.index !== index) {
      throw new UserError(`${join(dir, SHARD_DONE_FILE)}: shard ${index}/${count} ran a different sweep plan (the sweep file changed); rerun it`);
    }
    checkInputs(dir, current);
    const mine = new Set(shardRuns(runs, shard).map((r) => r.id));
    for (const id of mine) owner.set(id, shard);
    for (const rec of readRuns(dir).values()) if (mine.has(rec.id)) records.push(rec);
  }
  if (missing.length > 0) {
    const names = missing.map((i) => `${i}/${count}`).join(', ');
    throw new UserError(`${root}: shard${missing.length > 1 ? 's' : ''} ${names} missing or unfinished (no ${SHARD_DONE_FILE}); run \`${cmd} ${missing[0]}/${count}\``);
  }
  return { count, records, ownerOf: (id) => owner.get(id)! };
}

/** Merge the shards into `options.out` and write results; the outcome is runSweep's. */
export async function mergeShards(spec: SweepSpec, options: Omit<SweepOptions, 'executor' | 'select'> & { shards?: number }): Promise<SweepOutcome & { shards: number }> {
  const { count, records, ownerOf } = collectShards(spec, options.out, options.shards);
  const store = SweepStore.open(options.out, spec);
  try {
    for (const rec of records) if (!store.records.has(rec.id)) store.append(rec);
  } finally {
    store.close();
  }
  const outcome = await runSweep(spec, { ...options, executor: new UnrecordedRuns(ownerOf) });
  return { ...outcome, shards: count };
}
