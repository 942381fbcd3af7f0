/**
 * The Lambda fan-out without a server: the executor talks to a fake client that throttles, fails and answers by
 * calling the real simulator handler in-process. The end-to-end run through the local endpoint is
 * test/e2e/fanout.test.ts (npm run test:e2e:fanout).
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as runner from '../../src/experiment/runner.js';
import { InProcessExecutor } from '../../src/experiment/sweep/executor.js';
import { expandRuns } from '../../src/experiment/sweep/expand.js';
import { LambdaBill } from '../../src/experiment/sweep/lambda/bill.js';
import { LambdaExecutor, type LambdaExecutorOptions } from '../../src/experiment/sweep/lambda/executor.js';
import { handler, useObjectStore } from '../../src/experiment/sweep/lambda/handler.js';
import type { ObjectStore } from '../../src/experiment/sweep/lambda/object-store.js';
import { fromRemote, inputFiles, packInputs, safeRelative, toRemote } from '../../src/experiment/sweep/lambda/payload.js';
import { loadSweep } from '../../src/experiment/sweep/load.js';
import { runSweep } from '../../src/experiment/sweep/run.js';
import { makeRunFn } from '../../src/experiment/sweep/runner-adapter.js';
import { loadPlatformModel } from '../../src/serverless/model-file.js';
import { UserError } from '../../src/util/errors.js';
import { loadTrace } from '../../src/workload/parse.js';
import { FIXTURES } from './sweep-helpers.js';
import { tempDir } from '../helpers/tmp.js';

const SWEEP = join(FIXTURES, 'real', 'sweep.json');

// The handler caches its input sets under <tmpdir>/spillway-inputs, as a warm Lambda environment would: here that
// tmpdir is a test-owned folder (removed after the file), so npm test leaves no cache behind.
beforeAll(() => {
  vi.stubEnv('TMPDIR', tempDir('spillway-lambda-tmpdir-'));
  return () => vi.unstubAllEnvs();
});
const MODEL = new URL('../../models/aws-lambda-nodejs-1024.json', import.meta.url).pathname;
const billing = loadPlatformModel(MODEL).billing;
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const report = (billed: number, mb = 1024): string =>
  b64(`START RequestId: x\nEND RequestId: x\nREPORT RequestId: x\tDuration: ${billed - 0.5} ms\tBilled Duration: ${billed} ms\tMemory Size: ${mb} MB\tMax Memory Used: 90 MB\t\n`);

type Behaviour = 'ok' | 'throttle' | 'error' | 'short' | 'missing';

/** A LambdaClient stand-in: call n behaves as script(n) says; 'ok' runs the real handler on the payload. */
function fakeClient(script: (call: number) => Behaviour): { client: LambdaClient; calls: () => number } {
  let calls = 0;
  const client = {
    async send(cmd: unknown) {
      if (!(cmd instanceof InvokeCommand)) return { MemorySize: 1024 };
      const behaviour = script(++calls);
      if (behaviour === 'missing') throw Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException' });
      if (behaviour === 'throttle') throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
      if (behaviour === 'error') {
        return { FunctionError: 'Unhandled', Payload: Buffer.from('{"errorType":"Spillway.InjectedFault","errorMessage":"boom"}'), LogResult: report(7), $metadata: {} };
      }
      const out = await handler(JSON.parse(Buffer.from(cmd.input.Payload as Uint8Array).toString('utf8')));
      if (behaviour === 'short') out.outcomes = out.outcomes!.slice(1);
      return { Payload: Buffer.from(JSON.stringify(out)), LogResult: report(100), $metadata: { attempts: 2 } };
    },
    destroy() {},
  };
  return { client: client as unknown as LambdaClient, calls: () => calls };
}

function executor(client: LambdaClient, extra: Partial<LambdaExecutorOptions> = {}): LambdaExecutor {
  const spec = loadSweep(SWEEP);
  return new LambdaExecutor({
    client,
    functionName: 'sim',
    concurrency: 2,
    inputFiles: (runs) => inputFiles(spec, runs),
    bill: new LambdaBill(billing, 'models/aws-lambda-nodejs-1024.json', 1024),
    backoffMs: () => 0,
    ...extra,
  });
}

async function localResults(): Promise<string> {
  const out = tempDir('spillway-lambda-local-');
  await runSweep(loadSweep(SWEEP), { out, executor: new InProcessExecutor(makeRunFn({ ...runner, loadTrace })) });
  return readFileSync(join(out, 'results.json'), 'utf8');
}

describe('the sweep bill', () => {
  it('prices each invocation from its REPORT line: request fee + billed s × GB × price', () => {
    const bill = new LambdaBill(billing, 'm.json', 2048);
    bill.add(report(1234, 1024), 999);
    // 1.234 s × 1 GB × 1.66667e-5 + 2e-7 = 2.0766708e-5 (the handler's 999 ms is ignored when REPORT is there)
    expect(bill.usd).toBeCloseTo(1.234 * 1.66667e-5 + 2e-7, 15);
    // No REPORT line: the handler's 10.2 ms rounds up to 11 ms, at the configured 2,048 MB.
    bill.add(undefined, 10.2);
    expect(bill.invocations).toBe(2);
    expect(bill.billedMs).toBe(1245);
    expect(bill.gbSeconds).toBeCloseTo(1.234 + 0.011 * 2, 12);
    expect(bill.estimated).toBe(1);
    expect(bill.usd).toBeCloseTo(1.256 * 1.66667e-5 + 2 * 2e-7, 15);
    expect(bill.line()).toMatch(/^lambda bill: 2 invocations, 1\.2 s billed, 1\.26 GB-s → \$0\.0000213 .*1 priced from the handler's duration/);
  });
});

describe('what travels to the function', () => {
  it('ships the input files by path relative to their common directory; runs name them that way', () => {
    const spec = loadSweep(SWEEP);
    const runs = expandRuns(spec);
    const files = inputFiles(spec, runs);
    // scenario, its trace and the platform model it names (four levels up).
    expect(files.map((f) => f.split('/').slice(-2).join('/'))).toEqual(['models/aws-lambda-nodejs-1024.json', 'real/spike.csv', 'real/tokenizer.json']);
    const packed = packInputs(files);
    expect(Object.keys(packed.set.files!)).toEqual(['models/aws-lambda-nodejs-1024.json', 'test/experiment/sweep-fixtures/real/spike.csv', 'test/experiment/sweep-fixtures/real/tokenizer.json']);
    expect(packInputs(files).set.hash).toBe(packed.set.hash);
    const remote = toRemote(runs[0]!, packed.root);
    expect(remote.scenario).toBe('test/experiment/sweep-fixtures/real/tokenizer.json');
    expect(fromRemote(remote, '/tmp/x').scenarioPath).toBe('/tmp/x/test/experiment/sweep-fixtures/real/tokenizer.json');
    expect(() => safeRelative('../etc/passwd')).toThrow(/outside the input set/);
    expect(() => safeRelative('/etc/passwd')).toThrow(/outside the input set/);
    expect(() => safeRelative('a/../../b')).toThrow(/outside the input set/);
    expect(safeRelative('a/./b')).toBe('a/b');
  });
});

describe('LambdaExecutor', () => {
  it('throttles and function errors are retried: every run recorded once, results.json identical to the local sweep', async () => {
    const expected = await localResults();
    // Calls 1 and 3 throttled (beyond the SDK's retries), call 2 a function error, the rest answer.
    const { client, calls } = fakeClient((n) => (n === 1 || n === 3 ? 'throttle' : n === 2 ? 'error' : 'ok'));
    const ex = executor(client);
    const out = tempDir('spillway-lambda-');
    const outcome = await runSweep(loadSweep(SWEEP), { out, executor: ex });
    expect(outcome).toMatchObject({ complete: true, ran: 4, failed: [] });
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe(expected);
    const ids = readFileSync(join(out, 'runs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).id);
    expect(new Set(ids).size).toBe(4);
    expect(ids).toHaveLength(4);
    expect(calls()).toBe(7);
    expect(ex.stats).toEqual({ invocations: 5, sdkRetries: 4, functionErrors: 1, failedCalls: 2 });
    // Billed: 4 answers at 100 ms and the function error at 7 ms, 1 GB each.
    expect(ex.report()).toContain('lambda bill: 5 invocations, 0.4 s billed, 0.41 GB-s');
  });

  it('resumes: an interrupted fan-out keeps what it recorded, the rerun sends only the rest', async () => {
    const out = tempDir('spillway-lambda-');
    const stop = new AbortController();
    const first = fakeClient(() => 'ok');
    const cut = await runSweep(loadSweep(SWEEP), { out, executor: executor(first.client), signal: stop.signal, onRecorded: (n) => n === 1 && stop.abort() });
    expect(cut.interrupted).toBe(true);
    const recorded = readFileSync(join(out, 'runs.jsonl'), 'utf8').trim().split('\n').length;
    expect(recorded).toBeGreaterThanOrEqual(1);
    const second = fakeClient(() => 'ok');
    const rest = await runSweep(loadSweep(SWEEP), { out, executor: executor(second.client) });
    expect(rest).toMatchObject({ complete: true, skipped: recorded, ran: 4 - recorded });
    expect(second.calls()).toBe(4 - recorded);
    expect(readFileSync(join(out, 'runs.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe(await localResults());
  });

  it('groups runs per invocation; a response that misses a run is retried whole, never half-recorded', async () => {
    const { client, calls } = fakeClient((n) => (n === 1 ? 'short' : 'ok'));
    const ex = executor(client, { groupSize: 3 });
    const out = tempDir('spillway-lambda-');
    const outcome = await runSweep(loadSweep(SWEEP), { out, executor: ex });
    expect(outcome).toMatchObject({ complete: true, ran: 4 });
    expect(calls()).toBe(3); // groups of 3 and 1, the short answer once more
    expect(readFileSync(join(out, 'runs.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('gives up on a group after its attempts: its runs fail (the next sweep retries them)', async () => {
    const { client } = fakeClient(() => 'error');
    const out = tempDir('spillway-lambda-');
    const outcome = await runSweep(loadSweep(SWEEP), { out, executor: executor(client, { attempts: 3 }), log: () => undefined });
    expect(outcome.complete).toBe(false);
    expect(outcome.failed).toHaveLength(4);
    expect(outcome.failed[0]!.message).toBe('sim: gave up after 3 attempts: function error (Unhandled): Spillway.InjectedFault: boom');
  });

  it('stops the sweep with one line when the function does not exist', async () => {
    const { client } = fakeClient(() => 'missing');
    const out = tempDir('spillway-lambda-');
    const attempt = runSweep(loadSweep(SWEEP), { out, executor: executor(client) });
    await expect(attempt).rejects.toThrow(UserError);
    await expect(attempt).rejects.toThrow(/invoking sim: ResourceNotFoundException: Function not found/);
  });

  it('a response too large to return goes through S3 and comes back the same', async () => {
    const objects = new Map<string, Buffer>();
    const store: ObjectStore = {
      put: async (loc, body) => void objects.set(`${loc.bucket}/${loc.key}`, body),
      get: async (loc) => objects.get(`${loc.bucket}/${loc.key}`)!,
      exists: async (loc) => objects.has(`${loc.bucket}/${loc.key}`),
    };
    useObjectStore(store);
    const spec = loadSweep(SWEEP);
    const runs = expandRuns(spec);
    const packed = packInputs(inputFiles(spec, runs));
    const req = { format: 'spillway-sweep-runs/1' as const, inputs: packed.set, runs: [toRemote(runs[0]!, packed.root)] };
    const inline = await handler(req);
    const spilled = await handler({ ...req, output: { s3: { bucket: 'b', prefix: 'sweeps/x' }, inlineLimitBytes: 100 } });
    expect(spilled.outcomes).toBeUndefined();
    expect(spilled.s3!.key).toMatch(/^sweeps\/x\/outputs\/[0-9a-f]{32}\/[0-9a-f]+-1\.json$/);
    const summaries = (outcomes: { output: { summary: unknown } }[]): unknown[] => outcomes.map((o) => o.output.summary);
    expect(summaries(JSON.parse(objects.get(`b/${spilled.s3!.key}`)!.toString()).outcomes)).toEqual(summaries(inline.outcomes as never));
    // And the executor reads it back: same results as the local sweep.
    const { client } = fakeClient(() => 'ok');
    const out = tempDir('spillway-lambda-');
    await runSweep(spec, { out, executor: executor(client, { s3: { store, bucket: 'b', prefix: 'p' } }) });
    expect([...objects.keys()].some((k) => k.startsWith('b/p/outputs/'))).toBe(false); // small: inline
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe(await localResults());
  });
});
