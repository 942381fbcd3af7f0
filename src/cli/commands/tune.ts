/**
 * `spillway tune <scenario> --policy P`: search a policy's parameters by successive halving over sweep runs on
 * training traces, then report the winner against the defaults on held-out traces (docs/SWEEPS.md, "Tuning").
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { loadScenario } from '../../experiment/runner.js';
import { InProcessExecutor, type Executor } from '../../experiment/sweep/executor.js';
import { isKnownMetric } from '../../experiment/sweep/metrics.js';
import { createProgress } from '../../experiment/sweep/progress.js';
import { importRunner, makeRunFn } from '../../experiment/sweep/runner-adapter.js';
import type { Bound, Objective } from '../../experiment/sweep/types.js';
import { WorkerThreadExecutor } from '../../experiment/sweep/worker-executor.js';
import { runTune, type TuneResult } from '../../experiment/tune/run.js';
import { defaultSpace, parseDimension, sampleCandidates } from '../../experiment/tune/space.js';
import { policyForScenario } from '../../experiment/scenario-policy.js';
import { UserError } from '../../util/errors.js';
import { claimOutputDir, writeFileAtomic } from '../../util/output.js';

interface TuneArgs {
  scenario: string;
  policy: string;
  space: string[];
  train: string[];
  holdout: string[];
  candidates: number;
  eta: number;
  'max-seeds': number;
  seed: number;
  minimize: string;
  max: string[];
  duration?: number;
  workers?: number;
  out?: string;
}

function wholeNumber(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new UserError(`--${name}: expected a whole number >= ${min}, got ${v}`);
  return v;
}

function objectiveOf(argv: TuneArgs): Objective {
  const check = (m: string, flag: string) => {
    if (!isKnownMetric(m)) throw new UserError(`--${flag}: unknown metric "${m}" (see docs/SWEEPS.md for the metric names)`);
  };
  check(argv.minimize, 'minimize');
  const subjectTo: Record<string, Bound> = {};
  for (const c of argv.max) {
    const [m, v] = c.split('=');
    check(m, 'max');
    const x = Number(v);
    if (v === undefined || !Number.isFinite(x)) throw new UserError(`--max "${c}": expected metric=number`);
    subjectTo[m] = { max: x };
  }
  return Object.keys(subjectTo).length > 0 ? { minimize: argv.minimize, subject_to: subjectTo } : { minimize: argv.minimize };
}

function fmtMeans(m: Record<string, number | null>): string {
  const f = (k: string, d: number) => (m[k] === null || m[k] === undefined ? 'n/a' : m[k]!.toFixed(d));
  return `p99 ${f('latency_p99_ms', 1)} ms, cost $${f('cost_usd', 4)}, switches/min ${f('share_switches_per_min', 2)}`;
}

function printResult(r: TuneResult): void {
  r.rungs.forEach((g, i) => {
    process.stdout.write(`rung ${i + 1}: ${g.candidates.length} candidates × ${g.seeds} seed(s); best ${JSON.stringify(g.candidates[0].params)}: ${fmtMeans(g.candidates[0].means)}\n`);
  });
  process.stdout.write(`tuned: ${JSON.stringify(r.best.params)}${r.best.feasible ? '' : ' (no candidate met the constraints: least violation)'}\n`);
  if (r.holdout) {
    process.stdout.write(`held out, tuned:   ${fmtMeans(r.holdout.tuned.means)}${r.holdout.tuned.feasible ? '' : ' (misses a constraint)'}\n`);
    process.stdout.write(`held out, defaults: ${fmtMeans(r.holdout.defaults.means)}${r.holdout.defaults.feasible ? '' : ' (misses a constraint)'}\n`);
  }
}

export const tuneCommand: CommandModule<object, TuneArgs> = {
  command: 'tune <scenario>',
  describe: "Search a policy's parameters (successive halving over sweep runs) on training traces; report on held-out ones",
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'base scenario JSON file' })
      .option('policy', { type: 'string', demandOption: true, describe: 'built-in policy to tune' })
      .option('space', { type: 'array', string: true, default: [], describe: 'name=lo:hi or name=a,b,c (repeatable; default: numeric parameters, default/2..default×2)' })
      .option('train', { type: 'array', string: true, default: [], describe: "training trace (repeatable; default: the scenario's)" })
      .option('holdout', { type: 'array', string: true, default: [], describe: 'held-out trace, never searched on (repeatable)' })
      .option('candidates', { type: 'number', default: 16, describe: 'candidates sampled for the first rung' })
      .option('eta', { type: 'number', default: 2, describe: 'keep 1/eta of the candidates after each rung' })
      .option('max-seeds', { type: 'number', default: 4, describe: 'seeds per run at the last rung and on held-out traces (rung r: 2^r)' })
      .option('seed', { type: 'number', default: 1, describe: 'seed of the candidate sampler' })
      .option('minimize', { type: 'string', default: 'latency_p99_ms', describe: 'metric to minimise' })
      .option('max', { type: 'array', string: true, default: [], describe: 'constraint metric=value on the mean (repeatable), e.g. cost_usd=0.0094' })
      .option('duration', { type: 'number', describe: 'replay length override, s' })
      .option('workers', { type: 'number', describe: 'worker threads (default: available cores; 0 = this thread)' })
      .option('out', { type: 'string', describe: 'tune directory (default out/tune/<scenario>-<policy>); rerun into it to resume' }),
  handler: async (argv) => {
    const scenario = loadScenario(argv.scenario);
    const factory = await policyForScenario(scenario, { cliPolicy: argv.policy, fallback: argv.policy });
    // Checked before the output folder is claimed, so a wrong path leaves nothing behind.
    const train = argv.train.length > 0 ? traceFiles('train', argv.train) : [scenario.workload.trace];
    const holdout = traceFiles('holdout', argv.holdout);
    const space = argv.space.length > 0 ? argv.space.map((s) => parseDimension(factory, s)) : defaultSpace(factory);
    const candidates = sampleCandidates(space, wholeNumber('candidates', argv.candidates, 1), argv.seed);
    const workers = wholeNumber('workers', argv.workers ?? availableParallelism(), 0);
    // Its sweeps resume inside it: claimed (checked, created, marked) like a sweep's folder, before anything runs.
    const out = claimOutputDir(argv.out ?? join('out', 'tune', `${basename(argv.scenario, '.json')}-${factory.name}`), '--out', { defaultPath: argv.out === undefined });
    const executor: Executor = workers === 0 ? new InProcessExecutor(makeRunFn(await importRunner())) : new WorkerThreadExecutor({ workers });
    let result: TuneResult;
    try {
      result = await runTune({
        scenario: resolve(argv.scenario),
        train,
        holdout,
        policy: factory.name,
        candidates,
        eta: wholeNumber('eta', argv.eta, 2),
        maxSeeds: wholeNumber('max-seeds', argv['max-seeds'], 1),
        objective: objectiveOf(argv),
        ...(argv.duration !== undefined ? { durationS: argv.duration } : {}),
        out,
        executor,
        progress: (label) => createProgress({ label }),
      });
    } finally {
      await executor.close();
    }
    writeFileAtomic(join(out, 'tune.json'), `${JSON.stringify({ policy: factory.name, space, ...result }, null, 2)}\n`);
    printResult(result);
    process.stdout.write(`written: ${join(out, 'tune.json')}\n`);
  },
};

/** The trace files given to --train or --holdout, made absolute; one that is not a file is refused in one line. */
function traceFiles(flag: string, paths: readonly string[]): string[] {
  return paths.map((t) => {
    const abs = resolve(t);
    if (!statSync(abs, { throwIfNoEntry: false })?.isFile()) throw new UserError(`--${flag}: ${t}: no such file`);
    return abs;
  });
}
