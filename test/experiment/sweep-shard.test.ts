/** Index-sharded sweeps: which shard a process runs, the split, and merging shard stores into the same results. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSweep } from '../../src/experiment/sweep/load.js';
import { collectShards, mergeShards } from '../../src/experiment/sweep/merge.js';
import { runSweep } from '../../src/experiment/sweep/run.js';
import { markShardDone, parseShard, resolveShard, shardDir, shardRuns, type ShardSpec } from '../../src/experiment/sweep/shard.js';
import type { SweepSpec } from '../../src/experiment/sweep/types.js';
import { UserError } from '../../src/util/errors.js';
import { BASE_SWEEP, fakeExecutor, fakeRunFn, read, scratch, writeSweep } from './sweep-helpers.js';

describe('which shard this process runs', () => {
  it('parses --shard I/N (I from 0) and refuses what is not one', () => {
    expect(parseShard('3/8')).toEqual({ index: 3, count: 8 });
    expect(parseShard(' 0 / 1 ')).toEqual({ index: 0, count: 1 });
    expect(() => parseShard('8/8')).toThrow(/shard index 8 is not below the count 8/);
    expect(() => parseShard('1/0')).toThrow(/at least 1/);
    expect(() => parseShard('2-8')).toThrow(/expected I\/N/);
    expect(() => parseShard('-1/8')).toThrow(UserError);
  });

  it('takes the index from the array job (Kubernetes, AWS Batch, Slurm) and the count from --shards or the environment', () => {
    expect(resolveShard(undefined, 4, { JOB_COMPLETION_INDEX: '2' })).toEqual({ index: 2, count: 4 });
    expect(resolveShard(undefined, 4, { AWS_BATCH_JOB_ARRAY_INDEX: '3' })).toEqual({ index: 3, count: 4 });
    expect(resolveShard(undefined, undefined, { SPILLWAY_SHARDS: '5', AWS_BATCH_JOB_ARRAY_INDEX: '4' })).toEqual({ index: 4, count: 5 });
    // Slurm: --array=1-6 gives ids 1..6; the shard index is the id minus the first one, the count Slurm's own.
    expect(resolveShard(undefined, undefined, { SLURM_ARRAY_TASK_ID: '6', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '6' })).toEqual({ index: 5, count: 6 });
    expect(resolveShard(undefined, undefined, { JOB_COMPLETION_INDEX: '2' })).toBeUndefined(); // no count: not sharded
    expect(() => resolveShard(undefined, undefined, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '6' })).toThrow(
      /^SLURM_ARRAY_TASK_ID 0: not on the array's range from 1 in steps of 1;/,
    );
    expect(resolveShard('1/2', undefined, { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 1, count: 2 });
    expect(() => resolveShard(undefined, 4, {})).toThrow(/no shard index: set JOB_COMPLETION_INDEX/);
    expect(() => resolveShard(undefined, 4, { JOB_COMPLETION_INDEX: '4' })).toThrow(/JOB_COMPLETION_INDEX with --shards 4: shard index 4 is not below/);
    expect(() => resolveShard(undefined, 4, { JOB_COMPLETION_INDEX: 'x' })).toThrow(/JOB_COMPLETION_INDEX: expected a whole number/);
    expect(() => resolveShard('0/2', 2, {})).toThrow(/give one of them/);
  });

  it('Slurm arrays with a step (--array=0-10:2, 3-15:4): index = (ID - MIN) / STEP, one shard per task', () => {
    const slurm = (id: number, min: number, max: number, step: number, count: number): NodeJS.ProcessEnv => ({
      SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: String(min), SLURM_ARRAY_TASK_MAX: String(max),
      SLURM_ARRAY_TASK_STEP: String(step), SLURM_ARRAY_TASK_COUNT: String(count),
    });
    // --array=0-10:2: tasks 0, 2, 4, 6, 8, 10 are shards 0..5 of 6.
    expect([0, 2, 4, 6, 8, 10].map((id) => resolveShard(undefined, undefined, slurm(id, 0, 10, 2, 6)))).toEqual(
      [0, 1, 2, 3, 4, 5].map((index) => ({ index, count: 6 })),
    );
    expect(resolveShard(undefined, undefined, slurm(11, 3, 15, 4, 4))).toEqual({ index: 2, count: 4 });
    expect(resolveShard(undefined, 4, { SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_MIN: '3', SLURM_ARRAY_TASK_STEP: '2' })).toEqual({ index: 3, count: 4 });
    // Property: for any range and step, the tasks Slurm starts are exactly shards 0..count-1.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 7 }), (min, count, step) => {
        const max = min + (count - 1) * step;
        const got = Array.from({ length: count }, (_, k) => resolveShard(undefined, undefined, slurm(min + k * step, min, max, step, count))!.index);
        expect(got).toEqual(Array.from({ length: count }, (_, k) => k));
      }),
    );
    // An id off the progression, or a list that is no single progression (--array=1,3,7), is refused in one line.
    expect(() => resolveShard(undefined, undefined, slurm(3, 0, 10, 2, 6))).toThrow(/^SLURM_ARRAY_TASK_ID 3: not on the array's range from 0 in steps of 2; submit/);
    expect(() => resolveShard(undefined, undefined, slurm(3, 1, 7, 1, 3))).toThrow(/^SLURM_ARRAY_TASK_ID 3: the array \(3 tasks from 1 to 7, step 1\) is not one evenly stepped range;/);
    expect(() => resolveShard(undefined, undefined, slurm(2, 0, 10, 0, 6))).toThrow(/SLURM_ARRAY_TASK_STEP is 0/);
  });

  it('the N shards partition the runs: every run in exactly one shard, sizes within one of each other', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 40 }), (n, count) => {
        const runs = Array.from({ length: n }, (_, i) => i);
        const parts = Array.from({ length: count }, (_, index) => shardRuns(runs, { index, count }));
        expect(parts.flat().sort((a, b) => a - b)).toEqual(runs);
        const sizes = parts.map((p) => p.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

async function runShard(spec: SweepSpec, out: string, shard: ShardSpec, runFn = fakeRunFn()): Promise<void> {
  const outcome = await runSweep(spec, { out: shardDir(out, shard), select: (runs) => shardRuns(runs, shard), executor: fakeExecutor(runFn), log: () => undefined });
  markShardDone(spec, out, shard, outcome);
}

describe('sweep merge', () => {
  it('merged shards give byte-identical results.json, results.csv and cdf/ to the local sweep', async () => {
    const dir = scratch();
    const spec = loadSweep(writeSweep(dir, BASE_SWEEP));
    const local = join(dir, 'local');
    await runSweep(spec, { out: local, executor: fakeExecutor() });
    const out = join(dir, 'sharded');
    for (const index of [2, 0, 3, 1]) await runShard(spec, out, { index, count: 4 });
    // A shard holds only its share: 42 runs over 4 shards.
    expect(read(shardDir(out, { index: 0, count: 4 }), 'runs.jsonl').trim().split('\n')).toHaveLength(11);
    expect(existsSync(join(shardDir(out, { index: 0, count: 4 }), 'results.json'))).toBe(false);
    const merged = await mergeShards(spec, { out });
    expect(merged).toMatchObject({ complete: true, total: 42, ran: 0, skipped: 42, shards: 4, failed: [] });
    for (const f of ['results.json', 'results.csv', 'cdf/r1.csv', 'cdf/r14.csv']) expect(read(out, f)).toBe(read(local, f));
    const ids = read(out, 'runs.jsonl').trim().split('\n').map((l) => JSON.parse(l).id);
    expect(new Set(ids).size).toBe(42);
    expect(ids).toHaveLength(42);
    // Merging again changes nothing.
    await mergeShards(spec, { out });
    expect(read(out, 'runs.jsonl').trim().split('\n')).toHaveLength(42);
    expect(read(out, 'results.json')).toBe(read(local, 'results.json'));
  });

  it('names a missing or unfinished shard in one line and writes nothing', async () => {
    const dir = scratch();
    const spec = loadSweep(writeSweep(dir, BASE_SWEEP));
    const out = join(dir, 'sharded');
    await runShard(spec, out, { index: 0, count: 3 });
    await runShard(spec, out, { index: 2, count: 3 });
    const attempt = mergeShards(spec, { out });
    await expect(attempt).rejects.toThrow(UserError);
    const message = await attempt.catch((e: Error) => e.message);
    expect(message).toMatch(/shards: shard 1\/3 missing or unfinished \(no shard\.json\); run `spillway sweep .*test-sweep\.json --out .* --shard 1\/3`$/);
    expect(message).not.toContain('\n');
    expect(existsSync(join(out, 'results.json'))).toBe(false);
    expect(existsSync(join(out, 'runs.jsonl'))).toBe(false);
    // Started but not finished (killed): still missing.
    await runShard(spec, out, { index: 1, count: 3 });
    rmSync(join(shardDir(out, { index: 1, count: 3 }), 'shard.json'));
    rmSync(join(shardDir(out, { index: 2, count: 3 }), 'shard.json'));
    await expect(mergeShards(spec, { out })).rejects.toThrow(/shards 1\/3, 2\/3 missing or unfinished/);
    expect(() => collectShards(spec, join(dir, 'nowhere'))).toThrow(/nowhere\/shards: no shards to merge/);
  });

  it('refuses shards of another sweep plan or of mixed counts', async () => {
    const dir = scratch();
    const spec = loadSweep(writeSweep(dir, BASE_SWEEP));
    const out = join(dir, 'sharded');
    await runShard(spec, out, { index: 0, count: 2 });
    await runShard(spec, out, { index: 1, count: 2 });
    const more = loadSweep(writeSweep(dir, { ...BASE_SWEEP, seeds: 4 }));
    expect(() => collectShards(more, out)).toThrow(/0-of-2\/shard\.json: shard 0\/2 ran a different sweep plan/);
    await runShard(spec, out, { index: 0, count: 3 });
    expect(() => collectShards(spec, out)).toThrow(/shards of different counts \(2, 3\); pass --shards N/);
    expect(collectShards(spec, out, 2).records).toHaveLength(42);
  });

  it('a run its shard failed is reported as failed, naming the shard; the results leave it out', async () => {
    const dir = scratch();
    const spec = loadSweep(writeSweep(dir, BASE_SWEEP));
    const out = join(dir, 'sharded');
    const good = fakeRunFn();
    let calls = 0;
    const flaky: typeof good = (path, options) => {
      if (++calls === 2) throw new Error('simulated crash');
      return good(path, options);
    };
    await runShard(spec, out, { index: 0, count: 2 }, flaky);
    await runShard(spec, out, { index: 1, count: 2 });
    expect(JSON.parse(readFileSync(join(shardDir(out, { index: 0, count: 2 }), 'shard.json'), 'utf8'))).toMatchObject({ runs: 21, recorded: 20, failed: 1 });
    const lines: string[] = [];
    const merged = await mergeShards(spec, { out, log: (l) => lines.push(l) });
    expect(merged.complete).toBe(false);
    expect(merged.failed).toHaveLength(1);
    expect(merged.failed[0]!.message).toMatch(/^not recorded by shard 0\/2 .*--shard 0\/2/);
    expect(lines).toHaveLength(1);
    const rows = JSON.parse(read(out, 'results.json')).rows as { n: number }[];
    expect(rows.reduce((s, r) => s + r.n, 0)).toBe(41);
  });
});
