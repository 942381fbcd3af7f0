/**
 * `spillway sweep merge <sweep.json> [--out DIR] [--shards N] [--top K] [--no-report]`: join the shards of an
 * index-sharded sweep (see docs/SWEEPS.md, "Sharded sweeps") into the sweep directory and write the results.
 * Also `sweepGroupCommand`: `spillway sweep` with `merge` as a sub-command and running a sweep as the default.
 */
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { loadSweep } from '../../experiment/sweep/load.js';
import { mergeShards } from '../../experiment/sweep/merge.js';
import { createProgress } from '../../experiment/sweep/progress.js';
import { UserError } from '../../util/errors.js';
import { checkOutputDir } from '../../util/output.js';
import { reportSweepOutcome } from './sweep-outcome.js';
import { sweepCommand } from './sweep.js';

interface MergeArgs {
  sweep: string;
  out?: string;
  shards?: number;
  top: number;
  report: boolean;
}

export const sweepMergeCommand: CommandModule<object, MergeArgs> = {
  command: 'merge <sweep>',
  describe: 'Join the shards of a sharded sweep (--shard I/N) into the same results, ranking and report',
  builder: (y) =>
    y
      .positional('sweep', { type: 'string', demandOption: true, describe: 'the sweep file the shards ran' })
      .option('out', { type: 'string', describe: 'sweep directory holding shards/ (default: out/sweeps/<sweep name>)' })
      .option('shards', { type: 'number', describe: 'shard count N (default: the one the shard directories agree on)' })
      .option('top', { type: 'number', default: 0, describe: 'export the best K configurations as scenario files under <out>/top/' })
      .option('report', { type: 'boolean', default: true, describe: 'write charts and report.html (--no-report to skip)' }),
  handler: async (argv) => {
    const spec = loadSweep(argv.sweep);
    if (!Number.isInteger(argv.top) || argv.top < 0) throw new UserError(`--top: expected a whole number >= 0, got ${argv.top}`);
    // The sweep folder the shards were claimed in: never a file or a folder Spillway did not write.
    const out = checkOutputDir(argv.out ?? join('out', 'sweeps', spec.name), '--out', { defaultPath: argv.out === undefined }).abs;
    const outcome = await mergeShards(spec, { out, shards: argv.shards, top: argv.top, progress: createProgress({ label: `merge ${spec.name}` }) });
    process.stdout.write(`merged ${outcome.shards} shards of sweep ${spec.name} into ${out}\n`);
    await reportSweepOutcome(spec.name, out, outcome, argv.report);
  },
};

export const sweepGroupCommand: CommandModule<object, object> = {
  command: 'sweep',
  describe: sweepCommand.describe,
  builder: (y: Argv) =>
    y
      .command(sweepMergeCommand as unknown as CommandModule<object, object>)
      .command({ ...sweepCommand, command: '$0 <sweep>' } as unknown as CommandModule<object, object>),
  handler: () => undefined,
};
