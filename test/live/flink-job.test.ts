import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flinkJarPath, flinkValidateDir, freePort, parseMarkerLine } from '../../src/live/flink-job.js';
import { tempDir } from '../helpers/tmp.js';

describe('flink-job helpers', () => {
  it('parses the marker lines the Java job prints', () => {
    expect(parseMarkerLine('SPILLWAY_REST_URL=http://127.0.0.1:18081')).toEqual({ restUrl: 'http://127.0.0.1:18081' });
    expect(parseMarkerLine('SPILLWAY_JOB_ID=61d63bfafe2c3bffe61cd4e03f457ac3')).toEqual({ jobId: '61d63bfafe2c3bffe61cd4e03f457ac3' });
    const r = parseMarkerLine('SPILLWAY_RESULT {"exit_code":0,"job_status":"FINISHED","ok":true,"lost":0}');
    expect(r.result).toEqual({ exit_code: 0, job_status: 'FINISHED', ok: true, lost: 0 });
    expect(parseMarkerLine('SPILLWAY_RESULT {broken')).toEqual({});
    expect(parseMarkerLine('21:59:33,426 WARN something')).toEqual({});
  });

  it('locates flink-validate/ and its jar paths', () => {
    const dir = flinkValidateDir();
    expect(existsSync(`${dir}/pom.xml`)).toBe(true);
    expect(flinkJarPath(false, dir)).toBe(`${dir}/target/flink-validate-0.1.0.jar`);
    expect(flinkJarPath(true, dir)).toBe(`${dir}/target/flink-validate-0.1.0-cluster.jar`);
  });

  it('finds a free port: one a server can then listen on, on 127.0.0.1', async () => {
    const p = await freePort();
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((ok, fail) => server.once('error', fail).listen(p, '127.0.0.1', () => ok()));
    const addr = server.address();
    await new Promise<void>((ok) => server.close(() => ok()));
    expect(typeof addr === 'object' && addr !== null ? addr.port : -1).toBe(p);
  });
});

// Real MiniCluster run through the TS runner (~15 s, needs java + the built jar): SPILLWAY_FLINK_E2E=1 npx vitest run test/live/flink-job.test.ts
const e2e = process.env.SPILLWAY_FLINK_E2E === '1';
describe.skipIf(!e2e)('flink-job end to end (local MiniCluster)', () => {
  it('starts, exposes REST metrics, finishes with exact counts', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { startLocalJob } = await import('../../src/live/flink-job.js');
    const { findVertex, resolveMetricName } = await import('../../src/live/flink-rest.js');
    const out = tempDir('flink-job-e2e-');
    const h = await startLocalJob({ duration_s: 4, trace: [[0, 1000]], output_dir: out, offload: { enabled: false }, linger_ms: 1500 });
    const job = await h.client.job(h.jobId);
    expect(job.state).toBe('RUNNING');
    const src = findVertex(job, 'source');
    expect(src).toBeDefined();
    let pending: string | undefined;
    for (let i = 0; i < 20 && !pending; i++) {
      pending = resolveMetricName(await h.client.vertexMetricNames(h.jobId, src!.id), 'pendingRecords');
      if (!pending) await new Promise((r) => setTimeout(r, 250));
    }
    expect(pending).toBe('Source__source.pendingRecords');
    const r = await h.wait();
    expect(r.exitCode).toBe(0);
    expect(r.result?.job_status).toBe('FINISHED');
    expect(r.summary?.records_generated).toBe(4000);
    expect(r.summary?.records_emitted).toBe(4000);
    expect(r.summary?.lost).toBe(0);
    expect(r.summary?.duplicated).toBe(0);
  }, 120_000);

  it('stop() cancels a running job and the process exits with status 2', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { startLocalJob } = await import('../../src/live/flink-job.js');
    const out = tempDir('flink-job-stop-');
    const h = await startLocalJob({ duration_s: 600, trace: [[0, 100]], output_dir: out, offload: { enabled: false } });
    const r = await h.stop();
    expect(r.exitCode).toBe(2);
    expect(r.result?.job_status).toBe('CANCELED');
    expect(r.summary).toBeUndefined();
  }, 120_000);
});
