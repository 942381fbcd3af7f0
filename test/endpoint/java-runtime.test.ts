/**
 * The Java function through the local endpoint: a JVM per execution environment running
 * lambda/local-runtime/java's bootstrap, invoked with @aws-sdk/client-lambda, on the shared vectors; deploy with a
 * java runtime id; the bundle. Skipped, saying why, where java or mvn is missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateFunctionCommand, GetFunctionCommand, InvokeCommand, LambdaClient, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { startInvokeServer, type InvokeServer } from '../../src/endpoint/index.js';
import { buildLambdaBundle, zipFiles } from '../../src/functions/bundle.js';
import { deployLambda } from '../../src/functions/deploy.js';
import { ensureJavaJars } from '../../src/functions/java-build.js';
import { lambdaPaths } from '../../src/functions/paths.js';
import { decodeLogResult, parseReport } from '../../src/functions/report-line.js';
import { readZip } from '../../src/endpoint/zip-read.js';

const missing = ['java', 'mvn'].filter((cmd) => spawnSync(cmd, ['-version'], { stdio: 'ignore' }).error !== undefined);
if (missing.length > 0) console.warn(`java-runtime tests skipped: ${missing.join(' and ')} not on PATH`);

interface Vectors {
  tokenize: { name: string; text: string; tokens: string[] }[];
  window_count: { name: string; window_ms: number; records: unknown[]; partials: unknown[] }[];
  invalid: { name: string; event: unknown }[];
}
const vectors = JSON.parse(readFileSync(lambdaPaths.vectors(), 'utf8')) as Vectors;
const creds = { accessKeyId: 'local-test', secretAccessKey: 'local-test' };
const FN = 'spillway-offload';

function body(out: InvokeCommandOutput): Record<string, unknown> {
  return JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8')) as Record<string, unknown>;
}

describe.skipIf(missing.length > 0)('the Java runtime of the local endpoint', () => {
  let s: InvokeServer;
  let lambda: LambdaClient;
  const invoke = (event: unknown, tail = false) => lambda.send(new InvokeCommand({ FunctionName: FN, Payload: JSON.stringify(event), ...(tail ? { LogType: 'Tail' } : {}) }));

  beforeAll(async () => {
    await ensureJavaJars(); // one Maven build if the jars are missing or stale
    s = await startInvokeServer({ port: 0, runtime: 'java', keepWarmS: 60 });
    lambda = new LambdaClient({ endpoint: s.url, region: 'us-east-1', credentials: creds });
  }, 300_000);

  afterAll(async () => {
    lambda?.destroy();
    await s?.stop();
  });

  it('starts a JVM for the cold start, reuses it warm', async () => {
    const event = { op: 'tokenize', records: [{ seq: 3, t: 1_763_600_000_123, text: 'Ωmega_point 42' }] };
    const cold = await invoke(event, true);
    expect(cold.FunctionError).toBeUndefined();
    const c = body(cold);
    expect(c.records).toEqual([{ seq: 3, t: 1_763_600_000_123, tokens: ['ωmega', 'point', '42'] }]);
    expect(c.cold).toBe(true);
    expect(c.init_ms).toBeGreaterThan(0);
    expect(parseReport(decodeLogResult(cold.LogResult)).initMs).toBeGreaterThan(0);
    const warm = body(await invoke(event, true));
    expect(warm).toMatchObject({ cold: false, env: c.env });
    expect(warm).not.toHaveProperty('init_ms');
    expect(s.stats()).toMatchObject({ coldStarts: 1, warmStarts: 1, environments: 1 });
  }, 120_000);

  it('passes every tokenize vector in one batch, through JSON lines and back', async () => {
    const records = vectors.tokenize.map((v, i) => ({ seq: i, t: i * 10, text: v.text }));
    const out = body(await invoke({ op: 'tokenize', records }));
    expect(out.records).toEqual(vectors.tokenize.map((v, i) => ({ seq: i, t: i * 10, tokens: v.tokens })));
  }, 60_000);

  it('passes every window_count vector', async () => {
    for (const v of vectors.window_count) {
      const out = body(await invoke({ op: 'window_count', window_ms: v.window_ms, records: v.records }));
      expect(out.partials, v.name).toEqual(v.partials);
    }
  }, 60_000);

  it('answers each invalid vector with a function error in the Java runtime\'s shape, logged in the tail', async () => {
    for (const v of vectors.invalid) {
      const out = await invoke(v.event, true);
      expect(out.FunctionError, v.name).toBe('Unhandled');
      const err = body(out);
      expect(err.errorType, v.name).toBe('java.lang.IllegalArgumentException');
      expect(Array.isArray(err.stackTrace)).toBe(true);
      expect(decodeLogResult(out.LogResult)).toContain('"errorType":"java.lang.IllegalArgumentException"');
    }
    const unknown = body(await invoke({ op: 'nope', records: [] }));
    expect(unknown.errorMessage).toBe('unknown op: "nope"');
    // A function error does not cost the environment.
    expect(s.stats().coldStarts).toBe(1);
  }, 60_000);

  it('lambda deploy with runtime java21 creates the function from the jar, which then runs', async () => {
    const d = await startInvokeServer({ port: 0, functionName: null });
    try {
      const r = await deployLambda({ functionName: 'java-fn', endpoint: d.url, runtime: 'java21', memoryMb: 512 });
      expect(r).toMatchObject({ action: 'created', runtime: 'java21', handler: 'io.spillway.lambda.Handler', version: '1' });
      const c = new LambdaClient({ endpoint: d.url, region: 'us-east-1', credentials: creds });
      try {
        const got = await c.send(new GetFunctionCommand({ FunctionName: 'java-fn' }));
        expect(got.Configuration).toMatchObject({ Runtime: 'java21', Handler: 'io.spillway.lambda.Handler', CodeSha256: r.codeSha256 });
        const out = await c.send(new InvokeCommand({ FunctionName: 'java-fn', Qualifier: '1', Payload: JSON.stringify({ op: 'window_count', window_ms: 10, records: [{ seq: 1, t: -1, key: 'k' }] }) }));
        expect(body(out).partials).toEqual([{ window_start: -10, key: 'k', count: 1 }]);
      } finally {
        c.destroy();
      }
    } finally {
      await d.stop();
    }
  }, 120_000);

  it('runs uploaded Java code as deployed: a RequestStreamHandler from lib/ in the zip, its prints in the log tail', async () => {
    // A handler compiled here, packed the way Lambda's Java runtime reads a zip: a jar under lib/.
    const dir = mkdtempSync(join(tmpdir(), 'spillway-java-fn-'));
    try {
      const src = [
        'import com.amazonaws.services.lambda.runtime.*; import java.io.*;',
        'public class Echo implements RequestStreamHandler {',
        '  public void handleRequest(InputStream in, OutputStream out, Context c) throws IOException {',
        '    System.out.println("hello from " + c.getFunctionName());',
        '    out.write(("{\\"echo\\":" + new String(in.readAllBytes(), "UTF-8") + "}").getBytes("UTF-8"));',
        '  }',
        '}',
      ].join('\n');
      writeFileSync(join(dir, 'Echo.java'), src);
      const javac = spawnSync('javac', ['-cp', lambdaPaths.javaBootstrapJar(), '-d', dir, join(dir, 'Echo.java')], { encoding: 'utf8' });
      expect(javac.status, javac.stderr).toBe(0);
      const jar = await zipFiles({ 'Echo.class': readFileSync(join(dir, 'Echo.class')) });
      const zip = await zipFiles({ 'lib/echo.jar': jar });
      await lambda.send(new CreateFunctionCommand({ FunctionName: 'echo', Runtime: 'java17', Role: 'arn:aws:iam::000000000000:role/x', Handler: 'Echo', Code: { ZipFile: zip } }));
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'echo', LogType: 'Tail', Payload: JSON.stringify({ a: [1, 'é'] }) }));
      expect(out.FunctionError).toBeUndefined();
      expect(body(out)).toEqual({ echo: { a: [1, 'é'] } });
      expect(decodeLogResult(out.LogResult)).toContain('hello from echo');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('bundles the shaded jar Lambda takes: Handler at the root, byte-identical across builds', async () => {
    const a = await buildLambdaBundle('java');
    const b = await buildLambdaBundle('java');
    expect(a.codeSha256).toBe(b.codeSha256);
    expect(a.handler).toBe('io.spillway.lambda.Handler');
    const names = [...readZip(a.zip).keys()];
    expect(names).toContain('io/spillway/lambda/Handler.class');
    expect(names).toContain('com/amazonaws/services/lambda/runtime/RequestHandler.class');
    expect(names.some((n) => n.startsWith('com/fasterxml/'))).toBe(false); // Jackson is a test dependency only
  });
});
