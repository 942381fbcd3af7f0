/**
 * Sweeps beyond one machine, end to end (npm run test:e2e:fanout, after npm run build):
 * - the simulator function deployed to the local Lambda endpoint (real Invoke API, real SDK) with throttles and
 *   function errors injected; the sweep through it at concurrency 2 (in-process) and 4 (the CLI);
 * - the same through the CLI with `--s3` against a real S3 protocol server (moto_server on 127.0.0.1) and a spill
 *   threshold of 1 byte, so the input set and every response travel through the bucket;
 * - three shards as separate processes, then `sweep merge`; and a missing shard.
 * Each must record every run exactly once and write a results.json byte-identical to the local sweep's.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInvokeServer, type InvokeServer } from '../../src/endpoint/index.js';
import * as runner from '../../src/experiment/runner.js';
import { InProcessExecutor } from '../../src/experiment/sweep/executor.js';
import { LambdaBill } from '../../src/experiment/sweep/lambda/bill.js';
import { buildSimulatorBundle } from '../../src/experiment/sweep/lambda/bundle.js';
import { LambdaExecutor } from '../../src/experiment/sweep/lambda/executor.js';
import { inputFiles, packInputs } from '../../src/experiment/sweep/lambda/payload.js';
import { expandRuns } from '../../src/experiment/sweep/expand.js';
import { loadSweep } from '../../src/experiment/sweep/load.js';
import { runSweep } from '../../src/experiment/sweep/run.js';
import { makeRunFn } from '../../src/experiment/sweep/runner-adapter.js';
import { makeLambdaClient } from '../../src/functions/client.js';
import { deployLambda } from '../../src/functions/deploy.js';
import { loadPlatformModel } from '../../src/serverless/model-file.js';
import { loadTrace } from '../../src/workload/parse.js';
import { startS3Server, type S3Server } from '../helpers/s3-server.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SWEEP = join(ROOT, 'test/experiment/sweep-fixtures/real/fanout.json');
const MODEL = join(ROOT, 'models/aws-lambda-nodejs-1024.json');
const CLI = join(ROOT, 'dist/src/cli/main.js');
const FUNCTION = 'spillway-sweep';

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function recordedIds(out: string): string[] {
  return readFileSync(join(out, 'runs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).id as string);
}

let server: InvokeServer;
let expected: string;
const scratch = mkdtempSync(join(tmpdir(), 'spillway-fanout-'));

beforeAll(async () => {
  const local = join(scratch, 'local');
  await runSweep(loadSweep(SWEEP), { out: local, executor: new InProcessExecutor(makeRunFn({ ...runner, loadTrace })) });
  expected = readFileSync(join(local, 'results.json'), 'utf8');
  server = await startInvokeServer({ functionName: null, throttleRate: 0.3, errorRate: 0.2, seed: 'fanout' });
  await deployLambda({ functionName: FUNCTION, endpoint: server.url, bundle: await buildSimulatorBundle(), timeoutS: 300 });
});

afterAll(async () => {
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('Lambda fan-out through the local endpoint, with throttles and function errors injected', () => {
  it('concurrency 2: every run once, results.json identical to the local sweep', async () => {
    const spec = loadSweep(SWEEP);
    const client = makeLambdaClient({ endpoint: server.url, maxAttempts: 5, maxSockets: 2 });
    const executor = new LambdaExecutor({
      client,
      functionName: FUNCTION,
      concurrency: 2,
      inputFiles: (runs) => inputFiles(spec, runs),
      bill: new LambdaBill(loadPlatformModel(MODEL).billing, MODEL, 1024),
    });
    const out = join(scratch, 'lambda-2');
    const outcome = await runSweep(spec, { out, executor });
    await executor.close();
    expect(outcome).toMatchObject({ complete: true, total: 8, ran: 8, failed: [] });
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe(expected);
    const ids = recordedIds(out);
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(8);
    const stats = server.stats();
    // The faults really happened, and the executor never had more than 2 invocations in flight.
    expect(stats.throttles).toBeGreaterThan(0);
    expect(stats.functionErrors).toBeGreaterThan(0);
    expect(stats.maxConcurrency).toBeLessThanOrEqual(2);
    expect(executor.stats.functionErrors).toBe(stats.functionErrors);
    expect(executor.stats.invocations).toBe(stats.invocations);
  });

  it('concurrency 4 through the CLI: same results.json, the bill reported', async () => {
    const out = join(scratch, 'lambda-4');
    const before = server.stats();
    const r = await cli(['sweep', SWEEP, '--executor', 'lambda', '--function', FUNCTION, '--endpoint', server.url, '--concurrency', '4', '--out', out, '--no-report']);
    expect(r.stderr).not.toMatch(/failed/);
    expect(r.code).toBe(0);
    const invocations = server.stats().invocations - before.invocations;
    expect(r.stdout).toContain(`lambda ${FUNCTION}: ${invocations} invocations at concurrency 4 (groups of 1)`);
    expect(r.stdout).toMatch(new RegExp(`lambda bill: ${invocations} invocations, [0-9.]+ s billed, [0-9.]+ GB-s → \\$[0-9.]+ \\(at \\$0.0000166667/GB-s`));
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe(expected);
    expect(new Set(recordedIds(out)).size).toBe(8);
    expect(recordedIds(out)).toHaveLength(8);
    expect(server.stats().maxConcurrency).toBeLessThanOrEqual(4);
  });
});

describe('Lambda fan-out with the input set and the responses through S3 (moto_server, the S3 protocol)', () => {
  // Fake static credentials for the local server only, through the standard variables; never printed.
  const FAKE = { AWS_ACCESS_KEY_ID: 'spillway-local-key', AWS_SECRET_ACCESS_KEY: 'spillway-local-secret' };
  const BUCKET = 'spillway-sweeps';
  const PREFIX = 'fanout/run-1';
  let s3: S3Server;
  let client: S3Client;
  let endpoint: string;

  beforeAll(async () => {
    s3 = await startS3Server();
    client = new S3Client({ endpoint: s3.url, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: FAKE.AWS_ACCESS_KEY_ID, secretAccessKey: FAKE.AWS_SECRET_ACCESS_KEY } });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    // The store is named by host name: for an IP address the SDK picks path-style addressing by itself, so only a
    // name (virtual-hosted style would ask for <bucket>.localhost) shows that the code asks for path-style.
    endpoint = s3.url.replace('127.0.0.1', 'localhost');
    const environment = { ...FAKE, SPILLWAY_S3_ENDPOINT: endpoint };
    await deployLambda({ functionName: `${FUNCTION}-s3`, endpoint: server.url, bundle: await buildSimulatorBundle(), timeoutS: 300, environment });
  });

  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
  });

  it('--s3 with --s3-above 1: results.json identical; the input set and one response per run are objects in the bucket', async () => {
    const out = join(scratch, 'lambda-s3');
    const env = { ...FAKE, SPILLWAY_S3_ENDPOINT: endpoint, AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_PROFILE: '', AWS_SESSION_TOKEN: '' };
    const r = await cli(
      ['sweep', SWEEP, '--executor', 'lambda', '--function', `${FUNCTION}-s3`, '--endpoint', server.url, '--concurrency', '4', '--out', out, '--no-report',
        '--s3', `s3://${BUCKET}/${PREFIX}`, '--s3-above', '1'],
      env,
    );
    expect(r.stderr).not.toMatch(/failed/);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe(expected);
    const ids = recordedIds(out);
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(8);

    const keys = ((await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${PREFIX}/` }))).Contents ?? []).map((o) => o.Key!).sort();
    const inputs = keys.filter((k) => k.startsWith(`${PREFIX}/inputs/`));
    expect(inputs).toHaveLength(1);
    const hash = /inputs\/([0-9a-f]+)\.json$/.exec(inputs[0]!)![1]!;
    const set = JSON.parse(Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: inputs[0]! }))).Body!.transformToByteArray()).toString('utf8'));
    const spec = loadSweep(SWEEP);
    const packed = packInputs(inputFiles(spec, expandRuns(spec)));
    expect(hash).toBe(packed.set.hash);
    expect(Object.keys(set).sort()).toEqual(Object.keys(packed.set.files!).sort());
    // One response object per run (groups of 1), each holding that run's outcome; a retried group overwrote its own.
    const outputs = keys.filter((k) => k.startsWith(`${PREFIX}/outputs/`));
    expect(outputs).toEqual(ids.map((id) => `${PREFIX}/outputs/${hash}/${id}-1.json`).sort());
    expect(keys).toHaveLength(9);
    const one = JSON.parse(Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: outputs[0]! }))).Body!.transformToByteArray()).toString('utf8'));
    expect(one.outcomes.map((o: { id: string; ok: boolean }) => [outputs[0]!.endsWith(`/${o.id}-1.json`), o.ok])).toEqual([[true, true]]);
    expect(`${r.stdout}${r.stderr}`).not.toContain(FAKE.AWS_SECRET_ACCESS_KEY);
  });

  it('a bucket that does not exist: one line naming it, exit 2, nothing written', async () => {
    const r = await cli(
      ['sweep', SWEEP, '--executor', 'lambda', '--function', `${FUNCTION}-s3`, '--endpoint', server.url, '--out', join(scratch, 'lambda-s3-nobucket'), '--no-report',
        '--s3', 's3://no-such-bucket/p', '--s3-above', '1'],
      { ...FAKE, SPILLWAY_S3_ENDPOINT: endpoint, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    );
    expect(r.code).toBe(2);
    // stderr: the progress line ("sweep fanout: 8 runs"), then the one line; no stack trace.
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('spillway:') || /^\s+at /.test(l))).toEqual([lines.at(-1)]);
    expect(lines.at(-1)).toMatch(/^spillway: --s3 s3:\/\/no-such-bucket: NoSuchBucket: the bucket does not exist$/);
    expect(existsSync(join(scratch, 'lambda-s3-nobucket'))).toBe(false);
  });
});

describe('index-sharded sweeps as separate processes', () => {
  it('three shards (one indexed by JOB_COMPLETION_INDEX), merged: results.json identical; a missing shard named in one line', async () => {
    const out = join(scratch, 'sharded');
    const shards = await Promise.all([
      cli(['sweep', SWEEP, '--shard', '0/3', '--workers', '0', '--out', out]),
      cli(['sweep', SWEEP, '--shards', '3', '--workers', '0', '--out', out], { JOB_COMPLETION_INDEX: '1' }),
      cli(['sweep', SWEEP, '--shard', '2/3', '--workers', '0', '--out', out]),
    ]);
    expect(shards.map((s) => s.code)).toEqual([0, 0, 0]);
    expect(shards[1]!.stdout).toContain('shard 1/3: 3 of 3 runs recorded');
    const partial = join(scratch, 'partial');
    cpSync(out, partial, { recursive: true });
    const merged = await cli(['sweep', 'merge', SWEEP, '--out', out, '--no-report']);
    expect(merged.code).toBe(0);
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe(expected);
    expect(recordedIds(out).sort()).toEqual([...new Set(recordedIds(out))].sort());
    expect(recordedIds(out)).toHaveLength(8);

    rmSync(join(partial, 'shards', '2-of-3'), { recursive: true });
    const missing = await cli(['sweep', 'merge', SWEEP, '--out', partial, '--no-report']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^spillway: .*partial\/shards: shard 2\/3 missing or unfinished \(no shard\.json\); run `spillway sweep .*fanout\.json --out .*partial --shard 2\/3`\n$/);
  });
});
