/**
 * The whole decision on one scenario: backpressure, provisioned-peak, the operator autoscaler, bursting and
 * burst+autoscale, each run on the same trace and seed, with latency and the full bill (cluster + functions).
 */
import type { RunSummary } from '../metrics/summary.js';
import { getPolicyFactory } from '../policy/registry.js';
import type { ParamValue } from '../policy/contract.js';
import { loadTrace } from '../workload/parse.js';
import type { Trace } from '../workload/types.js';
import { UserError } from '../util/errors.js';
import { InvariantError, runScenario, type RunResult } from './runner.js';
import type { Scenario } from '../scenario/scenario.js';

export const STRATEGIES = ['backpressure', 'provisioned-peak', 'autoscaler', 'burst', 'burst+autoscale', 'slo-burst'] as const;

export interface StrategyRun {
  label: string;
  result: RunResult;
  /** The zero-loss check failed for this run. */
  failed?: string;
}

/** Highest offered rate of a trace, records/s (rate traces: the largest step; event traces: the busiest second). */
export function peakRate(trace: Trace, rateScale = 1): number {
  if (trace.kind === 'rate') return Math.max(...trace.rate) * rateScale;
  const perSecond = new Map<number, number>();
  for (const t of trace.tMs) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
  return Math.max(0, ...perSecond.values());
}

/**
 * Parallelism per non-source task to run the peak at `utilization`: the task's records in per source record
 * and its measured service rate per subtask (records in / busy time) come from a backpressure run.
 */
export function peakParallelism(baseline: RunSummary, sources: ReadonlySet<string>, peakRps: number, utilization: number): Record<string, number> {
  const out: Record<string, number> = {};
  const arrived = baseline.records.arrived;
  for (const [id, v] of Object.entries(baseline.vertices)) {
    if (sources.has(id) || arrived === 0) continue;
    const busyMs = v.busy_ratio * v.parallelism * baseline.end_s * 1000;
    if (busyMs <= 0 || v.records_in === 0) continue;
    const perSubtaskRps = (v.records_in / busyMs) * 1000;
    const need = (peakRps * (v.records_in / arrived)) / (perSubtaskRps * utilization);
    out[id] = Math.max(v.parallelism, Math.ceil(need - 1e-9));
  }
  return out;
}

function run(label: string, scenario: Scenario, policy: string, params: Record<string, ParamValue>, trace: Trace): StrategyRun {
  try {
    return { label, result: runScenario(scenario, { policy: getPolicyFactory(policy), params, trace }) };
  } catch (err) {
    if (!(err instanceof InvariantError)) throw err;
    return { label, result: err.result, failed: err.message };
  }
}

/** Run the five strategies; `burst` is the scenario's own burst policy (or `burstPolicy`). */
export function runStrategies(scenario: Scenario, burstPolicy: string, progress: (label: string) => void = () => {}): StrategyRun[] {
  if (!scenario.cluster) {
    throw new UserError(`${scenario.file}: cluster: is required to compare strategies (the cluster bill and the autoscaler's restarts), e.g. "cluster": { "model": "../models/cluster-eks-m6i-large.json" }`);
  }
  const trace = loadTrace(scenario.workload.trace, { durationS: scenario.duration_s });
  const st = scenario.strategies ?? {};
  const auto = st.autoscaler ?? {};
  const burstParams = scenario.policy?.name === burstPolicy ? (scenario.policy.params ?? {}) : {};
  const runs: StrategyRun[] = [];
  const step = (label: string, sc: Scenario, policy: string, params: Record<string, ParamValue>) => {
    progress(label);
    runs.push(run(label, sc, policy, params, trace));
  };
  step('backpressure', scenario, 'backpressure', {});
  const sources = new Set(scenario.vertices.filter((v) => v.kind === 'source').map((v) => v.id));
  const sized = peakParallelism(runs[0].result.summary, sources, peakRate(trace, scenario.workload.rate_scale ?? 1), st.peak_utilization ?? 1);
  const peakScenario: Scenario = { ...scenario, vertices: scenario.vertices.map((v) => (sized[v.id] ? { ...v, parallelism: sized[v.id] } : v)) };
  step('provisioned-peak', peakScenario, 'backpressure', {});
  step('autoscaler', scenario, 'autoscaler', auto);
  step('burst', scenario, burstPolicy, burstParams);
  step('burst+autoscale', scenario, 'burst+autoscale', { ...auto, ...(st.burst_autoscale ?? {}) });
  // Beyond the papers: burst to hold an objective of twice the peak-provisioned p99 (the goal's latency).
  const objective = Math.max(1, Math.round(2 * runs[1].result.summary.latency_ms.p99));
  step('slo-burst', scenario, 'slo-burst', { p99Ms: Number.isFinite(objective) ? objective : 2000 });
  return runs;
}

const ms = (v: number) => (Number.isFinite(v) ? (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(0)} ms`) : '–');

/** One sentence per strategy, measured against provisioned-peak. */
export function verdict(s: RunSummary, peak: RunSummary): string {
  const r = s.latency_ms.p99 / peak.latency_ms.p99;
  const c = peak.cost_usd.total > 0 ? (100 * s.cost_usd.total) / peak.cost_usd.total : NaN;
  const rescales = s.cluster.rescales > 0 ? `, ${s.cluster.rescales} rescale(s) with ${s.cluster.downtime_s.toFixed(0)} s stopped` : '';
  if (s === peak) return `the reference: no queueing at the peak, paying for peak capacity all the time`;
  return `p99 ${r.toFixed(r < 10 ? 2 : 0)}x provisioned-peak's at ${c.toFixed(0)}% of its cost${rescales}`;
}

/** The goal: the best burst or hybrid within 2x the peak-provisioned p99 at no more than 20% of its cost. */
export function goal(runs: readonly StrategyRun[]): { met: boolean; text: string } {
  const peak = runs.find((r) => r.label === 'provisioned-peak')!.result.summary;
  const candidates = runs.filter((r) => r.label === 'burst' || r.label === 'burst+autoscale' || r.label === 'slo-burst').map((r) => r.result.summary);
  const scored = candidates.map((s) => ({ s, p: s.latency_ms.p99 / peak.latency_ms.p99, c: s.cost_usd.total / peak.cost_usd.total }));
  const ok = scored.filter((x) => x.p <= 2 && x.c <= 0.2).sort((a, b) => a.c - b.c);
  const best = ok[0] ?? [...scored].sort((a, b) => a.p - b.p)[0];
  const name = best.s.policy === 'target-lag' || !['burst+autoscale', 'slo-burst'].includes(best.s.policy) ? `burst (${best.s.policy})` : best.s.policy;
  const text = `${name}: p99 ${ms(best.s.latency_ms.p99)} = ${best.p.toFixed(2)}x provisioned-peak's ${ms(peak.latency_ms.p99)}, ` +
    `total cost ${(best.c * 100).toFixed(1)}% of provisioned-peak's; goal (<= 2x p99 at <= 20% cost) ${ok.length > 0 ? 'MET' : 'NOT met'}`;
  return { met: ok.length > 0, text };
}

/** The comparison table: one row per strategy. */
export function strategyRows(runs: readonly StrategyRun[], drainS?: number): string[][] {
  const peak = runs.find((r) => r.label === 'provisioned-peak')?.result.summary ?? runs[0].result.summary;
  const head = ['strategy', 'p50', 'p99', 'max pending', 'restarts', 'down s', 'functions $', 'cluster $', 'total $/h', 'drained', 'in flight', 'verdict'];
  const rows = runs.map(({ label, result, failed }) => {
    const s = result.summary;
    return [
      label,
      ms(s.latency_ms.p50),
      ms(s.latency_ms.p99),
      String(s.max_pending_records),
      String(s.cluster.rescales),
      s.cluster.downtime_s.toFixed(0),
      s.cost_usd.functions.toFixed(4),
      s.cost_usd.cluster.toFixed(4),
      s.cost_usd.per_hour.toFixed(4),
      // How the run ended (docs/INPUTS.md): drain_s 0 stops at the trace's end on purpose.
      s.drained ? 'yes' : drainS === 0 ? 'no: drain_s 0' : 'NO',
      String(s.records.in_flight),
      failed ? `RUN FAILED: ${failed}` : verdict(s, peak),
    ];
  });
  return [head, ...rows];
}

export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const last = rows[0].length - 1;
  const line = (r: string[]) => r.map((cell, c) => (c === 0 || c === last ? cell.padEnd(c === last ? 0 : widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(rows[0]), widths.map((w, c) => '-'.repeat(c === last ? 7 : w)).join('  '), ...rows.slice(1).map(line)].join('\n') + '\n';
}
