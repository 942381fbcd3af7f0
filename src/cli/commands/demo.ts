/**
 * `spillway demo [scenario]` (what `npm start` runs): the whole decision on one scenario. Five strategies on
 * the same trace and seed (backpressure, provisioned-peak, the operator autoscaler, the scenario's burst policy,
 * burst+autoscale), one table with latency and the full bill, and a comparison report in out/<scenario>/
 * (compare.json, one run directory per strategy, charts with a cost-versus-p99 chart, report.html).
 */
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { loadScenario } from '../../experiment/runner.js';
import { writeRunFiles } from '../../experiment/run-output.js';
import { formatTable, goal, runStrategies, strategyRows } from '../../experiment/strategies.js';
import { policyForScenario } from '../../experiment/scenario-policy.js';
import { writeCompareReport } from '../../report/index.js';
import { mkdirSync } from 'node:fs';
import { checkOutputDir, writeFileAtomic, writeOutputDir } from '../../util/output.js';
import { reportEndings } from '../summary-table.js';

interface DemoArgs {
  scenario: string;
  policy?: string;
  out?: string;
  report: boolean;
}

export const DEFAULT_SCENARIO = 'examples/default.json';

const NOT_BURST = new Set(['backpressure', 'autoscaler', 'burst+autoscale']);

export const demoCommand: CommandModule<object, DemoArgs> = {
  command: 'demo [scenario]',
  describe: 'Backpressure, provisioned-peak, autoscaler, burst and burst+autoscale on one scenario, side by side (npm start)',
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', default: DEFAULT_SCENARIO, describe: 'scenario JSON file' })
      .option('policy', { type: 'string', describe: "the burst policy (default: the scenario's, else target-lag)" })
      .option('out', { type: 'string', describe: 'output directory (default out/<scenario>)' })
      .option('report', { type: 'boolean', default: true, describe: 'write charts and report.html' }) as unknown as Argv<DemoArgs>,
  handler: async (args) => {
    const scenario = loadScenario(args.scenario);
    const own = scenario.policy?.name;
    // The scenario's policy bursts unless it is not a burst policy; a bad name or parameter names its origin.
    const fromScenario = args.policy === undefined && own !== undefined && !NOT_BURST.has(own);
    const burst = (await policyForScenario(scenario, { cliPolicy: fromScenario ? undefined : (args.policy ?? 'target-lag'), fallback: 'target-lag' })).name;
    const outPath = args.out ?? join('out', scenario.name);
    const outDir = checkOutputDir(outPath, '--out', { defaultPath: args.out === undefined }).abs;
    const runs = runStrategies(scenario, burst, (label) => process.stderr.write(`simulating ${scenario.name} under ${label} ...\n`));
    // the verdict sentence, printed and shown first in report.html
    const verdict = `best burst or hybrid: ${goal(runs).text}`;
    await writeOutputDir(outPath, async (dir) => {
      for (const r of runs) {
        mkdirSync(join(dir, r.label), { recursive: true });
        writeRunFiles(join(dir, r.label), r.result, { scenario_file: scenario.file });
      }
      writeFileAtomic(join(dir, 'compare.json'), JSON.stringify({ scenario: scenario.name, runs: runs.map((r) => ({ label: r.label, dir: r.label })) }, null, 2) + '\n');
      if (args.report) await writeCompareReport(dir, { verdict });
    }, { defaultPath: args.out === undefined });
    process.stdout.write(`\n${scenario.name}: ${scenario.description ?? ''}\n\n`);
    process.stdout.write(formatTable(strategyRows(runs, scenario.drain_s)));
    process.stdout.write(`
${verdict}
Report: ${join(outDir, 'report.html')}
`);
    process.exitCode = reportEndings(runs.map((r) => ({ label: r.label, summary: r.result.summary, drainS: scenario.drain_s })));
    const failed = runs.filter((r) => r.failed);
    if (failed.length > 0) {
      for (const f of failed) process.stderr.write(`spillway: RUN FAILED (${f.label}): ${f.failed}\n`);
      process.exitCode = 1;
    }
  },
};
