/**
 * Contract tests: @aws-sdk/client-lambda against the local endpoint sees what it would see from AWS
 * (status codes, headers, exception classes, retries), and the endpoint runs real environments.
 * Local endpoints bind 127.0.0.1; the credentials below are dummies used only for it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
  DeleteFunctionConcurrencyCommand,
  ResourceNotFoundException,
  TooManyRequestsException,
  InvalidRequestContentException,
  UpdateFunctionConfigurationCommand,
  type InvokeCommandOutput,
} from '@aws-sdk/client-lambda';
import { startInvokeServer, type InvokeServer, type InvokeServerOptions } from '../../src/endpoint/index.js';
import { decodeLogResult, parseReport } from '../../src/functions/report-line.js';
import { zipFiles } from '../../src/functions/bundle.js';

const FN = 'spillway-offload';
const servers: InvokeServer[] = [];
const clients: LambdaClient[] = [];
const tempDirs: string[] = [];

async function server(options: InvokeServerOptions = {}): Promise<InvokeServer> {
  const s = await startInvokeServer({ port: 0, ...options });
  servers.push(s);
  return s;
}

function client(s: InvokeServer, maxAttempts?: number): LambdaClient {
  const c = new LambdaClient({
    endpoint: s.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local-test', secretAccessKey: 'local-test' },
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
  });
  clients.push(c);
  return c;
}

function tokenizeEvent(text: string, workUs = 0): string {
  return JSON.stringify({ op: 'tokenize', work_us_per_record: workUs, records: [{ seq: 1, t: 1_700_000_000_000, text }] });
}

function body(out: InvokeCommandOutput): Record<string, unknown> {
  return JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8')) as Record<string, unknown>;
}

/** The error a call failed with; fails the test if the call succeeded. */
async function rejection<T>(call: Promise<unknown>): Promise<T> {
  try {
    await call;
  } catch (err) {
    return err as T;
  }
  throw new Error('expected the call to fail');
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

afterAll(async () => {
  for (const c of clients) c.destroy();
  await Promise.all(servers.map((s) => s.stop()));
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

describe('Invoke through the real SDK', () => {
  let s: InvokeServer;
  let lambda: LambdaClient;
  beforeAll(async () => {
    s = await server();
    lambda = client(s);
  });
  afterEach(() => {
    s.setFaults({ errorRate: 0, throttleRate: 0, addedLatencyMs: 0 });
  });

  it('success: 200, the handler result, executed version, and a REPORT line in the log tail', async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: FN, LogType: 'Tail', Payload: tokenizeEvent('Hello, burst World') }));
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    expect(out.ExecutedVersion).toBe('$LATEST');
    expect(body(out).records).toEqual([{ seq: 1, t: 1_700_000_000_000, tokens: ['hello', 'burst', 'world'] }]);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const log = decodeLogResult(out.LogResult);
    expect(log).toMatch(/^START RequestId: \S+ Version: \$LATEST\n/);
    expect(log).toMatch(/\nEND RequestId: \S+\n/);
    expect(log).toMatch(/REPORT RequestId: \S+\tDuration: [0-9.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 1024 MB\tMax Memory Used: \d+ MB\t/);
    const report = parseReport(log)!;
    expect(report.requestId).toBe(out.$metadata.requestId);
    expect(report.memoryMb).toBe(1024);
    expect(report.billedMs).toBeGreaterThanOrEqual(Math.ceil(report.durationMs));
  });

  it('function error: 200 with FunctionError Unhandled and the error document', async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: FN, Payload: JSON.stringify({ op: 'explode', records: [] }) }));
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    const err = body(out);
    expect(err.errorType).toBe('Error');
    expect(err.errorMessage).toBe('unknown op: "explode"');
    expect(Array.isArray(err.trace)).toBe(true);
  });

  it('404: ResourceNotFoundException for an unknown function, also by ARN', async () => {
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'no-such-function' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    const err = await rejection<ResourceNotFoundException>(lambda.send(new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:nope' })));
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.$metadata.httpStatusCode).toBe(404);
    expect(err.message).toBe('Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope');
    // A name given as an ARN resolves like the plain name.
    const ok = await lambda.send(new InvokeCommand({ FunctionName: `arn:aws:lambda:us-east-1:000000000000:function:${FN}`, Payload: tokenizeEvent('x') }));
    expect(ok.StatusCode).toBe(200);
  });

  it('400: InvalidRequestContentException for a payload that is not JSON', async () => {
    const err = await lambda.send(new InvokeCommand({ FunctionName: FN, Payload: Buffer.from('{not json') })).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestContentException);
    expect((err as InvalidRequestContentException).$metadata.httpStatusCode).toBe(400);
  });

  it('429: TooManyRequestsException, retried by the SDK (3 attempts by default, 1 with maxAttempts 1)', async () => {
    s.setFaults({ throttleRate: 1 });
    const once = client(s, 1);
    let before = s.stats().requests;
    const e1 = await rejection<TooManyRequestsException>(once.send(new InvokeCommand({ FunctionName: FN, Payload: tokenizeEvent('a') })));
    expect(e1).toBeInstanceOf(TooManyRequestsException);
    expect(e1.$metadata.httpStatusCode).toBe(429);
    expect(e1.message).toBe('Rate Exceeded.');
    expect(e1.Type).toBe('User');
    expect(e1.Reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
    expect(e1.$metadata.attempts).toBe(1);
    expect(s.stats().requests - before).toBe(1);

    before = s.stats().requests;
    const e3 = await rejection<TooManyRequestsException>(lambda.send(new InvokeCommand({ FunctionName: FN, Payload: tokenizeEvent('a') })));
    expect(e3).toBeInstanceOf(TooManyRequestsException);
    expect(e3.$metadata.attempts).toBe(3);
    expect(s.stats().requests - before).toBe(3);
  });

  it('faults can be changed at runtime through POST /_spillway/faults, and stats read from GET /_spillway/stats', async () => {
    const set = await fetch(`${s.url}/_spillway/faults`, { method: 'POST', body: JSON.stringify({ error_rate: 1 }) });
    expect(await set.json()).toEqual({ error_rate: 1, throttle_rate: 0, added_latency_ms: 0, crash_after: null });
    const out = await lambda.send(new InvokeCommand({ FunctionName: FN, Payload: tokenizeEvent('a') }));
    expect(out.FunctionError).toBe('Unhandled');
    expect(body(out).errorType).toBe('Spillway.InjectedFault');
    const bad = await fetch(`${s.url}/_spillway/faults`, { method: 'POST', body: JSON.stringify({ error_rate: 3 }) });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('x-amzn-errortype')).toBe('InvalidParameterValueException');
    await fetch(`${s.url}/_spillway/faults`, { method: 'POST', body: JSON.stringify({ error_rate: 0 }) });
    const stats = (await (await fetch(`${s.url}/_spillway/stats`)).json()) as Record<string, number>;
    expect(stats).toEqual(s.stats());
    expect(stats.functionErrors).toBeGreaterThanOrEqual(2);
    expect(stats.throttles).toBe(4);
  });

  it('Event → 202 (runs in the background), DryRun → 204, both with a request id', async () => {
    const before = s.stats().invocations;
    const ev = await lambda.send(new InvokeCommand({ FunctionName: FN, InvocationType: 'Event', Payload: tokenizeEvent('async') }));
    expect(ev.StatusCode).toBe(202);
    expect(ev.$metadata.requestId).toBeTruthy();
    const dry = await lambda.send(new InvokeCommand({ FunctionName: FN, InvocationType: 'DryRun', Payload: tokenizeEvent('dry') }));
    expect(dry.StatusCode).toBe(204);
    await until(() => s.stats().invocations === before + 1 && s.stats().concurrency === 0, 'the Event invocation');
  });

  it('every response carries x-amzn-RequestId, including errors and admin routes', async () => {
    for (const [path, init] of [
      [`/2015-03-31/functions/${FN}/invocations`, { method: 'POST', body: tokenizeEvent('x') }],
      ['/2015-03-31/functions/missing/invocations', { method: 'POST', body: '{}' }],
      ['/_spillway/stats', {}],
      ['/no/such/route', {}],
    ] as const) {
      const r = await fetch(`${s.url}${path}`, init);
      expect(r.headers.get('x-amzn-requestid'), path).toMatch(/^[0-9a-f-]{36}$/);
      await r.arrayBuffer();
    }
  });
});

describe('execution environments', () => {
  it('first call cold, second warm on the same environment, cold again after keep-warm expiry', async () => {
    // Long enough that the second call surely finds the environment warm, short enough to wait out.
    const s = await server({ keepWarmS: 1 });
    const lambda = client(s);
    const call = async (): Promise<{ b: Record<string, unknown>; initMs: number | null }> => {
      const out = await lambda.send(new InvokeCommand({ FunctionName: FN, LogType: 'Tail', Payload: tokenizeEvent('warm me') }));
      return { b: body(out), initMs: parseReport(decodeLogResult(out.LogResult))!.initMs };
    };
    const first = await call();
    const second = await call();
    expect(first.b.cold).toBe(true);
    expect(typeof first.b.init_ms).toBe('number');
    expect(first.initMs).not.toBeNull();
    expect(second.b.cold).toBe(false);
    expect(second.b.env).toBe(first.b.env);
    expect(second.initMs).toBeNull();
    await until(() => s.stats().environments === 0, 'the idle environment to expire');
    const third = await call();
    expect(third.b.cold).toBe(true);
    expect(third.b.env).not.toBe(first.b.env);
    expect(third.initMs).not.toBeNull();
    expect(s.stats()).toMatchObject({ invocations: 3, coldStarts: 2, warmStarts: 1 });
  });

  it('UpdateFunctionConfiguration retires warm environments, so the next call is cold', async () => {
    const s = await server();
    const lambda = client(s);
    const a = body(await lambda.send(new InvokeCommand({ FunctionName: FN, Payload: tokenizeEvent('x') })));
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: FN, Environment: { Variables: { NONCE: '1' } } }));
    const b = body(await lambda.send(new InvokeCommand({ FunctionName: FN, Payload: tokenizeEvent('x') })));
    expect(b.cold).toBe(true);
    expect(b.env).not.toBe(a.env);
    expect(s.stats().environmentsRetired).toBe(1);
  });

  /**
   * A function whose invocations block until a gate file exists, so overlapping invocations are certain
   * (no reliance on timing): the test opens the gate once it has seen the 429.
   */
  async function gatedFunction(lambda: LambdaClient, name: string): Promise<{ gate: string; open: () => void }> {
    const code = [
      "import { existsSync } from 'node:fs';",
      'export const handler = async (e) => {',
      '  while (!existsSync(e.gate)) await new Promise((r) => setTimeout(r, 5));',
      '  return { passed: true };',
      '};',
    ].join('\n');
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Role: 'arn:aws:iam::000000000000:role/x',
        Handler: 'index.handler',
        Timeout: 60,
        Code: { ZipFile: await zipFiles({ 'index.mjs': Buffer.from(code) }) },
      }),
    );
    const dir = mkdtempSync(join(tmpdir(), 'spillway-gate-'));
    tempDirs.push(dir);
    const gate = join(dir, 'open');
    return { gate, open: () => writeFileSync(gate, '') };
  }

  it('enforces the account concurrency limit: over it, 429 ConcurrentInvocationLimitExceeded', async () => {
    const s = await server({ concurrency: 2, functionName: null });
    const lambda = client(s, 1);
    const { gate, open } = await gatedFunction(lambda, 'gated');
    const payload = JSON.stringify({ gate });
    const held = [1, 2].map(() => lambda.send(new InvokeCommand({ FunctionName: 'gated', Payload: payload })));
    await until(() => s.stats().concurrency === 2, 'two invocations in flight');
    const err = await rejection<TooManyRequestsException>(lambda.send(new InvokeCommand({ FunctionName: 'gated', Payload: payload })));
    expect(err).toBeInstanceOf(TooManyRequestsException);
    expect(err.$metadata.httpStatusCode).toBe(429);
    expect(err.Reason).toBe('ConcurrentInvocationLimitExceeded');
    open();
    for (const out of await Promise.all(held)) expect(body(out)).toEqual({ passed: true });
    expect(s.stats()).toMatchObject({ maxConcurrency: 2, throttles: 1, invocations: 2, coldStarts: 2, concurrency: 0 });
  });

  it('enforces reserved concurrency set by PutFunctionConcurrency', async () => {
    const s = await server({ functionName: null });
    const lambda = client(s, 1);
    const { gate, open } = await gatedFunction(lambda, 'gated');
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'gated', ReservedConcurrentExecutions: 1 }));
    const payload = JSON.stringify({ gate });
    const held = lambda.send(new InvokeCommand({ FunctionName: 'gated', Payload: payload }));
    await until(() => s.stats().concurrency === 1, 'one invocation in flight');
    const err = await rejection<TooManyRequestsException>(lambda.send(new InvokeCommand({ FunctionName: 'gated', Payload: payload })));
    expect(err).toBeInstanceOf(TooManyRequestsException);
    expect(err.Reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
    open();
    expect(body(await held)).toEqual({ passed: true });
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'gated' }));
    expect(s.stats()).toMatchObject({ maxConcurrency: 1, throttles: 1 });
  });

  it('runs the Python handler in a python3 process per environment', async () => {
    const s = await server({ runtime: 'python' });
    const lambda = client(s);
    const out = await lambda.send(new InvokeCommand({ FunctionName: FN, LogType: 'Tail', Payload: tokenizeEvent('Ωmega_point 42') }));
    expect(out.FunctionError).toBeUndefined();
    const b = body(out);
    expect(b.records).toEqual([{ seq: 1, t: 1_700_000_000_000, tokens: ['ωmega', 'point', '42'] }]);
    expect(b.cold).toBe(true);
    const bad = await lambda.send(new InvokeCommand({ FunctionName: FN, Payload: JSON.stringify({ op: 'nope', records: [] }) }));
    expect(bad.FunctionError).toBe('Unhandled');
    expect(body(bad)).toMatchObject({ errorType: 'ValueError', errorMessage: "unknown op: 'nope'" });
  });

  it('--crash-after N: serves N invocations, then drops the connection and stops', async () => {
    const s = await server({ crashAfter: 2 });
    const lambda = client(s, 1);
    for (let i = 0; i < 2; i++) {
      expect((await lambda.send(new InvokeCommand({ FunctionName: FN, Payload: tokenizeEvent('x') }))).StatusCode).toBe(200);
    }
    await expect(lambda.send(new InvokeCommand({ FunctionName: FN, Payload: tokenizeEvent('x') }))).rejects.toThrow();
    await s.crashed;
    expect(s.stats()).toMatchObject({ invocations: 2, requests: 3 });
    await expect(fetch(`${s.url}/_spillway/stats`)).rejects.toThrow();
  });

  it('runs uploaded code as deployed: its log lines in the tail, a crash is Runtime.ExitError, a hang times out', async () => {
    const s = await server({ functionName: null });
    const lambda = client(s);
    const code = [
      'export const handler = async (e) => {',
      '  if (e.exit) process.exit(7);',
      '  if (e.hang) await new Promise(() => {});',
      '  console.log("hello from", e.x);',
      '  return { x: e.x };',
      '};',
    ].join('\n');
    const zip = await zipFiles({ 'index.mjs': Buffer.from(code) });
    await lambda.send(
      new CreateFunctionCommand({ FunctionName: 'custom', Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/x', Handler: 'index.handler', Timeout: 1, Code: { ZipFile: zip } }),
    );
    const ok = await lambda.send(new InvokeCommand({ FunctionName: 'custom', LogType: 'Tail', Payload: JSON.stringify({ x: 5 }) }));
    expect(body(ok)).toEqual({ x: 5 });
    expect(decodeLogResult(ok.LogResult).split('\n')[1]).toBe('hello from 5');
    const crash = await lambda.send(new InvokeCommand({ FunctionName: 'custom', Payload: JSON.stringify({ exit: true }) }));
    expect(crash.FunctionError).toBe('Unhandled');
    expect(body(crash).errorType).toBe('Runtime.ExitError');
    expect(String(body(crash).errorMessage)).toMatch(/exit status 7/);
    const hang = await lambda.send(new InvokeCommand({ FunctionName: 'custom', Payload: JSON.stringify({ hang: true }) }));
    expect(hang.FunctionError).toBe('Unhandled');
    expect(body(hang)).toMatchObject({ errorType: 'Sandbox.Timedout' });
    expect(String(body(hang).errorMessage)).toMatch(/Task timed out after 1.00 seconds/);
    // The crash and the timeout each cost the environment they ran on: the call after each one is cold.
    const after = await lambda.send(new InvokeCommand({ FunctionName: 'custom', LogType: 'Tail', Payload: JSON.stringify({ x: 6 }) }));
    expect(parseReport(decodeLogResult(after.LogResult))!.initMs).not.toBeNull();
    expect(s.stats()).toMatchObject({ invocations: 4, coldStarts: 3, warmStarts: 1, functionErrors: 2, environments: 1 });
  });
});
