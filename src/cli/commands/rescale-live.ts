/**
 * `spillway rescale-live`: real stop-with-savepoint rescales of the flink-validate job on a Flink session cluster
 * started here; downtime min/median/max and restart_s fitted for the cluster model (docs/STRATEGIES.md).
 */
import type { Argv, CommandModule } from 'yargs';
import { measureRescales } from '../../live/rescale-measure.js';
import { UserError } from '../../util/errors.js';

interface Args {
  repeats: number;
  mode: string;
  from: number;
  to: number;
  rate: number;
  warm: number;
  out: string;
}

const intIn = (name: string, v: number, lo: number, hi: number) => {
  if (!(Number.isInteger(v) && v >= lo && v <= hi)) throw new UserError(`--${name}: expected an integer in [${lo}, ${hi}], got ${v}`);
};

export const rescaleLiveCommand: CommandModule<object, Args> = {
  command: 'rescale-live',
  describe: 'Measure real rescales (stop-with-savepoint, or the adaptive scheduler in place) on a local Flink session cluster: downtime, backlog, the ledger across the stop, restart fit',
  builder: (y: Argv) =>
    y
      .option('repeats', { type: 'number', default: 3, describe: 'rescales to measure' })
      .option('mode', { type: 'string', default: 'savepoint', describe: 'savepoint (stop-with-savepoint, new job) or in-place (adaptive scheduler, from the last checkpoint)' })
      .option('from', { type: 'number', default: 2, describe: 'tokenizer parallelism before' })
      .option('to', { type: 'number', default: 4, describe: 'tokenizer parallelism after' })
      .option('rate', { type: 'number', default: 300, describe: 'records/s of the job\'s trace' })
      .option('warm', { type: 'number', default: 5, describe: 'seconds the job runs before each stop' })
      .option('out', { type: 'string', default: 'out/rescale-live', describe: 'output directory (rescale.json)' }) as unknown as Argv<Args>,
  handler: async (a) => {
    intIn('repeats', a.repeats, 1, 50);
    if (a.mode !== 'savepoint' && a.mode !== 'in-place') throw new UserError(`--mode: expected savepoint or in-place, got ${a.mode}`);
    intIn('from', a.from, 1, 8);
    intIn('to', a.to, 1, 8);
    if (!(a.rate > 0 && a.rate <= 100_000)) throw new UserError(`--rate: expected records/s in (0, 100000], got ${a.rate}`);
    if (!(a.warm >= 1 && a.warm <= 600)) throw new UserError(`--warm: expected seconds in [1, 600], got ${a.warm}`);
    const m = await measureRescales({ repeats: a.repeats, mode: a.mode, from: a.from, to: a.to, rate: a.rate, warmS: a.warm, out: a.out, log: (l) => process.stderr.write(l + '\n') });
    const f = (x: { min: number; median: number; max: number }) => `${x.min.toFixed(2)} / ${x.median.toFixed(2)} / ${x.max.toFixed(2)} s`;
    const g = (x: { min: number; median: number; max: number }) => `${x.min.toFixed(2)} / ${x.median.toFixed(2)} / ${x.max.toFixed(2)}`;
    process.stdout.write(`${a.mode}: downtime (tasks stop → every subtask RUNNING) min/median/max: ${f(m.downtime_s)}; wait before the stop ${f(m.wait_s)}\n`);
    if (m.savepoint_s) process.stdout.write(`savepoint written: ${f(m.savepoint_s)}\n`);
    process.stdout.write(`backlog left (measured, restored source): ${g(m.backlog_records)} records; measured / simulator's (rate x downtime): ${g(m.backlog_ratio)}\n`);
    process.stdout.write(`ledger across the stop: every job exactly once (${m.timings.map((t) => `${t.ledger.emitted}/${t.ledger.generated}`).join(', ')})\n`);
    process.stdout.write(`new TaskManager JVM to registered: ${m.taskmanager_ready_s.map((s) => s.toFixed(2)).join(', ')} s\n`);
    process.stdout.write(`restart_s fit: ${JSON.stringify(m.restart_s_fit)}\nwrote ${a.out}/rescale.json\n`);
  },
};
