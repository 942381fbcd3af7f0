/** The sweep with the real simulator (src/experiment/runner.ts), in-process and in worker threads. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as runner from '../../src/experiment/runner.js';
import { InProcessExecutor } from '../../src/experiment/sweep/executor.js';
import { loadSweep } from '../../src/experiment/sweep/load.js';
import { runSweep } from '../../src/experiment/sweep/run.js';
import { makeRunFn } from '../../src/experiment/sweep/runner-adapter.js';
import { WorkerThreadExecutor } from '../../src/experiment/sweep/worker-executor.js';
import { loadTrace } from '../../src/workload/parse.js';
import { FIXTURES } from './sweep-helpers.js';
import { tempDir } from '../helpers/tmp.js';

const SWEEP = join(FIXTURES, 'real', 'sweep.json');

describe('sweep with the real runner', () => {
  it('runs, aggregates and ranks real simulations; threads give the same bytes as in-process', async () => {
    const dir = tempDir('spillway-sweep-real-');
    const a = join(dir, 'in-process');
    const outcome = await runSweep(loadSweep(SWEEP), { out: a, executor: new InProcessExecutor(makeRunFn({ ...runner, loadTrace })), top: 1 });
    expect(outcome).toMatchObject({ complete: true, total: 4, ran: 4, failed: [] });
    const results = JSON.parse(readFileSync(join(a, 'results.json'), 'utf8'));
    expect(results.rows).toHaveLength(2);
    const bp = results.rows.find((r: { policy: string }) => r.policy === 'backpressure');
    const st = results.rows.find((r: { policy: string }) => r.policy === 'static');
    expect(bp.metrics.cost_usd.mean).toBe(0);
    expect(st.metrics.cost_usd.mean).toBeGreaterThan(0);
    expect(st.metrics.latency_p50_ms.mean).toBeLessThan(bp.metrics.latency_p50_ms.mean);
    expect(bp.n).toBe(2);
    expect(bp.metrics.latency_p99_ms.ci95).not.toBeNull();
    const recs = readFileSync(join(a, 'runs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    for (const r of recs) {
      expect(r.summary.records.lost).toBe(0);
      expect(r.summary.params).toEqual(r.policy === 'static' ? expect.objectContaining({ share: 0.5, threshold: 0 }) : {});
      expect(r.latency_cdf.length).toBeGreaterThan(10);
    }
    // The base scenario's threshold params did not leak into the swept policies.
    expect(recs.find((r) => r.policy === 'static').summary.policy).toBe('static');
    expect(readFileSync(join(a, 'cdf', 'r1.csv'), 'utf8').startsWith('percentile,latency_ms\n')).toBe(true);

    // The exported top scenario is a valid scenario (paths resolve from top/).
    const top = outcome.topFiles[0];
    const scenario = runner.loadScenario(top);
    expect(scenario.policy?.name).toBe(results.rows[0].policy);

    // Worker threads: bundle the worker entry and the runner (vitest runs TypeScript; threads need JavaScript).
    const bundles = tempDir('spillway-sweep-real-bundle-');
    await build({
      entryPoints: {
        worker: new URL('../../src/experiment/sweep/worker.ts', import.meta.url).pathname,
        runner: new URL('../../src/experiment/runner.ts', import.meta.url).pathname,
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outdir: bundles,
      outExtension: { '.js': '.mjs' },
      logLevel: 'silent',
    });
    const b = join(dir, 'threads');
    const executor = new WorkerThreadExecutor({
      workers: 2,
      workerFile: pathToFileURL(join(bundles, 'worker.mjs')),
      runnerModule: pathToFileURL(join(bundles, 'runner.mjs')).href,
    });
    const threaded = await runSweep(loadSweep(SWEEP), { out: b, executor, top: 1 });
    expect(threaded).toMatchObject({ complete: true, ran: 4 });
    for (const f of ['results.json', 'results.csv', 'cdf/r1.csv', 'cdf/r2.csv']) {
      expect(readFileSync(join(b, f), 'utf8')).toBe(readFileSync(join(a, f), 'utf8'));
    }
  });
});
