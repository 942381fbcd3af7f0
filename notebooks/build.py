#!/usr/bin/env python3
"""Writes the notebooks (*.ipynb, no outputs) from the cell sources below: edit here, run `python3 notebooks/build.py`.

Every notebook runs on the `tslab` kernel with the project root as its working directory (see README.md), imports
the compiled API from dist/ at run time (typed from src/ where the types resolve), and renders Vega-Lite charts
to SVG with the project's own src/report/render.ts (renderSvg) for tslab.display.svg.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# The first code cell of every notebook: the kernel, dist/ and the chart helper.
PRELUDE = r"""import * as tslab from 'tslab';
import { existsSync } from 'fs';

// The kernel runs in the project root (notebooks/run-all.sh registers it that way); dist/ is `npm run build`.
if (!existsSync('dist/src/report/render.js')) throw new Error(`run \`npm run build\` in ${process.cwd()} first`);
/** import() of the compiled ESM API (tslab turns import() into require(); see notebooks/lib/esm.cjs). */
const load: (specifier: string) => Promise<any> = require(`${process.cwd()}/notebooks/lib/esm.cjs`);
const dist = (m: string): string => `file://${process.cwd()}/dist/src/${m}`;

/** A Vega-Lite spec as data; the project's report module renders it to SVG (vega + vega-lite, no browser). */
type Spec = Record<string, unknown>;
const render = (await load(dist('report/render.js'))) as { renderSvg(spec: Spec): Promise<string> };
/** Show a Vega-Lite chart inline (as SVG, so it also survives nbconvert and GitHub's viewer). */
async function show(spec: Spec): Promise<void> {
  tslab.display.svg(await render.renderSvg({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white', ...spec }));
}
/** A markdown table from rows of cells. */
function table(header: string[], rows: (string | number)[][]): void {
  const fmt = (v: string | number) =>
    typeof v !== 'number' ? v : !Number.isFinite(v) ? String(v) : Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString();
  tslab.display.markdown([`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(fmt).join(' | ')} |`)].join('\n'));
}"""


def md(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text.strip("\n")}


def code(text):
    return {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": text.strip("\n")}


def notebook(name, cells):
    for i, c in enumerate(cells):
        c["id"] = f"{name.split('-')[0]}-{i:02d}"
        src = c["source"]
        lines = src.split("\n")
        c["source"] = [l + "\n" for l in lines[:-1]] + [lines[-1]]
    nb = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "TypeScript (Spillway)", "language": "typescript", "name": "spillway-tslab"},
            "language_info": {"name": "typescript", "file_extension": ".ts", "mimetype": "text/typescript"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    with open(os.path.join(HERE, name + ".ipynb"), "w") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")


# ---------------------------------------------------------------------------------------------------------------
notebook("01-trace", [
    md("""
# Exploring a trace

A rate trace (`traces/*.csv`, `t_s,rate`: records/s from `t_s` until the next row) is what the simulator replays.
This notebook reads one, prints its statistics, draws it, and asks the question that matters for bursting:
**how far above the operator's capacity does it go, and how much backlog would that leave without offloading?**

Set `SPILLWAY_TRACE` to explore another file (default `traces/spike.csv`). Run `npm run build` first.
"""),
    code(PRELUDE),
    code(r"""
const parse = (await load(dist('workload/parse.js'))) as typeof import('./src/workload/parse.js');
const stats = (await load(dist('workload/stats.js'))) as typeof import('./src/workload/stats.js');
const TRACE = process.env.SPILLWAY_TRACE ?? 'traces/spike.csv';
const trace = parse.loadTrace(TRACE);
const st = stats.traceStats(trace);
console.log(stats.formatStats(st));
"""),
    md("## The trace\nPiecewise constant: each step holds until the next row."),
    code(r"""
// Event traces (t_ms per record) are binned to 1 s; rate traces are drawn as they are.
function toRate(t: typeof trace): { tS: number[]; rate: number[]; endS: number } {
  if (t.kind === 'rate') return { tS: Array.from(t.tS), rate: Array.from(t.rate), endS: t.endS };
  const n = Math.ceil(t.endS);
  const counts = new Array<number>(n).fill(0);
  for (const ms of t.tMs) counts[Math.min(n - 1, Math.floor(ms / 1000))]++;
  return { tS: counts.map((_, i) => i), rate: counts, endS: n };
}
const r = toRate(trace);
const rows = r.tS.map((t, i) => ({ t_s: t, rate: r.rate[i] }));
rows.push({ t_s: r.endS, rate: r.rate[r.rate.length - 1] });
await show({
  title: { text: `Trace ${TRACE}`, subtitle: `mean ${st.meanRate.toFixed(0)} rec/s, peak ${st.peakRate.toFixed(0)} rec/s, ${st.bursts.count} bursts above ${st.bursts.threshold.toFixed(0)} rec/s` },
  width: 640, height: 220,
  data: { values: rows },
  mark: { type: 'area', interpolate: 'step-after', opacity: 0.35, line: true },
  encoding: { x: { field: 't_s', type: 'quantitative', title: 'time (s)' }, y: { field: 'rate', type: 'quantitative', title: 'records/s' } },
});
"""),
    md("""
## Time at each rate

A time-weighted histogram: how many seconds the trace spends in each rate band. Bursting pays off when the
high bands are short: capacity for them would sit idle the rest of the time.
"""),
    code(r"""
const weighted = r.tS.map((t, i) => ({ rate: r.rate[i], seconds: (i + 1 < r.tS.length ? r.tS[i + 1] : r.endS) - t }));
await show({
  title: { text: 'Seconds spent at each rate' },
  width: 640, height: 180,
  data: { values: weighted },
  mark: 'bar',
  encoding: {
    x: { field: 'rate', type: 'quantitative', bin: { maxbins: 40 }, title: 'rate (records/s)' },
    y: { aggregate: 'sum', field: 'seconds', type: 'quantitative', title: 'seconds' },
  },
});
"""),
    md("""
## Against the operator's capacity

The tokenizer of `examples/default.json` has `parallelism` subtasks, each serving one record in `service_ms` on
average, so it can take at most `parallelism / mean service` records/s (busy 100% of the time). A fluid model of
the queue in front of it: the backlog grows at `rate − capacity` while the rate is above capacity and drains at
`capacity − rate` after. Offloading has to carry the part above the line.
"""),
    code(r"""
const runner = (await load(dist('experiment/runner.js'))) as typeof import('./src/experiment/runner.js');
const distributions = (await load(dist('engine/distributions.js'))) as typeof import('./src/engine/distributions.js');
const scenario = runner.loadScenario('examples/default.json');
const tok = scenario.vertices.find((v) => v.id === 'tokenizer')!;
const capacity = tok.parallelism / (distributions.specMean(tok.service_ms) / 1000);
// Fluid backlog, 0.1 s steps.
const backlog: { t_s: number; backlog: number }[] = [];
let q = 0;
let above = 0;
const rateAt = (t: number): number => { let i = 0; while (i + 1 < r.tS.length && r.tS[i + 1] <= t) i++; return r.rate[i]; };
for (let t = 0; t <= r.endS; t += 0.1) {
  const lam = rateAt(t);
  if (lam > capacity) above += 0.1;
  q = Math.max(0, q + (lam - capacity) * 0.1);
  backlog.push({ t_s: Math.round(t * 10) / 10, backlog: q });
}
const peak = Math.max(...backlog.map((b) => b.backlog));
table(['capacity (rec/s)', 'peak rate (rec/s)', 'seconds above capacity', 'peak backlog (records)', 'drain-time at peak (s)'], [
  [capacity, st.peakRate, above, peak, peak / capacity],
]);
await show({
  vconcat: [
    {
      width: 640, height: 160, title: 'Rate vs capacity',
      layer: [
        { data: { values: rows }, mark: { type: 'line', interpolate: 'step-after' }, encoding: { x: { field: 't_s', type: 'quantitative', title: null }, y: { field: 'rate', type: 'quantitative', title: 'records/s' } } },
        { data: { values: [{ capacity: capacity }] }, mark: { type: 'rule', color: 'firebrick', strokeDash: [6, 3] }, encoding: { y: { field: 'capacity', type: 'quantitative' } } },
      ],
    },
    {
      width: 640, height: 140, title: 'Fluid backlog without offloading',
      data: { values: backlog.filter((_, i) => i % 5 === 0) },
      mark: { type: 'area', color: 'firebrick', opacity: 0.4, line: true },
      encoding: { x: { field: 't_s', type: 'quantitative', title: 'time (s)' }, y: { field: 'backlog', type: 'quantitative', title: 'records waiting' } },
    },
  ],
});
"""),
    md("## All the traces, side by side\nEach normalised by its own mean, so the shapes compare."),
    code(r"""
const fs = await load('fs');
const files = fs.readdirSync('traces').filter((f: string) => f.endsWith('.csv')).sort();
const all: { trace: string; t_s: number; rel: number }[] = [];
const summary: (string | number)[][] = [];
for (const f of files) {
  const t = toRate(parse.loadTrace(`traces/${f}`));
  const s = stats.traceStats(parse.loadTrace(`traces/${f}`));
  summary.push([f, s.durationS, s.meanRate, s.peakRate, s.peakToMean, s.bursts.count]);
  const step = Math.max(1, Math.floor(t.tS.length / 300));
  // Keep the peak of each group of `step` rows, so short spikes survive the thinning.
  for (let i = 0; i < t.tS.length; i += step) all.push({ trace: f, t_s: t.tS[i], rel: Math.max(...t.rate.slice(i, i + step)) / s.meanRate });
}
table(['trace', 'duration (s)', 'mean (rec/s)', 'peak (rec/s)', 'peak/mean', 'bursts'], summary);
await show({
  data: { values: all },
  facet: { field: 'trace', type: 'nominal', title: null },
  columns: 3,
  spec: { width: 200, height: 70, mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1 }, encoding: { x: { field: 't_s', type: 'quantitative', title: 't (s)' }, y: { field: 'rel', type: 'quantitative', title: 'rate / mean' } } },
  resolve: { scale: { x: 'independent' } },
});
"""),
])

# ---------------------------------------------------------------------------------------------------------------
notebook("02-policies", [
    md("""
# Comparing burst policies on one trace

The same scenario (`examples/default.json`: source → tokenizer → sink, with an offload point in front of the
tokenizer) under several policies, on a 150 s window of `traces/spike.csv` around the flash crowd. Everything is
simulated with `runScenario` from the project's API; the same seed gives the same numbers.

Environment: `SPILLWAY_SCENARIO` (default `examples/default.json`), `SPILLWAY_POLICIES` (comma-separated,
default `backpressure,static,threshold,target-lag`). Run `npm run build` first.
"""),
    code(PRELUDE),
    code(r"""
const runner = (await load(dist('experiment/runner.js'))) as typeof import('./src/experiment/runner.js');
const parse = (await load(dist('workload/parse.js'))) as typeof import('./src/workload/parse.js');
const SCENARIO = process.env.SPILLWAY_SCENARIO ?? 'examples/default.json';
const POLICIES = (process.env.SPILLWAY_POLICIES ?? 'backpressure,static,threshold,target-lag').split(',');
const scenario = runner.loadScenario(SCENARIO);

// A 150 s window of the scenario's trace around its peak (shifted to start at 0), to keep the notebook quick.
const full = parse.loadTrace(scenario.workload.trace);
if (full.kind !== 'rate') throw new Error('this notebook cuts rate traces; give a scenario with a rate trace');
let peakAt = 0;
for (let i = 0; i < full.rate.length; i++) if (full.rate[i] > full.rate[peakAt]) peakAt = i;
const from = Math.max(0, full.tS[peakAt] - 30);
const to = from + 150;
const tS: number[] = [];
const rate: number[] = [];
for (let i = 0; i < full.tS.length; i++) {
  const end = i + 1 < full.tS.length ? full.tS[i + 1] : full.endS;
  if (end <= from || full.tS[i] >= to) continue;
  tS.push(Math.max(0, full.tS[i] - from));
  rate.push(full.rate[i]);
}
const trace = { kind: 'rate' as const, source: `${full.source} [${from}, ${to}) s`, tS: Float64Array.from(tS), rate: Float64Array.from(rate), endS: to - from };
console.log(`${scenario.name}: ${trace.source}, ${POLICIES.length} policies`);
"""),
    code(r"""
type Result = ReturnType<typeof runner.runScenario>;
const results = new Map<string, Result>();
for (const policy of POLICIES) {
  const res = runner.runScenario(scenario, { trace: trace, durationS: trace.endS, policy: policy });
  results.set(policy, res);
}
table(
  ['policy', 'p50 (ms)', 'p99 (ms)', 'max (ms)', 'offloaded share', 'cold starts', 'cost (USD)', 'lost', 'duplicated'],
  [...results].map(([p, r]) => {
    const s = r.summary;
    return [p, s.latency_ms.p50, s.latency_ms.p99, s.latency_ms.max, `${(s.offload.share * 100).toFixed(1)}%`, s.lambda.cold_starts, s.cost_usd.total, s.records.lost, s.records.duplicated];
  }),
);
"""),
    md("## Latency distribution\nPercentile vs latency on a log axis: the tail is where policies differ."),
    code(r"""
const cdfRows = [...results].flatMap(([p, r]) => r.latencyCdf.filter(([, ms]) => ms > 0).map(([pct, ms]) => ({ policy: p, percentile: pct, latency_ms: ms })));
await show({
  title: { text: 'Latency CDF', subtitle: 'share of results at or below each latency' },
  width: 600, height: 260,
  data: { values: cdfRows },
  mark: { type: 'line', strokeWidth: 2 },
  encoding: {
    x: { field: 'latency_ms', type: 'quantitative', scale: { type: 'log' }, title: 'latency (ms, log)' },
    y: { field: 'percentile', type: 'quantitative', title: 'percentile' },
    color: { field: 'policy', type: 'nominal', sort: POLICIES },
  },
});
"""),
    md("## Over time\np99 latency per metrics interval, and the share of the input sent to functions."),
    code(r"""
const series = [...results].flatMap(([p, r]) => {
  const c = r.timeseries.columns;
  const at = (name: string) => c.indexOf(name);
  const [iT, iP99, iIn, iOff] = [at('t_s'), at('latency_p99_ms'), at('input_rps'), at('offloaded_rps')];
  return r.timeseries.rows.map((row) => ({ policy: p, t_s: row[iT], p99: row[iP99] > 0 ? row[iP99] : null, input: row[iIn], offloaded: iOff >= 0 ? row[iOff] : 0 }));
});
await show({
  vconcat: [
    {
      width: 600, height: 200, title: 'p99 latency per interval (log)',
      data: { values: series.filter((s) => s.p99 !== null) },
      mark: { type: 'line', strokeWidth: 1.5 },
      encoding: { x: { field: 't_s', type: 'quantitative', title: null }, y: { field: 'p99', type: 'quantitative', scale: { type: 'log' }, title: 'p99 (ms)' }, color: { field: 'policy', type: 'nominal', sort: POLICIES } },
    },
    {
      width: 600, height: 160, title: 'Offloaded records/s (grey: input)',
      layer: [
        { data: { values: series.filter((s) => s.policy === POLICIES[0]) }, mark: { type: 'area', color: '#ccc' }, encoding: { x: { field: 't_s', type: 'quantitative', title: 'time (s)' }, y: { field: 'input', type: 'quantitative', title: 'records/s' } } },
        { data: { values: series }, mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x: { field: 't_s', type: 'quantitative' }, y: { field: 'offloaded', type: 'quantitative' }, color: { field: 'policy', type: 'nominal', sort: POLICIES } } },
      ],
    },
  ],
});
"""),
])

# ---------------------------------------------------------------------------------------------------------------
notebook("03-sweep-pareto", [
    md("""
# Reading a sweep's Pareto front

A sweep runs many (policy, parameters, seed) configurations and writes `results.json`: one row per
configuration with the mean and spread of each metric over seeds, its rank under the objective, and whether it is
on the Pareto front of cost vs p99 latency (no other row is both cheaper and faster).

Set `SPILLWAY_SWEEP_DIR` to a sweep directory (`spillway sweep ... --out <dir>`) to read yours. Without it the
notebook runs a small sweep (the default scenario, 90 s of the spike, 8 configurations × 2 seeds) into
`out/notebooks/sweep/`. Run `npm run build` first.
"""),
    code(PRELUDE),
    code(r"""
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
const inputs = (await load(dist('report/inputs.js'))) as { loadSweep(dir: string): { dir: string; rows: any[]; objective?: unknown } & Record<string, any> };
let SWEEP = process.env.SPILLWAY_SWEEP_DIR;
if (!SWEEP) {
  SWEEP = 'out/notebooks/sweep';
  rmSync(SWEEP, { recursive: true, force: true }); // a fresh sweep: results from older code would be picked up
  // Untyped on purpose: the sweep modules' sources need a newer TypeScript than tslab's own (5.0) to type-check.
  const sweepLoad = await load(dist('experiment/sweep/load.js'));
  const run = await load(dist('experiment/sweep/run.js'));
  const exec = await load(dist('experiment/sweep/executor.js'));
  const adapter = await load(dist('experiment/sweep/runner-adapter.js'));
  mkdirSync('out/notebooks', { recursive: true });
  // 90 s of traces/spike.csv around the flash crowd (rise at 240 s), shifted to start at 0.
  const spike = readFileSync('traces/spike.csv', 'utf8').split('\n').filter((l: string) => /^\d/.test(l)).map((l: string) => l.split(',').map(Number));
  writeFileSync('out/notebooks/spike-90s.csv', '# 90 s window of traces/spike.csv from t=225 s (notebooks/03-sweep-pareto.ipynb)\nt_s,rate\n' +
    spike.filter(([t]: number[]) => t >= 225 && t < 315).map(([t, r]: number[]) => `${t - 225},${r}`).join('\n') + '\n');
  writeFileSync('out/notebooks/sweep.json', JSON.stringify({
    name: 'notebook',
    description: 'small sweep for notebooks/03-sweep-pareto.ipynb',
    scenario: '../../examples/default.json',
    traces: ['spike-90s.csv'],
    duration_s: 90,
    seeds: 2,
    mode: 'grid',
    policies: [
      { name: 'backpressure' },
      { name: 'static', params: { share: [0.2, 0.5, 0.8] } },
      { name: 'threshold', params: { onThreshold: [600, 800] } },
      { name: 'target-lag', params: { target: [1000, 10000] } },
    ],
    objective: { minimize: 'latency_p99_ms', subject_to: { cost_usd_per_hour: { max: 0.2 } } },
  }, null, 2));
  const spec = sweepLoad.loadSweep('out/notebooks/sweep.json');
  const executor = new exec.InProcessExecutor(adapter.makeRunFn(await adapter.importRunner(dist('experiment/runner.js'))));
  const outcome = await run.runSweep(spec, { out: SWEEP, executor: executor, log: (l: string) => console.log(l) });
  console.log(`sweep: ${outcome.ran} runs now, ${outcome.skipped} recorded before, complete: ${outcome.complete}`);
}
const sweep = inputs.loadSweep(SWEEP);
console.log(`${SWEEP}: ${sweep.rows.length} configurations`);
"""),
    md("## The ranking\nRows in rank order (infeasible rows, which break a `subject_to` bound, come last)."),
    code(r"""
const fmtParams = (p: Record<string, unknown>) => Object.entries(p).map(([k, v]) => `${k}=${v}`).join(' ') || '—';
const mean = (r: any, m: string): number => r.metrics[m]?.mean ?? NaN;
const ranked = [...sweep.rows].sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9));
table(['rank', 'policy', 'params', 'p99 (ms)', 'cost (USD/h)', 'Pareto', 'feasible', 'seeds'],
  ranked.map((r) => [r.rank ?? '—', r.policy, fmtParams(r.params), mean(r, 'latency_p99_ms'), mean(r, 'cost_usd_per_hour') ?? mean(r, 'cost_usd'), r.pareto ? 'yes' : '', r.feasible ? 'yes' : 'no', r.n]));
"""),
    md("""
## The front

Each point is one configuration (mean over seeds, with the spread of p99 as an error bar); the line joins the
Pareto-optimal ones. Moving along the front trades money for tail latency; anything above it is dominated.
"""),
    code(r"""
const costKey = sweep.rows.some((r: any) => r.metrics.cost_usd_per_hour) ? 'cost_usd_per_hour' : 'cost_usd';
const pts = sweep.rows.map((r: any) => ({
  label: `${r.policy} ${fmtParams(r.params)}`, policy: r.policy,
  cost: mean(r, costKey), p99: mean(r, 'latency_p99_ms'),
  lo: r.metrics.latency_p99_ms?.min ?? mean(r, 'latency_p99_ms'), hi: r.metrics.latency_p99_ms?.max ?? mean(r, 'latency_p99_ms'),
  pareto: r.pareto ? 'Pareto front' : r.feasible ? 'feasible' : 'infeasible',
}));
const front = pts.filter((p: any) => p.pareto === 'Pareto front').sort((a: any, b: any) => a.cost - b.cost);
const logY = Math.max(...pts.map((p: any) => p.p99)) / Math.max(1e-9, Math.min(...pts.map((p: any) => p.p99))) > 30;
await show({
  title: { text: 'Cost vs p99 latency', subtitle: `${sweep.rows.length} configurations; bars: min..max over seeds` },
  width: 600, height: 320,
  layer: [
    { data: { values: front }, mark: { type: 'line', color: '#999', strokeDash: [4, 3] }, encoding: { x: { field: 'cost', type: 'quantitative' }, y: { field: 'p99', type: 'quantitative' } } },
    { data: { values: pts }, mark: { type: 'rule' }, encoding: { x: { field: 'cost', type: 'quantitative' }, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: { field: 'policy', type: 'nominal' } } },
    {
      data: { values: pts }, mark: { type: 'point', filled: true, size: 80 },
      encoding: {
        x: { field: 'cost', type: 'quantitative', title: `${costKey} (mean)` },
        y: { field: 'p99', type: 'quantitative', title: 'p99 latency (ms, mean)', scale: { type: logY ? 'log' : 'linear' } },
        color: { field: 'policy', type: 'nominal' },
        shape: { field: 'pareto', type: 'nominal', title: null },
      },
    },
    { data: { values: front }, mark: { type: 'text', align: 'left', dx: 7, fontSize: 10 }, encoding: { x: { field: 'cost', type: 'quantitative' }, y: { field: 'p99', type: 'quantitative' }, text: { field: 'label' } } },
  ],
});
"""),
    md("## How much do seeds disagree?\nThe spread of p99 over seeds per configuration, relative to its mean: a wide bar means the ranking between neighbours is not settled by this many seeds."),
    code(r"""
await show({
  width: 600, height: 20 * pts.length,
  data: { values: pts.map((p: any) => ({ ...p, rel: (p.hi - p.lo) / p.p99 })) },
  mark: 'bar',
  encoding: { y: { field: 'label', type: 'nominal', sort: '-x', title: null }, x: { field: 'rel', type: 'quantitative', title: '(max − min) / mean of p99 over seeds', axis: { format: '%' } }, color: { field: 'policy', type: 'nominal' } },
});
"""),
])

# ---------------------------------------------------------------------------------------------------------------
notebook("04-calibration", [
    md("""
# Calibration, before and after

`spillway calibrate` fits the platform model to measurements (docs/CALIBRATION.md). This notebook does the same
through the API (`calibrate()` from `src/calibrate/`): it fits cold start, warm round trip and overhead and the
batch model from a Lambda probe file, shows each fit against the data, and then simulates the default scenario
with the published-numbers model (before) and the calibrated one (after).

Inputs (environment): `SPILLWAY_REAL_RUN` (optional: a `spillway validate` output directory, or its `real/`
subdirectory: its measurements are calibrated from and its `summary.json` joins the before/after table),
`SPILLWAY_PROBE` (a `spillway lambda probe --out` file) and `SPILLWAY_METRICS` (Flink metric samples), which default
to the seeded fixtures in `test/calibrate/fixtures/` when no real run is given, and `SPILLWAY_SCENARIO` (default
`examples/default.json`). Run `npm run build` first.
"""),
    code(PRELUDE),
    code(r"""
const cal = (await load(dist('calibrate/index.js'))) as typeof import('./src/calibrate/index.js');
import { existsSync as exists } from 'fs';
// A real run: a `spillway validate` directory (its real/ subdirectory holds flink-metrics.csv, probe.jsonl with
// --calibrate, and summary.json) or that subdirectory itself.
const REAL_ARG = process.env.SPILLWAY_REAL_RUN;
const REAL = REAL_ARG && exists(`${REAL_ARG}/real/summary.json`) ? `${REAL_ARG}/real` : REAL_ARG;
const SCENARIO = process.env.SPILLWAY_SCENARIO ?? 'examples/default.json';
const PROBE = process.env.SPILLWAY_PROBE ?? (REAL ? null : 'test/calibrate/fixtures/probe.jsonl');
const METRICS = process.env.SPILLWAY_METRICS ?? (REAL ? null : 'test/calibrate/fixtures/flink-metrics.csv');
// With a real run and no explicit files, the run directory itself: calibrate() reads what it finds there.
const inputs = [PROBE, METRICS].filter((x): x is string => x !== null);
if (inputs.length === 0 && REAL) inputs.push(REAL);
console.log(`measurements: ${inputs.join(', ')}; scenario: ${SCENARIO}`);
const result = cal.calibrate(inputs, {
  modelOut: 'out/notebooks/calibrated-model.json',
  scenario: SCENARIO,
  scenarioOut: 'out/notebooks/default-calibrated.json',
  fit: { bootstrap: 199, seed: 'notebook' },
});
cal.writeCalibration(result, { model: 'out/notebooks/calibrated-model.json', scenario: 'out/notebooks/default-calibrated.json', report: 'out/notebooks/calibration.json' });
console.log(cal.formatCalibration(result));
"""),
    md("""
## Each fit against its data

Empirical CDF (steps) against the fitted CDF of every candidate family. The chosen one is drawn thick; the
Anderson–Darling p-values (parametric bootstrap) decide, AIC breaks ties.
"""),
    code(r"""
const families = (await load(dist('calibrate/families.js'))) as typeof import('./src/calibrate/families.js');
for (const q of result.fits) {
  const xs = [...q.values].sort((a, b) => a - b);
  const ecdf = xs.map((x, i) => ({ x, F: (i + 1) / xs.length, curve: 'data' }));
  const lo = xs[0], hi = xs[xs.length - 1];
  const grid = Array.from({ length: 120 }, (_, i) => lo + ((hi - lo) * i) / 119);
  const fitted = q.fit.candidates.flatMap((c) => {
    const p = { family: c.family, ...c.params } as any;
    return grid.map((x) => ({ x, F: families.FAMILY[c.family].cdf(p, x), curve: `${c.family}${c.family === q.fit.chosen ? ' (chosen)' : ''} p=${(c.gof.ad_p ?? c.gof.ks_p).toFixed(3)}` }));
  });
  await show({
    title: { text: `${q.field}: ${q.label}`, subtitle: `n=${q.fit.n}; chosen: ${q.fit.chosen}` },
    width: 560, height: 220,
    layer: [
      { data: { values: ecdf }, mark: { type: 'line', interpolate: 'step-after', color: 'black' }, encoding: { x: { field: 'x', type: 'quantitative', title: 'ms' }, y: { field: 'F', type: 'quantitative', title: 'CDF' } } },
      { data: { values: fitted }, mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'F', type: 'quantitative' }, color: { field: 'curve', type: 'nominal', title: 'family (AD p)', legend: { labelLimit: 300 } }, strokeWidth: { condition: { test: "indexof(datum.curve, 'chosen') >= 0", value: 3 }, value: 1 } } },
    ],
  });
}
"""),
    md("## The batch model\nHandler duration against batch size on warm invocations, with the least-squares line."),
    code(r"""
const b = result.batch;
if (!b) console.log('no batch model: the probe has one batch size');
else {
  const maxN = Math.max(...b.batch_sizes);
  await show({
    title: { text: 'duration_ms = a + b · records', subtitle: `a=${b.a.toFixed(3)} ms ± ${b.se_a.toFixed(3)}, b=${b.b.toFixed(4)} ms/record ± ${b.se_b.toFixed(4)}, R²=${b.r2.toFixed(4)}, ${b.memory_mb} MB` },
    width: 560, height: 220,
    layer: [
      { data: { values: b.points.map(([n, d]) => ({ n, d })) }, mark: { type: 'point', opacity: 0.6 }, encoding: { x: { field: 'n', type: 'quantitative', title: 'records in the batch' }, y: { field: 'd', type: 'quantitative', title: 'duration (ms)' } } },
      { data: { values: [{ n: 0, d: b.a }, { n: maxN, d: b.a + b.b * maxN }] }, mark: { type: 'line', color: 'firebrick' }, encoding: { x: { field: 'n', type: 'quantitative' }, y: { field: 'd', type: 'quantitative' } } },
    ],
  });
}
"""),
    md("""
## Before and after

The default scenario on a 120 s window of its trace around the flash crowd, threshold policy, once with the model
and service time it ships with (before) and once with the calibrated copy (after: the fitted platform model, the
measured service mean, and the function's work factor from the batch model's slope). With `SPILLWAY_REAL_RUN` the
real run's numbers join the table and each simulation's relative error against them is shown; the simulations
then replay the scenario's whole trace, which should be the one the real job replayed.
"""),
    code(r"""
import { readFileSync } from 'fs';
const runner = (await load(dist('experiment/runner.js'))) as typeof import('./src/experiment/runner.js');
const before = runner.loadScenario(SCENARIO);
const after = runner.loadScenario('out/notebooks/default-calibrated.json');
const parse = (await load(dist('workload/parse.js'))) as typeof import('./src/workload/parse.js');
// 120 s from 15 s before the trace's peak, shifted to 0 (the whole trace when comparing with a real run).
const full = parse.loadTrace(before.workload.trace);
let opts: Parameters<typeof runner.runScenario>[1] = { policy: 'threshold' };
if (!REAL && full.kind === 'rate') {
  let peakAt = 0;
  for (let i = 0; i < full.rate.length; i++) if (full.rate[i] > full.rate[peakAt]) peakAt = i;
  const from = Math.max(0, full.tS[peakAt] - 15);
  const keep = Array.from(full.tS, (t, i) => i).filter((i) => (i + 1 < full.tS.length ? full.tS[i + 1] : full.endS) > from && full.tS[i] < from + 120);
  const window = { kind: 'rate' as const, source: `${full.source} [${from}, ${from + 120}) s`, tS: Float64Array.from(keep, (i) => Math.max(0, full.tS[i] - from)), rate: Float64Array.from(keep, (i) => full.rate[i]), endS: 120 };
  opts = { policy: 'threshold', trace: window, durationS: 120 };
}
const runs = { before: runner.runScenario(before, opts), after: runner.runScenario(after, opts) };
const real = REAL ? JSON.parse(readFileSync(`${REAL}/summary.json`, 'utf8')) : null;
// Real summaries (flink-validate summary.json) and simulated ones share latency_ms; counts are named differently.
const metrics: [string, (s: any) => number][] = [
  ['latency p50 (ms)', (s) => s.latency_ms.p50],
  ['latency p90 (ms)', (s) => s.latency_ms.p90],
  ['latency p99 (ms)', (s) => s.latency_ms.p99],
  ['latency max (ms)', (s) => s.latency_ms.max],
  ['cold starts', (s) => s.lambda?.cold_starts ?? s.cold_starts],
  ['offloaded records', (s) => s.offload?.records ?? s.offloaded],
];
const rows = metrics.map(([name, get]) => {
  const bv = get(runs.before.summary), av = get(runs.after.summary);
  if (!real) return [name, bv, av];
  const rv = get(real);
  const err = (x: number) => (rv === 0 || !Number.isFinite(rv) ? '—' : `${(((x - rv) / rv) * 100).toFixed(1)}%`);
  return [name, bv, av, rv, err(bv), err(av)];
});
table(real ? ['metric', 'before', 'after', 'real', 'before error', 'after error'] : ['metric', 'before (shipped model)', 'after (calibrated)'], rows);
const curves = Object.entries(runs).flatMap(([label, r]) => r.latencyCdf.filter(([, ms]) => ms > 0).map(([percentile, latency_ms]) => ({ label, percentile, latency_ms })));
await show({
  title: { text: 'Latency CDF before and after calibration' },
  width: 560, height: 240,
  data: { values: curves },
  mark: { type: 'line', strokeWidth: 2 },
  encoding: { x: { field: 'latency_ms', type: 'quantitative', scale: { type: 'log' }, title: 'latency (ms, log)' }, y: { field: 'percentile', type: 'quantitative' }, color: { field: 'label', type: 'nominal', title: null } },
});
"""),
])
