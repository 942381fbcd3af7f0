import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { compileSpec } from '../../src/report/render.js';
import { loadCdf, loadCompare, loadRun, loadSweep } from '../../src/report/inputs.js';
import { runCharts, sweepCharts } from '../../src/report/charts.js';
import { sweepCdfCurves } from '../../src/report/index.js';
import { costSpec, functionsSpec, latencySpec, pendingSpec, ratesSpec, verticesSpec } from '../../src/report/specs/timeseries.js';
import { cdfSpec } from '../../src/report/specs/cdf.js';
import { paretoSpec } from '../../src/report/specs/pareto.js';
import { traceSpec } from '../../src/report/specs/trace.js';
import { FIXTURES } from './helpers.js';

const run = loadRun(join(FIXTURES, 'run'));
const cmp = loadCompare(join(FIXTURES, 'compare'));
const sweep = loadSweep(join(FIXTURES, 'sweep'));
const N = run.timeseries.rows.length;
const NC = cmp.runs.reduce((s, r) => s + r.timeseries.rows.length, 0);

type AnySpec = Record<string, unknown> & { data?: { values: Record<string, unknown>[] } };
const values = (s: TopLevelSpec): Record<string, unknown>[] => ((s as AnySpec).data as { values: Record<string, unknown>[] }).values;
const json = (s: TopLevelSpec) => JSON.stringify(s);

function expectCleanCompile(spec: TopLevelSpec): void {
  const { spec: vg, warnings } = compileSpec(spec);
  expect(warnings).toEqual([]);
  expect(vg.marks?.length ?? 0).toBeGreaterThan(0);
  // Readable text everywhere: a font that exists, and a title.
  expect((spec as AnySpec).config).toMatchObject({ font: 'DejaVu Sans' });
  expect((spec as AnySpec).title).toBeTruthy();
}

describe('spec builders compile with vega-lite, with no warnings', () => {
  const cases: [string, TopLevelSpec][] = [
    ...runCharts([run]).map((c): [string, TopLevelSpec] => [`run ${c.name}`, c.spec]),
    ...runCharts(cmp.runs).map((c): [string, TopLevelSpec] => [`compare ${c.name}`, c.spec]),
    ...sweepCharts(sweep, sweepCdfCurves(join(FIXTURES, 'sweep'), sweep.rows)).map(
      (c): [string, TopLevelSpec] => [`sweep ${c.name}`, c.spec],
    ),
    ['latency linear', latencySpec([run], { log: false })],
    ['pareto linear', paretoSpec(sweep.rows, { yScale: 'linear' })],
    ['trace', traceSpec({ tS: [0, 20, 35], rate: [2000, 8000, 2000] }, { endS: 60 })],
    ['single cdf', cdfSpec([{ label: 'x', points: run.cdf }])],
  ];
  it.each(cases)('%s', (_name, spec) => expectCleanCompile(spec));
});

describe('(a) rates', () => {
  it('has input, read, emitted and offloaded per interval for one run, coloured by series', () => {
    const s = ratesSpec([run]);
    expect(values(s)).toHaveLength(N * 4);
    expect(new Set(values(s).map((v) => v.series))).toEqual(new Set(['input (arrived)', 'read by sources', 'emitted (left sink)', 'offloaded to functions']));
    expect(json(s)).toContain('"field":"series"');
    expect(json(s)).toContain('"title":"rate (records/s)"');
    expect(json(s)).toContain('"title":"time (s)"');
  });
  it('overlays runs coloured by label in comparison mode, series told apart by dashes', () => {
    const s = ratesSpec(cmp.runs);
    expect(values(s)).toHaveLength(NC * 3);
    expect(new Set(values(s).map((v) => v.run))).toEqual(new Set(['backpressure', 'threshold', 'predictive']));
    expect(json(s)).toContain('"color":{"field":"run"');
    expect(json(s)).toContain('"strokeDash":{"field":"series"');
  });
  it('zooms and pans on the time axis', () => {
    expect(json(ratesSpec([run]))).toContain('"bind":"scales"');
    expect(json(ratesSpec([run]))).toContain('"encodings":["x"]');
  });
});

describe('(b)–(e) time series', () => {
  it('(b) pending records: one value per interval', () => {
    const s = pendingSpec([run]);
    expect(values(s)).toHaveLength(N);
    expect(values(s).map((v) => v.value)).toEqual(run.timeseries.rows.map((r) => r.pending_records));
  });
  it('(c) latency: p50, p99, max on a log axis by default; empty intervals are null', () => {
    const s = latencySpec([run]);
    expect(values(s)).toHaveLength(N * 3);
    expect(json(s)).toContain('"scale":{"type":"log"}');
    expect(json(latencySpec([run], { log: false }))).not.toContain('"type":"log"');
    const empty = run.timeseries.rows.filter((r) => Number.isNaN(r.latency_p99_ms)).length;
    expect(values(s).filter((v) => v.series === 'p99' && v.value === null)).toHaveLength(empty);
  });
  it('(d) functions: concurrency panel and cold starts / throttles panel', () => {
    const s = functionsSpec(cmp.runs) as AnySpec & { vconcat: AnySpec[] };
    expect(s.vconcat).toHaveLength(2);
    expect(s.vconcat[0].data?.values).toHaveLength(NC);
    expect(s.vconcat[1].data?.values).toHaveLength(NC * 2);
    expect(JSON.stringify(s)).toContain('cold starts');
  });
  it('(e) cost: cumulative USD', () => {
    const s = costSpec([run]);
    expect(values(s)).toHaveLength(N);
    expect(values(s)[N - 1].value).toBe(run.timeseries.rows[N - 1].cost_usd);
    expect(json(s)).toContain('cost (USD)');
  });
});

describe('(f) latency CDF', () => {
  it('one curve per run, latency on a log x axis, percentile on y', () => {
    const s = cdfSpec(cmp.runs.map((r) => ({ label: r.label, points: r.cdf })));
    const total = cmp.runs.reduce((n, r) => n + r.cdf.filter((p) => p.latency_ms > 0).length, 0);
    expect(values(s)).toHaveLength(total);
    expect(json(s)).toContain('"x":{"field":"latency_ms","type":"quantitative","title":"latency (ms, log scale)","scale":{"type":"log"}}');
    expect(json(s)).toContain('"field":"percentile"');
    expect(json(s)).toContain('"color":{"field":"label"');
  });
  it('leaves out zero latencies, which a log axis cannot show', () => {
    const s = cdfSpec([{ label: 'a', points: [{ percentile: 0, latency_ms: 0 }, { percentile: 50, latency_ms: 10 }, { percentile: 100, latency_ms: 20 }] }]);
    expect(values(s)).toHaveLength(2);
  });
});

describe('(g) Pareto scatter', () => {
  const s = paretoSpec(sweep.rows);
  const v = values(s);
  it('has one point per row with its class, error bars and labels for the best ranks', () => {
    expect(v).toHaveLength(sweep.rows.length);
    expect(v.filter((r) => r.class === 'Pareto front')).toHaveLength(sweep.rows.filter((r) => r.pareto).length);
    expect(v.filter((r) => r.class === 'infeasible')).toHaveLength(sweep.rows.filter((r) => !r.feasible).length);
    expect(v.filter((r) => r.label !== null).map((r) => r.label)).toEqual(
      expect.arrayContaining(['#1 predictive', '#2 predictive', '#3 threshold', '#4 target-lag', '#5 threshold']),
    );
    expect(v.filter((r) => r.label !== null)).toHaveLength(5);
    const r07 = v.find((r) => r.id === 'r07') as Record<string, number>;
    expect(r07.p99_lo).toBeCloseTo(260 - 31.2, 6);
    expect(r07.p99_hi).toBeCloseTo(260 + 31.2, 6);
  });
  it('connects the Pareto front in cost order and uses a log latency axis when p99 spans > 30×', () => {
    expect(json(s)).toContain(`"filter":"datum.class === 'Pareto front'"`);
    expect(json(s)).toContain('"order":{"field":"cost","type":"quantitative"}');
    expect(json(s)).toContain('log scale');
    expect(json(s)).toContain('"mark":{"type":"rule"'); // error bars: rule marks from mean ± ci95
  });
});

describe('(h) trace shape and (i) vertices', () => {
  it('(h) draws a piecewise-constant rate, extended to the end', () => {
    const s = traceSpec({ tS: Float64Array.from([0, 20, 35]), rate: Float64Array.from([2000, 8000, 2000]) }, { endS: 60 });
    expect(values(s)).toEqual([
      { t_s: 0, rate: 2000 },
      { t_s: 20, rate: 8000 },
      { t_s: 35, rate: 2000 },
      { t_s: 60, rate: 2000 },
    ]);
    expect(json(s)).toContain('"interpolate":"step-after"');
  });
  it('(i) stacks busy, backpressured and idle per vertex, with vertex ids containing dots', () => {
    expect(run.vertices).toEqual(['source', 'parse.map', 'count', 'sink']);
    const s = verticesSpec([run]);
    expect(values(s)).toHaveLength(N * 4 * 3);
    expect(json(s)).toContain('"stack":"zero"');
    const at25 = values(s).filter((v) => v.t_s === 25 && v.vertex === 'parse.map');
    expect(at25.reduce((sum, v) => sum + (v.ms as number), 0)).toBe(1000);
    const c = verticesSpec(cmp.runs);
    expect(json(c)).toContain('"column":{"field":"run"');
  });
});
