/**
 * `spillway sweep <sweep.json> [--workers N] [--out DIR] [--top K] [--no-report]`: run every configuration of a
 * sweep file over its seeds in parallel, then rank them (results.json, results.csv, cdf/, top/, report.html).
 * Ctrl-C stops it with every finished run recorded; the same command resumes it.
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { UserError } from '../../util/errors.js';
import { claimOutputDir } from '../../util/output.js';
import { loadSweep } from '../../experiment/sweep/load.js';
import { createProgress } from '../../experiment/sweep/progress.js';
import { runSweep } from '../../experiment/sweep/run.js';
import { finishShard, makeExecutor, shardPlan, withDistributedOptions, type DistributedArgs } from './sweep-distributed.js';
import { reportSweepOutcome } from './sweep-outcome.js';

interface SweepArgs extends DistributedArgs {
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
    withDistributedOptions(y)
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
    const outPath = argv.out ?? join('out', 'sweeps', spec.name);
    // The shard and executor options are checked before the folder is claimed (created and marked), and the
    // folder before anything runs: a refusal writes nothing.
    const plan = shardPlan(argv, resolve(outPath));
    const executor = await makeExecutor(argv, spec, workers);
    let out: string;
    try {
      out = claimOutputDir(outPath, '--out', { defaultPath: argv.out === undefined });
    } catch (err) {
      await executor.close();
      throw err;
    }
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
        out: plan.store,
        ...(plan.select ? { select: plan.select } : {}),
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
    if (executor.report) process.stdout.write(`${executor.report()}\n`);

    if (outcome.interrupted) {
      const recorded = outcome.skipped + outcome.ran;
      process.stderr.write(
        `spillway: sweep ${spec.name} interrupted: ${recorded} of ${outcome.total} runs recorded in ${join(plan.store, 'runs.jsonl')}; ` +
          `run the same command again to resume\n`,
      );
      process.exitCode = 130;
      return;
    }
    if (plan.shard) finishShard(spec, out, plan.shard, outcome);
    else await reportSweepOutcome(spec.name, out, outcome, argv.report);
  },
};
