import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flinkJarPath, flinkValidateDir, freePort, parseMarkerLine } from '../../src/live/flink-job.js';

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

  it('finds a free port', async () => {
    const p = await freePort();
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(65536);
  });
});
