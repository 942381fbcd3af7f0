/**
 * `spillway demo [scenario]` (what `npm start` runs): the shipped default scenario under `backpressure`
 * (Flink's default) and under the scenario's burst policy, side by side, with a comparison report in
 * out/<scenario>/ (compare.json, one run directory per policy, charts, report.html).
 */
import { join, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { InvariantError, loadScenario, runScenario, type RunResult } from '../../experiment/runner.js';
import { writeRunFiles } from '../../experiment/run-output.js';
import { loadPolicyFactory } from '../../policy/registry.js';
import { writeCompareReport } from '../../report/index.js';
import { withStagedDir, writeFileAtomic } from '../../util/fsx.js';
import { printSummaryTable } from '../summary-table.js';

interface DemoArgs {
  scenario: string;
  policy?: string;
  out?: string;
  report: boolean;
}

export const DEFAULT_SCENARIO = 'examples/default.json';

export const demoCommand: CommandModule<object, DemoArgs> = {
  command: 'demo [scenario]',
  describe: 'Run a scenario under backpressure and under its burst policy, side by side (npm start)',
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', default: DEFAULT_SCENARIO, describe: 'scenario JSON file' })
      .option('policy', { type: 'string', describe: 'burst policy to compare (default: the scenario\'s)' })
      .option('out', { type: 'string', describe: 'output directory (default out/<scenario>)' })
      .option('report', { type: 'boolean', default: true, describe: 'write charts and report.html' }) as unknown as Argv<DemoArgs>,
  handler: async (args) => {
    const scenario = loadScenario(args.scenario);
    const burst = await loadPolicyFactory(args.policy ?? scenario.policy?.name ?? 'threshold');
    const baseline = await loadPolicyFactory('backpressure');
    const outDir = resolve(args.out ?? join('out', scenario.name));
    const runs: { label: string; result: RunResult }[] = [];
    let failed: string | undefined;
    for (const factory of [baseline, burst]) {
      process.stderr.write(`simulating ${scenario.name} under ${factory.name} ...\n`);
      try {
        runs.push({ label: factory.name, result: runScenario(scenario, { policy: factory }) });
      } catch (err) {
        if (!(err instanceof InvariantError)) throw err;
        failed = err.message;
        runs.push({ label: factory.name, result: err.result });
      }
    }
    await withStagedDir(outDir, async (dir) => {
      for (const r of runs) {
        await withStagedDir(join(dir, r.label), (runDir) => writeRunFiles(runDir, r.result, { scenario_file: scenario.file }));
      }
      writeFileAtomic(join(dir, 'compare.json'), JSON.stringify({ scenario: scenario.name, runs: runs.map((r) => ({ label: r.label, dir: r.label })) }, null, 2) + '\n');
      if (args.report) await writeCompareReport(dir);
    });
    process.stdout.write(`\n${scenario.name}: ${scenario.description ?? ''}\n\n`);
    printSummaryTable(runs.map((r) => ({ label: r.label, summary: r.result.summary })));
    const [bp, b] = runs.map((r) => r.result.summary);
    const cut = 1 - b.latency_ms.p99 / bp.latency_ms.p99;
    process.stdout.write(
      `\n${burst.name} cuts p99 latency by ${(cut * 100).toFixed(1)}% against backpressure ` +
        `(${bp.latency_ms.p99.toFixed(0)} ms → ${b.latency_ms.p99.toFixed(0)} ms) for $${b.cost_usd.total.toFixed(4)} of function time.\n` +
        `Report: ${join(outDir, 'report.html')}\n`,
    );
    if (failed) {
      process.stderr.write(`spillway: RUN FAILED: ${failed}\n`);
      process.exitCode = 1;
    }
  },
};
