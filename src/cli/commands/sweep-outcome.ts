/** What `spillway sweep` and `spillway sweep merge` print once results are written, and their exit code. */
import { join } from 'node:path';
import type { SweepOutcome } from '../../experiment/sweep/run.js';
import { formatTopRows } from '../../experiment/sweep/summary-text.js';
import { writeSweepReport } from '../../report/index.js';

export async function reportSweepOutcome(name: string, out: string, outcome: SweepOutcome, report: boolean): Promise<void> {
  const results = outcome.results!;
  process.stdout.write(
    `sweep ${name}: ${outcome.total} runs (${outcome.ran} run now, ${outcome.skipped} already recorded), ${results.rows.length} configurations\n`,
  );
  process.stdout.write(formatTopRows(results, 10));
  process.stdout.write(`results: ${join(out, 'results.json')}, ${join(out, 'results.csv')}\n`);
  for (const f of outcome.topFiles) process.stdout.write(`exported: ${f}\n`);
  if (report && results.rows.length > 0) {
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
}
