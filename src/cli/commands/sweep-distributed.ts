/**
 * The options of `spillway sweep` that take it beyond one machine, and what they build: `--executor lambda`
 * (runs fanned out to the simulator function, see docs/SWEEPS.md "Lambda fan-out") and `--shard I/N` /
 * `--shards N` (an array job's share, see "Sharded sweeps").
 */
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { InProcessExecutor, type Executor } from '../../experiment/sweep/executor.js';
import { LambdaBill } from '../../experiment/sweep/lambda/bill.js';
import { LambdaExecutor } from '../../experiment/sweep/lambda/executor.js';
import { parseS3Url, s3ObjectStore } from '../../experiment/sweep/lambda/object-store.js';
import { inputFiles } from '../../experiment/sweep/lambda/payload.js';
import type { SweepOptions, SweepOutcome } from '../../experiment/sweep/run.js';
import { importRunner, makeRunFn } from '../../experiment/sweep/runner-adapter.js';
import { markShardDone, resolveShard, shardDir, shardRuns, type ShardSpec } from '../../experiment/sweep/shard.js';
import type { SweepSpec } from '../../experiment/sweep/types.js';
import { WorkerThreadExecutor } from '../../experiment/sweep/worker-executor.js';
import { makeLambdaClient } from '../../functions/client.js';
import { repoRoot } from '../../functions/paths.js';
import { loadPlatformModel } from '../../serverless/model-file.js';
import { UserError } from '../../util/errors.js';

export interface DistributedArgs {
  executor: string;
  function?: string;
  concurrency?: number;
  group: number;
  endpoint?: string;
  region?: string;
  s3?: string;
  s3Above?: number;
  pricing?: string;
  shard?: string;
  shards?: number;
}

export function withDistributedOptions<T>(y: Argv<T>): Argv<T & DistributedArgs> {
  return y
    .option('executor', { type: 'string', default: 'workers', choices: ['workers', 'lambda'], describe: 'where runs execute' })
    .option('function', { type: 'string', describe: 'lambda: the simulator function (spillway lambda deploy --simulator)' })
    .option('concurrency', { type: 'number', describe: 'lambda: invocations in flight (default 10)' })
    .option('group', { type: 'number', default: 1, describe: 'lambda: runs per invocation' })
    .option('endpoint', { type: 'string', describe: 'lambda: local endpoint URL (spillway lambda serve); omit for AWS' })
    .option('region', { type: 'string', describe: 'lambda: AWS region (default: AWS_REGION)' })
    .option('s3', { type: 'string', describe: 'lambda: s3://bucket/prefix for inputs and outputs too large for a request' })
    .option('s3-above', { type: 'number', describe: 'lambda, with --s3: send inputs and responses over this many bytes through S3 (default 4 MB in, 5 MB out)' })
    .option('pricing', { type: 'string', describe: 'lambda: platform model whose billing prices the bill (default models/aws-lambda-nodejs-1024.json)' })
    .option('shard', { type: 'string', describe: "run shard I of N only (I from 0), e.g. 3/8, into <out>/shards/; then 'sweep merge'" })
    .option('shards', { type: 'number', describe: 'shard count; the index comes from JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX or SLURM_ARRAY_TASK_ID' }) as Argv<
    T & DistributedArgs
  >;
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new UserError(`--${name}: expected a whole number >= 1, got ${v}`);
  return v;
}

async function lambdaExecutor(a: DistributedArgs, spec: SweepSpec): Promise<LambdaExecutor> {
  if (!a.function) throw new UserError('--executor lambda needs --function NAME (deploy it with: spillway lambda deploy --simulator)');
  const concurrency = positiveInt('concurrency', a.concurrency ?? 10);
  const group = positiveInt('group', a.group);
  const pricing = resolve(a.pricing ?? resolve(repoRoot(), 'models', 'aws-lambda-nodejs-1024.json'));
  const model = loadPlatformModel(pricing);
  let s3: ConstructorParameters<typeof LambdaExecutor>[0]['s3'];
  if (a.s3 !== undefined) {
    let where;
    try {
      where = parseS3Url(a.s3, '--s3');
    } catch (err) {
      throw new UserError((err as Error).message);
    }
    const above = a.s3Above === undefined ? {} : { aboveBytes: positiveInt('s3-above', a.s3Above) };
    const store = await s3ObjectStore({ region: a.region, endpoint: process.env.SPILLWAY_S3_ENDPOINT || undefined });
    // Before the output folder is claimed: a missing bucket must not leave a half-made sweep behind.
    try {
      await store.checkBucket?.(where.bucket);
    } catch (err) {
      throw err instanceof UserError ? new UserError(`--s3 ${err.message}`) : err;
    }
    s3 = { store, ...where, ...above };
  } else if (a.s3Above !== undefined) {
    throw new UserError('--s3-above applies with --s3 only');
  }
  const client = makeLambdaClient({ endpoint: a.endpoint, region: a.region, maxAttempts: 5, maxSockets: concurrency, requestTimeoutMs: 16 * 60_000 });
  const probe = new LambdaExecutor({ client, functionName: a.function, concurrency, inputFiles: () => [], ...(a.endpoint !== undefined ? { endpoint: a.endpoint } : {}) });
  const memoryMb = await probe.memoryMb();
  return new LambdaExecutor({
    client,
    functionName: a.function,
    concurrency,
    groupSize: group,
    inputFiles: (runs) => inputFiles(spec, runs),
    bill: new LambdaBill(model.billing, pricing, memoryMb),
    ...(s3 ? { s3 } : {}),
    ...(a.endpoint !== undefined ? { endpoint: a.endpoint } : {}),
  });
}

export async function makeExecutor(a: DistributedArgs, spec: SweepSpec, workers: number): Promise<Executor> {
  if (a.executor === 'lambda') return lambdaExecutor(a, spec);
  for (const flag of ['function', 'concurrency', 'endpoint', 's3', 's3Above', 'pricing'] as const) {
    if (a[flag] !== undefined) throw new UserError(`--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} applies to --executor lambda only`);
  }
  return workers === 0 ? new InProcessExecutor(makeRunFn(await importRunner())) : new WorkerThreadExecutor({ workers });
}

/** Where a (possibly sharded) sweep records, and which runs it takes. */
export function shardPlan(a: DistributedArgs, out: string): { shard?: ShardSpec; store: string; select?: SweepOptions['select'] } {
  const shard = resolveShard(a.shard, a.shards);
  if (!shard) return { store: out };
  return { shard, store: shardDir(out, shard), select: (runs) => shardRuns(runs, shard) };
}

/** A shard has run: mark it finished (even with failed runs: merge names them) and say what to do next. */
export function finishShard(spec: SweepSpec, out: string, shard: ShardSpec, outcome: SweepOutcome): void {
  const recorded = outcome.skipped + outcome.ran;
  markShardDone(spec, out, shard, outcome);
  process.stdout.write(
    `sweep ${spec.name} shard ${shard.index}/${shard.count}: ${recorded} of ${outcome.total} runs recorded in ${shardDir(out, shard)}` +
      `; when every shard is done: spillway sweep merge ${spec.file} --out ${out}\n`,
  );
  if (outcome.failed.length > 0) {
    process.stderr.write(`spillway: ${outcome.failed.length} run(s) of this shard failed (see above); rerun the shard to retry them.\n`);
    process.exitCode = 1;
  }
}
