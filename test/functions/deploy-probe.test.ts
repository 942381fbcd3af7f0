/** deploy and probe end to end through @aws-sdk/client-lambda against the local endpoint (127.0.0.1 only). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { startInvokeServer, type InvokeServer } from '../../src/endpoint/index.js';
import { deployLambda, parseEnvironment } from '../../src/functions/deploy.js';
import { probeLambda, type ProbeSample } from '../../src/functions/probe.js';
import { parseReport } from '../../src/functions/report-line.js';
import { UserError } from '../../src/util/errors.js';

let s: InvokeServer;
let lambda: LambdaClient;
let dir: string;

beforeAll(async () => {
  // No function at start: deploy creates it.
  s = await startInvokeServer({ port: 0, functionName: null });
  lambda = new LambdaClient({ endpoint: s.url, region: 'us-east-1', credentials: { accessKeyId: 'local-test', secretAccessKey: 'local-test' } });
  dir = mkdtempSync(join(tmpdir(), 'spillway-probe-test-'));
});

afterAll(async () => {
  lambda.destroy();
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('lambda deploy', () => {
  it('creates the function, waits until active, sets reserved concurrency, publishes version 1', async () => {
    const lines: string[] = [];
    const r = await deployLambda({ functionName: 'offload-a', endpoint: s.url, memoryMb: 512, architecture: 'arm64', reservedConcurrency: 5, log: (l) => lines.push(l) });
    expect(r).toMatchObject({ action: 'created', codeUpdated: true, version: '1', runtime: 'nodejs20.x', memoryMb: 512, architecture: 'arm64', reservedConcurrency: 5 });
    expect(r.functionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:offload-a:1');
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'offload-a' }));
    expect(got.Configuration).toMatchObject({ State: 'Active', MemorySize: 512, Handler: 'index.handler', Architectures: ['arm64'], CodeSha256: r.codeSha256 });
    expect(got.Concurrency?.ReservedConcurrentExecutions).toBe(5);
    expect(lines.join('\n')).toMatch(/created offload-a/);
    // The deployed zip is what runs: invoke the published version.
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'offload-a', Qualifier: '1', Payload: JSON.stringify({ op: 'window_count', window_ms: 10, records: [{ seq: 1, t: 15, key: 'k' }] }) }));
    expect(out.ExecutedVersion).toBe('1');
    expect(JSON.parse(Buffer.from(out.Payload!).toString()).partials).toEqual([{ window_start: 10, key: 'k', count: 1 }]);
  });

  it('updates an existing function: unchanged code is not uploaded, a new configuration gives a new version', async () => {
    const same = await deployLambda({ functionName: 'offload-a', endpoint: s.url, memoryMb: 512, architecture: 'arm64' });
    expect(same).toMatchObject({ action: 'updated', codeUpdated: false, version: '1' });
    const bigger = await deployLambda({ functionName: 'offload-a', endpoint: s.url, memoryMb: 2048, architecture: 'arm64' });
    expect(bigger).toMatchObject({ action: 'updated', version: '2', memoryMb: 2048 });
    const py = await deployLambda({ functionName: 'offload-a', endpoint: s.url, runtime: 'python3.12', memoryMb: 2048, architecture: 'arm64' });
    expect(py).toMatchObject({ action: 'updated', codeUpdated: true, version: '3', runtime: 'python3.12' });
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'offload-a', Payload: JSON.stringify({ op: 'tokenize', records: [{ seq: 1, t: 0, text: 'Py Thon' }] }) }));
    expect(JSON.parse(Buffer.from(out.Payload!).toString()).records[0].tokens).toEqual(['py', 'thon']);
    // --env sets the function's environment (e.g. SPILLWAY_S3_ENDPOINT for an S3-compatible store); without it, kept.
    const environment = parseEnvironment(['SPILLWAY_S3_ENDPOINT=http://127.0.0.1:9000', 'EMPTY=', 'EQ=a=b']);
    expect(environment).toEqual({ SPILLWAY_S3_ENDPOINT: 'http://127.0.0.1:9000', EMPTY: '', EQ: 'a=b' });
    await deployLambda({ functionName: 'offload-a', endpoint: s.url, runtime: 'python3.12', memoryMb: 2048, architecture: 'arm64', environment });
    await deployLambda({ functionName: 'offload-a', endpoint: s.url, runtime: 'python3.12', memoryMb: 2048, architecture: 'arm64' });
    const cfg = (await lambda.send(new GetFunctionCommand({ FunctionName: 'offload-a' }))).Configuration;
    expect(cfg?.Environment?.Variables).toEqual(environment);
    expect(() => parseEnvironment(['1BAD=x'])).toThrow(/^--env: expected KEY=VALUE \(KEY of letters, digits and _\), got "1BAD"$/);
    expect(() => parseEnvironment(['NOVALUE'])).toThrow(UserError);
  });

  it('reports user mistakes as UserError', async () => {
    await expect(deployLambda({ functionName: 'x', endpoint: s.url, memoryMb: 64 })).rejects.toBeInstanceOf(UserError);
    await expect(deployLambda({ functionName: 'bad name!', endpoint: s.url })).rejects.toBeInstanceOf(UserError);
    const stopped = await startInvokeServer({ port: 0, functionName: null });
    const url = stopped.url;
    await stopped.stop();
    await expect(deployLambda({ functionName: 'x', endpoint: url })).rejects.toThrow(/cannot reach/);
  });
});

describe('lambda probe', () => {
  it('measures forced-cold and warm invocations per batch size and writes JSON lines', async () => {
    await deployLambda({ functionName: 'offload-b', endpoint: s.url, memoryMb: 1024 });
    const out = join(dir, 'probe.jsonl');
    const samples = await probeLambda({ functionName: 'offload-b', endpoint: s.url, cold: 2, warm: 3, batchRecords: [1, 50], out });
    expect(samples).toHaveLength(10);
    const kinds = samples.map((x) => `${x.batch_records}:${x.kind}`);
    expect(kinds).toEqual(['1:cold', '1:cold', '1:warm', '1:warm', '1:warm', '50:cold', '50:cold', '50:warm', '50:warm', '50:warm']);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ProbeSample);
    expect(lines).toEqual(samples);
    for (const x of lines) {
      expect(Object.keys(x)).toEqual(['kind', 't', 'function', 'memory_mb', 'batch_records', 'payload_bytes', 'client_ms', 'duration_ms', 'billed_ms', 'init_ms']);
      expect(x.function).toBe('offload-b');
      expect(x.memory_mb).toBe(1024);
      if (x.kind === 'warm') expect(x.init_ms).toBeNull();
      expect(x.billed_ms).toBeGreaterThanOrEqual(Math.ceil(x.duration_ms));
    }
    expect(lines.filter((x) => x.kind === 'cold').every((x) => typeof x.init_ms === 'number')).toBe(true);
    expect(lines.find((x) => x.batch_records === 50)!.payload_bytes).toBeGreaterThan(lines[0]!.payload_bytes);
    // The probe leaves the function's environment variables as it found them.
    const cfg = await lambda.send(new GetFunctionCommand({ FunctionName: 'offload-b' }));
    expect(cfg.Configuration?.Environment?.Variables ?? {}).toEqual({});
    expect(s.stats().coldStarts).toBeGreaterThanOrEqual(4);
  });
});

describe('parseReport', () => {
  it('reads an AWS REPORT line, with and without Init Duration', () => {
    const cold = 'REPORT RequestId: 3604209a-e9a3-11e6-939a-754dd98c7be3\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 18 MB\tInit Duration: 150.20 ms\t';
    expect(parseReport(`START x\n${cold}\n`)).toEqual({ requestId: '3604209a-e9a3-11e6-939a-754dd98c7be3', durationMs: 12.34, billedMs: 13, memoryMb: 128, maxMemoryUsedMb: 18, initMs: 150.2 });
    expect(parseReport(cold.replace('\tInit Duration: 150.20 ms', ''))?.initMs).toBeNull();
    expect(parseReport('no report here')).toBeUndefined();
  });
});
