/**
 * From recorded runs to the results table: per configuration, mean and 95% CI over seeds for each metric,
 * score and rank by the objective, and membership of the cost/p99 Pareto front.
 *
 * Only the recorded runs matter, never the order they finished in: a configuration's runs are taken in
 * ascending seed order, so a resumed sweep and an uninterrupted one produce byte-identical tables.
 */
import { endingsOf } from '../../metrics/endings.js';
import { extractMetrics } from './metrics.js';
import { paretoFront, rank } from './rank.js';
import { meanCi95 } from './stats.js';
import type { ConfigSpec, MetricStat, ResultRow, RunRecord, RunSpec, SweepResults, SweepSpec } from './types.js';

/** The Pareto front is of these two means, both minimised. */
export const PARETO_X = 'cost_usd_per_hour';
export const PARETO_Y = 'latency_p99_ms';

/** A configuration's successful runs, ascending by seed. */
export function recordsOf(config: ConfigSpec, runs: readonly RunSpec[], records: ReadonlyMap<string, RunRecord>): RunRecord[] {
  const out: RunRecord[] = [];
  for (const r of runs) {
    if (r.configId !== config.configId) continue;
    const rec = records.get(r.id);
    if (rec) out.push(rec);
  }
  return out.sort((a, b) => a.seed - b.seed);
}

export function aggregate(spec: SweepSpec, configs: readonly ConfigSpec[], runs: readonly RunSpec[], records: ReadonlyMap<string, RunRecord>): SweepResults {
  const byConfig = new Map<string, RunSpec[]>();
  for (const r of runs) {
    const list = byConfig.get(r.configId);
    if (list) list.push(r);
    else byConfig.set(r.configId, [r]);
  }
  // A configuration with no recorded run (all its runs failed) has nothing to show and is left out.
  const withRuns = configs
    .map((c) => ({ c, recs: recordsOf(c, byConfig.get(c.configId) ?? [], records) }))
    .filter((x) => x.recs.length > 0);
  const partial = withRuns.map(({ c, recs }) => {
    const extracted = recs.map((r) => extractMetrics(r.summary));
    const metrics: Record<string, MetricStat> = {};
    const means: Record<string, number | null> = {};
    for (const m of spec.metrics) {
      const values = extracted.map((e) => e[m]).filter((v): v is number => v !== null && v !== undefined);
      metrics[m] = meanCi95(values);
      means[m] = metrics[m].mean;
    }
    return { config: c, n: recs.length, metrics, means, endings: endingsOf(recs.map((r) => r.summary)) };
  });
  const ranked = rank(spec.objective, partial);
  const front = paretoFront(partial.map((p) => ({ x: p.means[PARETO_X] ?? null, y: p.means[PARETO_Y] ?? null })));
  const rows: ResultRow[] = partial.map((p, i) => ({
    id: p.config.rowId,
    policy: p.config.policy,
    params: p.config.params,
    trace: p.config.trace,
    n: p.n,
    metrics: p.metrics,
    endings: p.endings,
    rank: ranked[i].rank,
    pareto: front[i],
    feasible: ranked[i].feasible,
    score: ranked[i].score,
  }));
  rows.sort((a, b) => a.rank - b.rank);
  return { sweep: spec.name, objective: spec.objective, rows };
}
