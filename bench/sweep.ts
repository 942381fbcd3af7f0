/**
 * Sweep throughput: runs per minute of a fixed slice of the example sweep with 1 and with 2 worker threads.
 * Runs from the compiled build (`npm run bench` builds first): worker threads execute dist/ JavaScript.
 * Each measurement sweeps into a fresh temporary directory, so nothing is resumed; thread start-up is included.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { projectRoot } from './common.js';
import { expandConfigs } from '../src/experiment/sweep/expand.js';
import { loadSweep } from '../src/experiment/sweep/load.js';
import { runSweep } from '../src/experiment/sweep/run.js';
import { WorkerThreadExecutor } from '../src/experiment/sweep/worker-executor.js';
import type { SweepSpec } from '../src/experiment/sweep/types.js';

export interface SweepBenchFigure {
  workers: number;
  runs: number;
  wallS: number;
  runsPerMinute: number;
}

export interface SweepBenchResult {
  sweep: string;
  /** Configurations sampled from the sweep (seeded), each run with the sweep's first seed. */
  configurations: number;
  figures: SweepBenchFigure[];
  /** runs/min with the most workers ÷ runs/min with one. */
  speedup: number;
}

export interface SweepBenchOptions {
  /** Default: examples/tokenizer-sweep.json of this project. */
  sweepFile?: string;
  /** Configurations to run per measurement, one seed each (default: the whole sweep, all its seeds). */
  configurations?: number;
  /** Worker counts to measure (default [1, 2]). */
  workers?: number[];
}

export async function benchSweep(options: SweepBenchOptions = {}): Promise<SweepBenchResult> {
  const file = options.sweepFile ?? resolve(projectRoot(), 'examples/tokenizer-sweep.json');
  const full = loadSweep(file);
  // The whole example sweep by default (24 runs: enough that starting the worker threads is a small part);
  // or a seeded sample of its configurations, one seed each, the same slice every time.
  const configurations = options.configurations ?? expandConfigs(full).length;
  const spec: SweepSpec =
    options.configurations === undefined
      ? full
      : { ...full, seeds: full.seeds.slice(0, 1), mode: 'random', samples: configurations, sampleSeed: 1 };
  const figures: SweepBenchFigure[] = [];
  for (const workers of options.workers ?? [1, 2]) {
    const out = mkdtempSync(join(tmpdir(), 'spillway-bench-sweep-'));
    try {
      const started = performance.now();
      const outcome = await runSweep(spec, { out, executor: new WorkerThreadExecutor({ workers }) });
      const wallS = (performance.now() - started) / 1000;
      if (outcome.failed.length > 0) throw new Error(`bench sweep: ${outcome.failed.length} run(s) failed: ${outcome.failed[0].message}`);
      const runs = outcome.ran;
      figures.push({ workers, runs, wallS: Math.round(wallS * 1000) / 1000, runsPerMinute: Math.round((runs / wallS) * 60 * 10) / 10 });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  const first = figures[0];
  const last = figures[figures.length - 1];
  return {
    sweep: full.name,
    configurations,
    figures,
    speedup: first && last && first.runsPerMinute > 0 ? Math.round((last.runsPerMinute / first.runsPerMinute) * 100) / 100 : Number.NaN,
  };
}
