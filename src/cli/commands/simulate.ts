/** `spillway simulate <scenario.json>`: one run, its files in out/<run>/, a short table on stdout. */
import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { InvariantError, loadScenario, runScenario, type RunResult } from '../../experiment/runner.js';
import { writeRunFiles } from '../../experiment/run-output.js';
import { parseParamArgs } from '../../policy/registry.js';
import { policyForScenario } from '../../experiment/scenario-policy.js';
import { writeRunReport } from '../../report/index.js';
import { UserError } from '../../util/errors.js';
import { MAX_SEED, MAX_SPAN_S } from '../../util/limits.js';
import { checkOutputDir, writeOutputDir } from '../../util/output.js';
import { printSummaryTable, reportEndings } from '../summary-table.js';

interface SimulateArgs {
  scenario: string;
  trace?: string;
  seed?: number;
  duration?: number;
  out?: string;
  json: boolean;
  policy?: string;
  param: string[];
  report: boolean;
  png: boolean;
}

export const simulateCommand: CommandModule<object, SimulateArgs> = {
  command: 'simulate <scenario>',
  describe: 'Simulate one scenario: writes out/<run>/ (summary.json, timeseries.csv, charts, report.html)',
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario JSON file' })
      .option('trace', { type: 'string', describe: 'trace file replacing the scenario\'s' })
      .option('seed', { type: 'number', describe: 'random seed (default: the scenario\'s)' })
      .option('duration', { type: 'number', describe: 'replay length in seconds (default: the trace\'s)' })
      .option('out', { type: 'string', describe: 'output directory (default out/<scenario>-<policy>)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON on stdout' })
      .option('policy', { type: 'string', describe: 'built-in policy name or path of a .js/.mjs policy module' })
      .option('param', { type: 'string', array: true, default: [], describe: 'policy parameter override key=value (repeatable)' })
      .option('report', { type: 'boolean', default: true, describe: 'write charts and report.html (--no-report to skip)' })
      .option('png', { type: 'boolean', default: true, describe: 'also render PNG charts (--no-png to skip)' }) as unknown as Argv<SimulateArgs>,
  handler: async (args) => {
    checkNumber('--seed', args.seed, (v) => Number.isInteger(v) && v >= 0 && v <= MAX_SEED, `a whole number from 0 to ${MAX_SEED}`);
    checkNumber('--duration', args.duration, (v) => v > 0 && v <= MAX_SPAN_S, `a positive number of seconds up to ${MAX_SPAN_S} (30 days)`);
    const scenario = loadScenario(args.scenario);
    const params = parseParamArgs(args.param);
    const factory = await policyForScenario(scenario, { cliPolicy: args.policy, fallback: 'backpressure', cliParams: params });
    const outPath = args.out ?? `out/${scenario.name}-${factory.name}`;
    const outDir = checkOutputDir(outPath, '--out', { defaultPath: args.out === undefined }).abs;
    let result: RunResult;
    let failure: InvariantError | undefined;
    try {
      result = runScenario(scenario, {
        seed: args.seed,
        durationS: args.duration,
        tracePath: args.trace ? resolve(args.trace) : undefined,
        policy: factory,
        params,
      });
    } catch (err) {
      if (!(err instanceof InvariantError)) throw err;
      failure = err;
      result = err.result;
    }
    await writeOutputDir(
      outPath,
      async (dir) => {
        writeRunFiles(dir, result, { scenario_file: scenario.file });
        if (args.report) await writeRunReport(dir, { png: args.png });
      },
      { defaultPath: args.out === undefined },
    );
    const run = { label: factory.name, summary: result.summary, drainS: scenario.drain_s };
    if (args.json) {
      process.stdout.write(JSON.stringify({ ...result.summary, wall_ms: Math.round(result.wallMs), out: outDir }, null, 2) + '\n');
    } else {
      printSummaryTable([run]);
      process.stdout.write(`\n${result.summary.events_processed} events in ${Math.round(result.wallMs)} ms · wrote ${outDir}\n`);
    }
    process.exitCode = reportEndings([run], args.json ? process.stderr : process.stdout);
    if (failure) {
      process.stderr.write(`spillway: RUN FAILED: ${failure.message} (outputs kept in ${outDir} for inspection)\n`);
      process.exitCode = 1;
    }
  },
};

function checkNumber(flag: string, v: number | undefined, ok: (v: number) => boolean, what: string): void {
  if (v === undefined) return;
  if (!Number.isFinite(v) || !ok(v)) throw new UserError(`${flag}: expected ${what}, got ${String(v)}`);
}
