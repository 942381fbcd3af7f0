/**
 * The worker-thread executor, end to end. Workers run JavaScript, so the test bundles the worker entry with
 * esbuild (what `npm run build` does with tsc) and points the workers at the fake runner module.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSweep } from '../../src/experiment/sweep/load.js';
import { runSweep } from '../../src/experiment/sweep/run.js';
import { WorkerThreadExecutor } from '../../src/experiment/sweep/worker-executor.js';
import { expandRuns } from '../../src/experiment/sweep/expand.js';
import { BASE_SWEEP, FAKE_RUNNER_URL, fakeExecutor, scratch, writeSweep } from './sweep-helpers.js';
import { tempDir } from '../helpers/tmp.js';

let workerFile: URL;

beforeAll(async () => {
  const dir = tempDir('spillway-sweep-worker-');
  const outfile = join(dir, 'worker.mjs');
  await build({
    entryPoints: [new URL('../../src/experiment/sweep/worker.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  workerFile = pathToFileURL(outfile);
});

describe('WorkerThreadExecutor', () => {
  it('2 workers give the same results as the in-process executor, byte for byte', async () => {
    const dir = scratch();
    const file = writeSweep(dir, BASE_SWEEP);
    const a = join(dir, 'in-process');
    const b = join(dir, 'threads');
    await runSweep(loadSweep(file), { out: a, executor: fakeExecutor() });
    const executor = new WorkerThreadExecutor({ workers: 2, workerFile, runnerModule: FAKE_RUNNER_URL });
    const outcome = await runSweep(loadSweep(file), { out: b, executor });
    expect(outcome).toMatchObject({ complete: true, ran: 42 });
    for (const f of ['results.json', 'results.csv']) expect(readFileSync(join(b, f), 'utf8')).toBe(readFileSync(join(a, f), 'utf8'));
  });

  it('streams every outcome once and stops when aborted', async () => {
    const dir = scratch();
    const runs = expandRuns(loadSweep(writeSweep(dir, BASE_SWEEP)));
    const executor = new WorkerThreadExecutor({ workers: 2, workerFile, runnerModule: FAKE_RUNNER_URL });
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const o of executor.execute(runs, controller.signal)) {
      expect(o.ok).toBe(true);
      seen.push(o.id);
      if (seen.length === 5) controller.abort();
    }
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(seen.length).toBeLessThan(runs.length);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('a runner module that cannot load fails each run, with the reason', async () => {
    const dir = scratch();
    const runs = expandRuns(loadSweep(writeSweep(dir, BASE_SWEEP))).slice(0, 3);
    const executor = new WorkerThreadExecutor({ workers: 1, workerFile, runnerModule: 'file:///nonexistent/runner.js' });
    const outcomes = [];
    for await (const o of executor.execute(runs)) outcomes.push(o);
    expect(outcomes).toHaveLength(3);
    expect(outcomes.every((o) => !o.ok && /nonexistent/.test(o.error.message))).toBe(true);
  });

  it('refuses a missing worker entry with advice', () => {
    expect(() => new WorkerThreadExecutor({ workers: 1, workerFile: '/nonexistent/worker.js' })).toThrow(
      'worker entry not found: /nonexistent/worker.js; worker threads run the compiled build (npm run build), or use --workers 0',
    );
  });
});
