/**
 * Running a sweep end to end: expand, skip what runs.jsonl already holds, execute the rest on an Executor while
 * recording each finished run, then aggregate and write the results. Interrupting (the signal) leaves every
 * finished run recorded; running the same sweep into the same directory again picks up where it stopped.
 */
import { UserError, where } from '../../util/errors.js';
import { aggregate } from './aggregate.js';
import { expandConfigs, expandRuns } from './expand.js';
import type { Executor } from './executor.js';
import { exportTop, writeCdfs, writeResults } from './outputs.js';
import { silentProgress, type Progress } from './progress.js';
import { SweepStore, makeRecord } from './store.js';
import type { ConfigSpec, RunSpec, SweepResults, SweepSpec } from './types.js';
import { holdForTest } from '../../util/test-hold.js';

export interface SweepOptions {
  /** The sweep directory (created if needed). */
  out: string;
  executor: Executor;
  /** Export the best K configurations as scenario files under top/ (0 = none). */
  top?: number;
  /** Abort to stop early; finished runs stay recorded and results are not written. */
  signal?: AbortSignal;
  progress?: Progress;
  /** Where failures are reported (one line each); default: stderr. */
  log?: (line: string) => void;
  /** Test hook: called after each run is recorded. */
  onRecorded?: (recordedThisSession: number) => void;
  /** Run only these of the sweep's runs (a shard's share); results are then not written (merge writes them). */
  select?: (runs: readonly RunSpec[]) => RunSpec[];
}

export interface SweepFailure {
  id: string;
  rowId: string;
  seed: number;
  message: string;
}

export interface SweepOutcome {
  /** Every run of the sweep recorded (results written). */
  complete: boolean;
  /** Stopped by the signal. */
  interrupted: boolean;
  total: number;
  /** Recorded before this session. */
  skipped: number;
  /** Recorded in this session. */
  ran: number;
  failed: SweepFailure[];
  /** Written when the sweep was not interrupted (also with failures: rows then have fewer seeds, or are missing). */
  results?: SweepResults;
  topFiles: string[];
}

function describeRun(config: ConfigSpec, seed: number): string {
  return `configuration ${config.rowId} (policy ${config.policy} ${JSON.stringify(config.params)}, trace ${config.trace}, seed ${seed})`;
}

export async function runSweep(spec: SweepSpec, options: SweepOptions): Promise<SweepOutcome> {
  const configs = expandConfigs(spec);
  const allRuns = expandRuns(spec, configs);
  const runs = options.select ? options.select(allRuns) : allRuns;
  const byId = new Map<string, RunSpec>(runs.map((r) => [r.id, r]));
  const configById = new Map(configs.map((c) => [c.configId, c]));
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const progress = options.progress ?? silentProgress;

  const store = SweepStore.open(options.out, spec);
  const outcome: SweepOutcome = { complete: false, interrupted: false, total: runs.length, skipped: 0, ran: 0, failed: [], topFiles: [] };
  // Our own controller: the caller's signal, or a run's UserError (the sweep is wrong: stop, keep what is done).
  const stop = new AbortController();
  const onCallerAbort = (): void => stop.abort();
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  if (options.signal?.aborted) stop.abort();
  let userError: UserError | null = null;
  try {
    const todo = runs.filter((r) => !store.records.has(r.id));
    outcome.skipped = runs.length - todo.length;
    progress.start(runs.length, outcome.skipped);
    try {
      for await (const result of options.executor.execute(todo, stop.signal)) {
        const run = byId.get(result.id);
        if (!run) continue;
        const config = configById.get(run.configId)!;
        if (result.ok) {
          store.append(makeRecord(run, config, result.output));
          outcome.ran++;
          progress.tick(false);
          options.onRecorded?.(outcome.ran);
          if (outcome.ran === 1) await holdForTest('first-run', stop.signal);
        } else {
          progress.tick(true);
          if (result.error.name === 'UserError') {
            userError ??= new UserError(where(spec.file, undefined, `${describeRun(config, run.options.seed)}: ${result.error.message}`));
            stop.abort();
            continue;
          }
          const failure: SweepFailure = { id: run.id, rowId: config.rowId, seed: run.options.seed, message: result.error.message };
          outcome.failed.push(failure);
          log(`${spec.name}: ${describeRun(config, run.options.seed)} failed: ${result.error.stack ?? result.error.message}`);
        }
      }
    } finally {
      progress.stop();
    }
  } finally {
    options.signal?.removeEventListener('abort', onCallerAbort);
    store.close();
  }
  if (userError) throw userError;
  // Stopped before every run was recorded (a stop that came after the last run changes nothing).
  if (options.signal?.aborted && outcome.failed.length + runs.filter((r) => store.records.has(r.id)).length < runs.length) {
    outcome.interrupted = true;
    return outcome;
  }
  if (options.select) {
    outcome.complete = outcome.failed.length === 0;
    return outcome;
  }
  const results = aggregate(spec, configs, runs, store.records);
  writeResults(options.out, spec, results);
  writeCdfs(options.out, configs, runs, store.records);
  outcome.topFiles = exportTop(options.out, spec, configs, results, options.top ?? 0);
  outcome.results = results;
  outcome.complete = outcome.failed.length === 0;
  return outcome;
}
