/**
 * Sweeps beyond one machine, end to end (npm run test:e2e:fanout, after npm run build):
 * - the simulator function deployed to the local Lambda endpoint (real Invoke API, real SDK) with throttles and
 *   function errors injected; the sweep through it at concurrency 2 (in-process) and 4 (the CLI);
 * - three shards as separate processes, then `sweep merge`; and a missing shard.
 * Each must record every run exactly once and write a results.json byte-identical to the local sweep's.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInvokeServer, type InvokeServer } from '../../src/endpoint/index.js';
import * as runner from '../../src/experiment/runner.js';
import { InProcessExecutor } from '../../src/experiment/sweep/executor.js';
import { LambdaBill } from '../../src/experiment/sweep/lambda/bill.js';
import { buildSimulatorBundle } from '../../src/experiment/sweep/lambda/bundle.js';
import { LambdaExecutor } from '../../src/experiment/sweep/lambda/executor.js';
import { inputFiles } from '../../src/experiment/sweep/lambda/payload.js';
import { loadSweep } from '../../src/experiment/sweep/load.js';
import { runSweep } from '../../src/experiment/sweep/run.js';
import { makeRunFn } from '../../src/experiment/sweep/runner-adapter.js';
import { makeLambdaClient } from '../../src/functions/client.js';
import { deployLambda } from '../../src/functions/deploy.js';
import { loadPlatformModel } from '../../src/serverless/model-file.js';
import { loadTrace } from '../../src/workload/parse.js';

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
