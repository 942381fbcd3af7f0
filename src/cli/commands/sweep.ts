/**
 * `spillway sweep <sweep.json> [--workers N] [--out DIR] [--top K] [--no-report]`: run every configuration of a
 * sweep file over its seeds in parallel, then rank them (results.json, results.csv, cdf/, top/, report.html).
 * Ctrl-C stops it with every finished run recorded; the same command resumes it.
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { writeSweepReport } from '../../report/index.js';
import { UserError } from '../../util/errors.js';
import { InProcessExecutor, type Executor } from '../../experiment/sweep/executor.js';
import { loadSweep } from '../../experiment/sweep/load.js';
import { createProgress } from '../../experiment/sweep/progress.js';
import { runSweep } from '../../experiment/sweep/run.js';
import { importRunner, makeRunFn } from '../../experiment/sweep/runner-adapter.js';
import { formatTopRows } from '../../experiment/sweep/summary-text.js';
import { WorkerThreadExecutor } from '../../experiment/sweep/worker-executor.js';

interface SweepArgs {
  sweep: string;
  workers?: number;
  out?: string;
  top: number;
  report: boolean;
}

export const sweepCommand: CommandModule<object, SweepArgs> = {
  command: 'sweep <sweep>',
  describe: 'Run a parameter sweep of burst policies and rank them (resumable)',
  builder: (y) =>
    y
      .positional('sweep', { type: 'string', demandOption: true, describe: 'sweep file (see docs/SWEEPS.md)' })
      .option('workers', {
        type: 'number',
        describe: `worker threads (default: available cores, here ${availableParallelism()}; 0 = run in this thread)`,
      })
      .option('out', { type: 'string', describe: 'sweep directory (default: out/sweeps/<sweep name>); rerun into it to resume' })
      .option('top', { type: 'number', default: 0, describe: 'export the best K configurations as scenario files under <out>/top/' })
      .option('report', { type: 'boolean', default: true, describe: 'write charts and report.html (--no-report to skip)' }),
  handler: async (argv) => {
    const spec = loadSweep(argv.sweep);
    const workers = argv.workers ?? availableParallelism();
    if (!Number.isInteger(workers) || workers < 0) throw new UserError(`--workers: expected a whole number >= 0, got ${argv.workers}`);
    if (!Number.isInteger(argv.top) || argv.top < 0) throw new UserError(`--top: expected a whole number >= 0, got ${argv.top}`);
    const out = resolve(argv.out ?? join('out', 'sweeps', spec.name));

    const executor: Executor =
      workers === 0 ? new InProcessExecutor(makeRunFn(await importRunner())) : new WorkerThreadExecutor({ workers });
    const controller = new AbortController();
    let signals = 0;
    const onSignal = (name: NodeJS.Signals): void => {
      signals++;
      if (signals > 1) process.exit(130);
      process.stderr.write(`\nspillway: ${name}: stopping; finished runs are recorded (press Ctrl-C again to quit at once)\n`);
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let outcome;
    try {
      outcome = await runSweep(spec, {
        out,
        executor,
        top: argv.top,
        signal: controller.signal,
        progress: createProgress({ label: `sweep ${spec.name}` }),
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await executor.close();
    }

    if (outcome.interrupted) {
      const recorded = outcome.skipped + outcome.ran;
      process.stderr.write(
        `spillway: sweep ${spec.name} interrupted: ${recorded} of ${outcome.total} runs recorded in ${join(out, 'runs.jsonl')}; ` +
          `run the same command again to resume\n`,
      );
      process.exitCode = 130;
      return;
    }
    const results = outcome.results!;
    process.stdout.write(
      `sweep ${spec.name}: ${outcome.total} runs (${outcome.ran} run now, ${outcome.skipped} already recorded), ${results.rows.length} configurations\n`,
    );
    process.stdout.write(formatTopRows(results, 10));
    process.stdout.write(`results: ${join(out, 'results.json')}, ${join(out, 'results.csv')}\n`);
    for (const f of outcome.topFiles) process.stdout.write(`exported: ${f}\n`);
    if (argv.report && results.rows.length > 0) {
      try {
        await writeSweepReport(out);
        process.stdout.write(`report: ${join(out, 'report.html')}\n`);
      } catch (err) {
        process.stderr.write(`spillway: sweep report not written: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      }
    }
    if (outcome.failed.length > 0) {
      process.stderr.write(
        `spillway: ${outcome.failed.length} run(s) failed (see above); results exclude them. Rerun the same command to retry them.\n`,
      );
      process.exitCode = 1;
    }
  },
};
