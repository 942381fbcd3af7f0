/**
 * `spillway validate <scenario.json>`: run the scenario's policy against a real Flink job (flink-validate) offloading
 * to the local Lambda endpoint or AWS Lambda, simulate the same, compare (docs/VALIDATION.md).
 */
import type { Argv, CommandModule } from 'yargs';
import { parseParamArgs } from '../../policy/registry.js';
import { UserError } from '../../util/errors.js';
import { checkRepeat, runRepeated } from '../../live/validate/repeat.js';
import { parseFaultArgs, runValidation, type ValidateOptions } from '../../live/validate/run.js';
import { COMPARISON_METRICS } from '../../live/validate/compare.js';
import { loadTolerances } from '../../live/validate/tolerances.js';
import { runValidationOnSession } from '../../live/validate/on-session.js';

/** validate's own exit code when the simulated copy falls outside the tolerances (1: loss or a failed run, 2: bad input). */
export const EXIT_OUTSIDE_TOLERANCE = 3;

interface ValidateArgs {
  scenario: string;
  policy?: string;
  param: string[];
  target: 'local' | 'aws' | 'azure';
  platform?: string;
  'function-url'?: string;
  flink: string;
  duration?: number;
  trace?: string;
  'rate-scale'?: number;
  out?: string;
  fault: string[];
  calibrate: boolean;
  'function-name'?: string;
  runtime?: 'node' | 'python' | 'java';
  region?: string;
  profile?: string;
  json: boolean;
  'work-mode'?: string;
  repeat: number;
  'report-only': boolean;
  tolerances?: string;
  seed?: number;
  drain?: number;
  'task-managers'?: number;
  'operator-lang'?: string;
}

export const validateCommand: CommandModule<object, ValidateArgs> = {
  command: 'validate <scenario>',
  describe: 'Run a policy against a real Flink job and Lambda (local endpoint or AWS), simulate the same, compare',
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario JSON file (source -> tokenizer -> sink shape)' })
      .option('policy', { type: 'string', describe: 'built-in policy name or path of a .js/.mjs policy module (default: the scenario\'s)' })
      .option('param', { type: 'string', array: true, default: [], describe: 'policy parameter override key=value (repeatable)' })
      .option('target', { choices: ['local', 'aws', 'azure'] as const, default: 'local' as const, describe: 'the local endpoint (127.0.0.1), real AWS Lambda, or a real Azure function app' })
      .option('platform', { type: 'string', describe: 'lambda (Invoke API) or azure (HTTP trigger with a function key); default azure for --target azure, else lambda' })
      .option('function-url', { type: 'string', describe: '--target azure: the function URL (default $SPILLWAY_AZURE_FUNCTION_URL); the key is read from $SPILLWAY_AZURE_FUNCTION_KEY' })
      .option('flink', { type: 'string', default: 'local', describe: '"local" (MiniCluster child process), "session" (a Flink session cluster started here: JobManager + TaskManagers as JVMs) or a remote cluster REST URL' })
      .option('task-managers', { type: 'number', describe: 'with --flink session: how many TaskManagers (default 2)' })
      .option('duration', { type: 'number', describe: 'replay length in seconds (default: the scenario\'s)' })
      .option('trace', { type: 'string', describe: 'trace file replacing the scenario\'s' })
      .option('rate-scale', { type: 'number', describe: 'multiply the trace\'s rates (real job and simulator alike)' })
      .option('out', { type: 'string', describe: 'output directory (default out/validate/<scenario>-<policy>)' })
      .option('fault', {
        type: 'string',
        array: true,
        default: [],
        describe: 'local endpoint faults: error_rate=x,throttle_rate=x,added_latency_ms=n,crash_after=N (repeatable)',
      })
      .option('calibrate', { type: 'boolean', default: false, describe: 'fit the model to the real run, re-simulate, report errors before and after' })
      .option('function-name', { type: 'string', describe: 'Lambda function name (default spillway-offload)' })
      .option('runtime', { choices: ['node', 'python', 'java'] as const, describe: 'the handler the local endpoint runs (default node; java: a JVM per environment)' })
      .option('region', { type: 'string', describe: 'AWS region (default: the SDK\'s default chain)' })
      .option('profile', { type: 'string', describe: '--target aws: shared-config profile for region and credentials' })
      .option('work-mode', {
        type: 'string',
        describe: 'cpu: the job and the function spin each record\'s mean service time; wait: they hold a seeded draw from the scenario\'s distribution without CPU (default: wait for a local MiniCluster + local endpoint, else cpu)',
      })
      .option('repeat', { type: 'number', default: 1, describe: 'run the real side N times and the simulator over N seeds (seed, seed+1, ...); report the spreads, judge the means' })
      .option('report-only', { type: 'boolean', default: false, describe: 'report PASS/FAIL per metric but exit 0 when the simulator is outside the tolerances' })
      .option('tolerances', { type: 'string', describe: 'JSON file of tolerances [{key, kind, tolerance, floor}] replacing the defaults (docs/VALIDATION.md)' })
      .option('seed', { type: 'number', describe: 'replace the scenario\'s seed on both sides' })
      .option('drain', { type: 'number', describe: 'seconds the job may drain after the trace before it is stopped (default min(drain_s, 600))' })
      .option('operator-lang', { type: 'string', describe: 'the tokenizer\'s language: java (default) or python (a PyFlink UDTF; needs npm run setup:pyflink, docs/PYFLINK.md)' })
      .option('json', { type: 'boolean', default: false, describe: 'print comparison rows as JSON instead of the table' })
      .example('$0 validate examples/default.json --policy target-lag --duration 60', 'MiniCluster + local Lambda endpoint vs the simulator')
      .example('$0 validate s.json --fault error_rate=0.2,throttle_rate=0.3', 'the same under injected faults (still zero loss)')
      .example('$0 validate examples/default-azure.json --platform azure --duration 60', 'MiniCluster + the local endpoint\'s Azure Functions app vs the simulator') as unknown as Argv<ValidateArgs>,
  handler: async (args) => {
    if (args.duration !== undefined && !(Number.isFinite(args.duration) && args.duration > 0)) {
      throw new UserError(`--duration: expected a positive number of seconds, got ${String(args.duration)}`);
    }
    const repeat = checkRepeat(args.repeat);
    const opts: ValidateOptions = {
      scenario: args.scenario,
        policy: args.policy,
        params: parseParamArgs(args.param),
        target: args.target,
        platform: args.platform as ValidateOptions['platform'],
        functionUrl: args['function-url'],
        flink: args.flink,
        durationS: args.duration,
        tracePath: args.trace,
        rateScale: args['rate-scale'],
        out: args.out,
        faults: parseFaultArgs(args.fault),
        calibrate: args.calibrate,
        functionName: args['function-name'],
        runtime: args.runtime,
        region: args.region,
        profile: args.profile,
        workMode: args['work-mode'] as ValidateOptions['workMode'],
        seed: args.seed,
        drainS: args.drain,
        operatorLang: args['operator-lang'] as ValidateOptions['operatorLang'],
        tolerances: args.tolerances !== undefined ? loadTolerances(args.tolerances, COMPARISON_METRICS.map((m) => m.key)) : undefined,
    };
    if (args.flink === 'session' && repeat > 1) throw new UserError('--repeat: not with --flink session (each repetition would start its own cluster); run it N times');
    if (repeat > 1) return runRepeatedCommand(opts, repeat, args);
    const r = await orFail(() => (args.flink === 'session' ? runValidationOnSession(opts, { taskManagers: args['task-managers'] }) : runValidation(opts)));
    if (!r) return;
    if (args.json) {
      process.stdout.write(JSON.stringify({ dir: r.dir, zero_loss: r.zeroLoss, metrics: r.rows, calibration: r.calibration }, null, 2) + '\n');
    } else {
      const real = r.real.records;
      process.stdout.write(`\n${r.real.scenario} · policy ${r.real.policy} · ${r.real.duration_s} s · real vs simulated (relative error = (simulated - real) / |real|)\n\n`);
      process.stdout.write(r.table);
      process.stdout.write(
        `\nzero loss: real ${real.lost} lost, ${real.duplicated} duplicated of ${real.arrived}; simulated ${r.simulated.records.lost} lost, ${r.simulated.records.duplicated} duplicated of ${r.simulated.records.arrived}\n`,
      );
      if (r.calibration && r.calibration.status !== 'done') process.stdout.write(`calibration ${r.calibration.status}: ${r.calibration.message}\n`);
      process.stdout.write(`wrote ${r.dir} (comparison.json, report.html, real/, simulated/${r.calibrated ? ', calibrated/' : ''})\n`);
    }
    setExitCode(r, args['report-only']);
  },
};

/** A user's mistake is thrown (exit 2); the job failing, hanging or writing nothing is one line and exit 1 (null). */
async function orFail<T>(run: () => Promise<T>): Promise<T | null> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof UserError) throw err;
    process.stderr.write(`spillway: VALIDATION FAILED: ${(err as Error).message}\n`);
    process.exitCode = 1;
    return null;
  }
}

/** 1 for loss or a broken simulated invariant; EXIT_OUTSIDE_TOLERANCE when a metric FAILs (unless --report-only). */
function setExitCode(r: { zeroLoss: boolean; simulatedOk: boolean; verdict: string; verdictSentence: string; dir: string }, reportOnly: boolean): void {
  if (!r.zeroLoss) {
    process.stderr.write(`spillway: VALIDATION FAILED: the real run lost or duplicated records (report kept in ${r.dir})\n`);
    process.exitCode = 1;
  } else if (!r.simulatedOk) {
    process.stderr.write(`spillway: VALIDATION FAILED: the simulated run broke the zero-loss invariant (report kept in ${r.dir})\n`);
    process.exitCode = 1;
  } else if (r.verdict === 'FAIL' && !reportOnly) {
    process.stderr.write(`spillway: OUTSIDE TOLERANCE: ${r.verdictSentence} (report kept in ${r.dir}; --report-only to exit 0)\n`);
    process.exitCode = EXIT_OUTSIDE_TOLERANCE;
  }
}

async function runRepeatedCommand(opts: ValidateOptions, n: number, args: ValidateArgs): Promise<void> {
  const r = await orFail(() => runRepeated(opts, n));
  if (!r) return;
  if (args.json) {
    process.stdout.write(JSON.stringify({ dir: r.dir, zero_loss: r.zeroLoss, spreads: r.spreads, judgements: r.judgements, verdict: r.verdict }, null, 2) + '\n');
  } else {
    process.stdout.write(`\n${n} repetitions · real spread beside simulated spread (min / mean / max); errors of the means\n\n${r.table}`);
    process.stdout.write(`wrote ${r.dir} (comparison.json, report.html, repeat-1/ .. repeat-${n}/)\n`);
  }
  setExitCode(r, args['report-only']);
}
