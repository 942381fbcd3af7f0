/**
 * `spillway tune`: successive halving over sweep runs. Each rung is an ordinary sweep (checkSweep, runSweep,
 * its own directory under the tune directory, so an interrupted tune resumes), over the training traces only.
 * The winner and the policy's defaults are then run on the held-out traces, never seen by the search.
 */
import { join } from 'node:path';
import type { Executor } from '../sweep/executor.js';
import { checkSweep, objectiveMetrics } from '../sweep/load.js';
import type { Progress } from '../sweep/progress.js';
import { runSweep } from '../sweep/run.js';
import type { Objective, Params, ResultRow } from '../sweep/types.js';
import { rankCandidates, rungSeeds, rungSizes, type RankedCandidate } from './halving.js';

export interface TuneOptions {
  /** Absolute paths. */
  scenario: string;
  train: string[];
  holdout: string[];
  policy: string;
  candidates: Params[];
  eta: number;
  maxSeeds: number;
  objective: Objective;
  durationS?: number;
  out: string;
  executor: Executor;
  progress?: (label: string) => Progress;
}

export interface TuneResult {
  rungs: { seeds: number; candidates: RankedCandidate[] }[];
  best: RankedCandidate;
  /** On the held-out traces with maxSeeds seeds: the winner, then the defaults (null without held-out traces). */
  holdout: { tuned: RankedCandidate; defaults: RankedCandidate } | null;
}

async function sweepRows(o: TuneOptions, name: string, traces: string[], seeds: number[], candidates: Params[], metrics: string[]): Promise<ResultRow[]> {
  const json = {
    name: `tune-${name}`,
    scenario: o.scenario,
    traces,
    seeds,
    mode: 'grid',
    policies: candidates.map((c) => ({ name: o.policy, params: Object.fromEntries(Object.entries(c).map(([k, v]) => [k, [v]])) })),
    objective: o.objective,
    metrics,
    ...(o.durationS !== undefined ? { duration_s: o.durationS } : {}),
  };
  const dir = join(o.out, name);
  const spec = checkSweep(json, join(dir, 'sweep.json'), `tune ${name}`);
  const outcome = await runSweep(spec, { out: dir, executor: o.executor, progress: o.progress?.(`tune ${name}`) });
  if (!outcome.results) throw new Error(`tune ${name}: the sweep did not complete`);
  if (outcome.failed.length > 0) throw new Error(`tune ${name}: ${outcome.failed.length} run(s) failed: ${outcome.failed[0].message}`);
  return outcome.results.rows;
}

export const TUNE_METRICS = ['latency_p99_ms', 'cost_usd', 'max_pending_records', 'share_switches_per_min', 'time_to_react_s'];

export async function runTune(o: TuneOptions): Promise<TuneResult> {
  const metrics = [...new Set([...TUNE_METRICS, ...objectiveMetrics(o.objective)])];
  const sizes = rungSizes(o.candidates.length, o.eta);
  let alive = o.candidates;
  const rungs: TuneResult['rungs'] = [];
  let rows: ResultRow[] = [];
  for (let r = 0; r < sizes.length && alive.length > 0; r++) {
    const seeds = rungSeeds(r, o.maxSeeds);
    // Seeds capped: the survivors' runs are the previous rung's (runs are deterministic), so rank those again.
    const more = r === 0 || seeds.length > rungs[r - 1].seeds;
    if (more) rows = await sweepRows(o, `rung-${r + 1}`, o.train, seeds, alive, metrics);
    const ranked = rankCandidates(o.objective, alive, rows, metrics);
    rungs.push({ seeds: seeds.length, candidates: ranked });
    alive = ranked.slice(0, sizes[r + 1] ?? 1).map((c) => c.params);
    if (sizes[r] === 1) break;
  }
  const best = rungs[rungs.length - 1].candidates[0];
  if (o.holdout.length === 0) return { rungs, best, holdout: null };
  const seeds = rungSeeds(99, o.maxSeeds);
  const held = await sweepRows(o, 'holdout', o.holdout, seeds, [best.params, {}], metrics);
  const [tuned, defaults] = [best.params, {}].map((p) => rankCandidates(o.objective, [p], held, metrics)[0]);
  return { rungs, best, holdout: { tuned, defaults } };
}
