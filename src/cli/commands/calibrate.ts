/**
 * `spillway calibrate <measurements...> --out models/<name>.json [--scenario s.json --scenario-out s2.json]`:
 * fit the platform model (and a scenario's service time) to Lambda probe files and real-run measurements.
 */
import type { Argv, CommandModule } from 'yargs';
import { calibrate } from '../../calibrate/calibrate.js';
import { formatCalibration } from '../../calibrate/report.js';
import { writeCalibration } from '../../calibrate/write.js';
import { UserError } from '../../util/errors.js';
import { checkOutputFile, fileHead } from '../../util/output.js';

/** A model file an earlier `spillway calibrate` wrote (its provenance says so): a rerun may replace it. */
const isCalibratedModel = (abs: string): boolean => fileHead(abs, 4096).includes('"source": "spillway calibrate: ');

export interface CalibrateArgs {
  measurements: string[];
  out: string;
  base?: string;
  id?: string;
  memory?: number;
  scenario?: string;
  'scenario-out'?: string;
  vertex?: string;
  'flink-vertex'?: string;
  report?: string;
  alpha: number;
  bootstrap: number;
  test: 'ad' | 'ks';
  seed: string;
  date?: string;
  quiet: boolean;
}

export const calibrateCommand: CommandModule<object, CalibrateArgs> = {
  command: 'calibrate <measurements...>',
  describe: 'Fit a platform model (and a scenario\'s service time) to Lambda probe files and real-run measurements',
  builder: (yargs: Argv<object>): Argv<CalibrateArgs> =>
    yargs
      .positional('measurements', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'probe JSONL files (spillway lambda probe), Flink metric samples, per-record timings, or run directories',
      })
      .option('out', { type: 'string', demandOption: true, describe: 'the platform model file to write (models/<name>.json)' })
      .option('base', { type: 'string', describe: 'model whose unmeasured fields are kept (default models/aws-lambda-nodejs-1024.json)' })
      .option('id', { type: 'string', describe: 'id of the new model (default: the --out file name)' })
      .option('memory', { type: 'number', describe: 'use only probe samples at this memory size, MB (required if the probes have several)' })
      .option('scenario', { type: 'string', describe: 'a scenario to write a calibrated copy of (service time, work factor, platform path)' })
      .option('scenario-out', { type: 'string', describe: 'where to write the calibrated scenario (required with --scenario)' })
      .option('vertex', { type: 'string', describe: 'the scenario vertex to calibrate (default: the offloaded vertex)' })
      .option('flink-vertex', { type: 'string', describe: 'that vertex\'s name in the Flink measurements (default: the only one, or the one containing --vertex)' })
      .option('report', { type: 'string', describe: 'also write every fit statistic as JSON here' })
      .option('alpha', { type: 'number', default: 0.05, describe: 'significance level of the goodness-of-fit test' })
      .option('bootstrap', { type: 'number', default: 199, describe: 'parametric-bootstrap replicates per family (0: asymptotic KS only)' })
      .option('test', { choices: ['ad', 'ks'] as const, default: 'ad' as const, describe: 'the test that chooses the family: Anderson-Darling or Kolmogorov-Smirnov' })
      .option('seed', { type: 'string', default: 'spillway-calibrate', describe: 'seed of the bootstrap streams' })
      .option('date', { type: 'string', describe: 'provenance date YYYY-MM-DD (default today)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'print only the files written' })
      .example('$0 calibrate out/probe-aws.jsonl --out models/aws-lambda-nodejs-1024-measured.json', 'fit cold start, round trip and overhead')
      .example(
        '$0 calibrate out/probe.jsonl out/validate/run1 --out models/local.json --scenario examples/default.json --scenario-out out/default-calibrated.json',
        'also calibrate the scenario\'s tokenizer service time',
      ) as unknown as Argv<CalibrateArgs>,
  handler: (argv) => {
    if (argv.scenario && !argv['scenario-out']) throw new UserError('--scenario needs --scenario-out (the calibrated copy is written there)');
    if (argv['scenario-out'] && !argv.scenario) throw new UserError('--scenario-out needs --scenario');
    if (!argv.out.endsWith('.json')) throw new UserError(`--out ${argv.out}: a model file name must end in .json`);
    if (!(argv.alpha > 0 && argv.alpha < 1)) throw new UserError(`--alpha ${argv.alpha}: must be between 0 and 1`);
    if (!Number.isInteger(argv.bootstrap) || argv.bootstrap < 0) throw new UserError(`--bootstrap ${argv.bootstrap}: must be a non-negative integer`);
    if (argv.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(argv.date)) throw new UserError(`--date ${argv.date}: must be YYYY-MM-DD`);
    // Checked before the fit, which takes seconds: a refused path should cost nothing.
    checkOutputFile(argv.out, '--out', { isOwn: isCalibratedModel });
    if (argv['scenario-out']) checkOutputFile(argv['scenario-out'], '--scenario-out');
    if (argv.report) checkOutputFile(argv.report, '--report');
    const result = calibrate(argv.measurements, {
      base: argv.base,
      id: argv.id,
      modelOut: argv.out,
      memoryMb: argv.memory,
      scenario: argv.scenario,
      scenarioOut: argv['scenario-out'],
      vertex: argv.vertex,
      flinkVertex: argv['flink-vertex'],
      date: argv.date,
      fit: { alpha: argv.alpha, bootstrap: argv.bootstrap, test: argv.test, seed: argv.seed },
    });
    const written = writeCalibration(result, { model: argv.out, scenario: argv['scenario-out'], report: argv.report });
    if (!argv.quiet) process.stdout.write(formatCalibration(result) + '\n');
    process.stdout.write(`wrote ${[written.model, written.scenario, written.report].filter(Boolean).join(', ')}\n`);
  },
};
