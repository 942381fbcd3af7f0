/** Which charts each kind of report shows, with the question each answers. */
import type { ChartEntry } from './html.js';
import type { RunData, SweepData, SweepRow } from './inputs.js';
import { cdfSpec, type CdfCurve } from './specs/cdf.js';
import { paretoSpec } from './specs/pareto.js';
import { decisionsSpec } from './specs/decisions.js';
import { costP99Spec } from './specs/strategies.js';
import { costSpec, functionsSpec, latencySpec, pendingSpec, ratesSpec, verticesSpec } from './specs/timeseries.js';

export const QUESTIONS = {
  rates: 'Does processing keep up with the input, and how much of the excess goes to functions?',
  pending: 'How far behind does the job fall during a spike, and how quickly does it recover?',
  latency: 'When does result latency grow, and how high do the tail (p99) and the worst case go?',
  functions: 'How many function environments does offloading keep busy, and when does it pay cold starts or hit throttles?',
  cost: 'What does offloading cost, and when is the money spent?',
  latency_cdf: 'What share of results meets a given latency? Curves further left and steeper are better.',
  vertices: 'Which task is the bottleneck (busy), and which are held back by it (backpressured)?',
  decisions: 'What did the policy read, what did it compare it with, and what share did it send? A share flipping between extremes is a limit cycle.',
  pareto: 'Which configurations give the best trade-off between cost and tail latency, and how sure are we?',
  trace: 'What load does the trace offer, and when do its spikes come?',
  cost_p99: 'Which strategy buys the lowest tail latency for its money: cluster and functions together?',
} as const;

/** Every run of a comparison as one point: total cost per hour against p99. */
export function costP99Chart(runs: readonly RunData[]): ChartEntry {
  const points = runs.map((r) => ({
    label: r.label,
    p99_ms: r.summary.latency_ms.p99,
    usd_per_hour: r.summary.cost_usd.per_hour ?? r.summary.cost_usd.total,
    functions_usd: r.summary.cost_usd.functions ?? r.summary.cost_usd.total,
    cluster_usd: r.summary.cost_usd.cluster ?? 0,
  }));
  return { name: 'cost_p99', heading: 'Cost against p99', question: QUESTIONS.cost_p99, spec: costP99Spec(points) };
}

/** Charts (a)–(e), (f) and (i) of one run, or of several runs overlaid (comparison mode). */
export function runCharts(runs: readonly RunData[]): ChartEntry[] {
  const charts: ChartEntry[] = [
    { name: 'rates', heading: 'Rates', question: QUESTIONS.rates, spec: ratesSpec(runs) },
    ...(runs.length === 1 && (runs[0].decisions?.length ?? 0) > 0
      ? [{ name: 'decisions', heading: 'Decisions', question: QUESTIONS.decisions, spec: decisionsSpec(runs[0].decisions!, runs[0].summary.policy) }]
      : []),
    { name: 'pending', heading: 'Pending records', question: QUESTIONS.pending, spec: pendingSpec(runs) },
    { name: 'latency', heading: 'Latency over time', question: QUESTIONS.latency, spec: latencySpec(runs) },
    { name: 'functions', heading: 'Functions', question: QUESTIONS.functions, spec: functionsSpec(runs) },
    { name: 'cost', heading: 'Cost', question: QUESTIONS.cost, spec: costSpec(runs) },
    {
      name: 'latency_cdf',
      heading: 'Latency distribution',
      question: QUESTIONS.latency_cdf,
      spec: cdfSpec(runs.map((r) => ({ label: r.label, points: r.cdf }))),
    },
  ];
  if (runs.some((r) => r.vertices.length > 0)) {
    charts.push({ name: 'vertices', heading: 'Task time', question: QUESTIONS.vertices, spec: verticesSpec(runs) });
  }
  return charts;
}

/** How many of the best-ranked sweep rows the CDF chart overlays. */
export const SWEEP_CDF_ROWS = 6;

export function sweepLabel(r: SweepRow): string {
  return `${r.rank !== null ? `#${r.rank} ` : ''}${r.policy} (${r.id})`;
}

export function sweepCharts(sweep: SweepData, curves: readonly CdfCurve[]): ChartEntry[] {
  const pareto: ChartEntry = { name: 'pareto', heading: 'Cost vs p99 latency', question: QUESTIONS.pareto, spec: paretoSpec(sweep.rows) };
  if (curves.length === 0) return [pareto];
  return [
    pareto,
    {
      name: 'latency_cdf',
      heading: 'Latency distribution of the best-ranked configurations',
      question: QUESTIONS.latency_cdf,
      spec: cdfSpec(curves, { subtitle: `the ${curves.length} best-ranked rows; latency on a log scale` }),
    },
  ];
}
