/** `spillway report <run-or-sweep-dir> [--no-png]`: charts and a self-contained report.html for a directory. */
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { writeReport } from '../../report/index.js';
import { requireOwnDir } from '../../util/output.js';

export interface ReportArgs {
  dir: string;
  png: boolean;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <dir>',
  describe: 'Write charts (SVG, PNG) and a self-contained report.html for a run, comparison or sweep directory',
  builder: (yargs: Argv<object>): Argv<ReportArgs> =>
    yargs
      .positional('dir', {
        type: 'string',
        demandOption: true,
        describe: 'a run directory (summary.json), a comparison (compare.json) or a sweep (results.json)',
      })
      .option('png', {
        type: 'boolean',
        default: true,
        describe: 'also write charts/*.png (use --no-png to skip them)',
      })
      .example('$0 report out/demo', 'compare the demo runs, and write each run\'s own report')
      .example('$0 report out/sweeps/spike --no-png', 'rank a sweep, SVG charts only') as unknown as Argv<ReportArgs>,
  handler: async (argv) => {
    requireOwnDir(argv.dir, 'report');
    const kind = await writeReport(argv.dir, { png: argv.png });
    process.stdout.write(`wrote ${join(argv.dir, 'report.html')} (${kind} report) and ${join(argv.dir, 'charts')}/\n`);
  },
};
