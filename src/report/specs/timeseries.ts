/**
 * Charts over the time series of one run or of several runs overlaid (comparison mode, coloured by label):
 * (a) rates, (b) pending records, (c) latency percentiles, (d) function concurrency and cold starts, (e) cost,
 * (i) per-vertex busy / backpressured / idle time.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { NumericTable } from '../csv.js';
import { base, HEIGHT, num, WIDTH, zoomParam } from './common.js';

/** What a time-series chart needs of a run (RunData satisfies it). */
export interface SeriesRun {
  label: string;
  timeseries: NumericTable;
}

/** One series of a chart: a timeseries.csv column and how the legend names it. */
export interface SeriesDef {
  column: string;
  name: string;
  color?: string;
  /** Dash pattern when runs are overlaid (colour then means the run). */
  dash?: number[];
}

/** A long-form data row: one value of one series of one run at one time. */
export interface LongRow {
  t_s: number;
  run: string;
  series: string;
  value: number | null;
}

export function longRows(runs: readonly SeriesRun[], series: readonly SeriesDef[], keep: (v: number) => boolean = () => true): LongRow[] {
  const out: LongRow[] = [];
  for (const run of runs) {
    for (const row of run.timeseries.rows) {
      for (const s of series) {
        const v = row[s.column];
        out.push({ t_s: row.t_s, run: run.label, series: s.name, value: Number.isFinite(v) && keep(v) ? num(v) : null });
      }
    }
  }
  return out;
}

interface LineChartOptions {
  title: string;
  subtitle?: string;
  yTitle: string;
  series: readonly SeriesDef[];
  yScale?: 'linear' | 'log';
  /** Shade the area under the line (single run, single series only). */
  area?: boolean;
  interpolate?: 'linear' | 'step-before' | 'step-after';
  height?: number;
  valueFormat?: string;
  zoomName?: string;
}

const TIME_AXIS = {
  field: 't_s',
  type: 'quantitative' as const,
  title: 'time (s)',
  axis: { tickMinStep: 1 },
  // From 0 to the end of the run, not rounded out to the next "nice" number.
  scale: { zero: true, nice: false },
};

/** The unit layers (line, hover points) of a time-series line chart, without top-level properties. */
function lineLayers(runs: readonly SeriesRun[], o: LineChartOptions) {
  const compare = runs.length > 1;
  const multiSeries = o.series.length > 1;
  const seriesScale = {
    domain: o.series.map((s) => s.name),
    ...(o.series.every((s) => s.color) ? { range: o.series.map((s) => s.color as string) } : {}),
  };
  const color = compare
    ? { field: 'run', type: 'nominal' as const, title: 'run', sort: runs.map((r) => r.label) }
    : multiSeries
      ? { field: 'series', type: 'nominal' as const, title: null, scale: seriesScale }
      : { value: o.series[0].color ?? '#4c78a8' };
  const dashScale = o.series.every((s) => s.dash) ? { scale: { domain: o.series.map((s) => s.name), range: o.series.map((s) => s.dash as number[]) } } : {};
  const strokeDash =
    compare && multiSeries
      ? {
          strokeDash: {
            field: 'series',
            type: 'nominal' as const,
            title: null,
            sort: o.series.map((s) => s.name),
            legend: { symbolType: 'stroke', symbolSize: 900, symbolStrokeWidth: 2 },
            ...dashScale,
          },
        }
      : {};
  const detail = compare && multiSeries ? { detail: { field: 'series', type: 'nominal' as const } } : {};
  const y = {
    field: 'value',
    type: 'quantitative' as const,
    title: o.yTitle,
    ...(o.yScale === 'log' ? { scale: { type: 'log' as const } } : {}),
  };
  const hover = `${o.zoomName ?? 'zoom'}_hover`;
  const tooltip = [
    ...(compare ? [{ field: 'run', type: 'nominal' as const, title: 'run' }] : []),
    { field: 'series', type: 'nominal' as const, title: 'series' },
    { field: 't_s', type: 'quantitative' as const, title: 'time (s)', format: ',.1f' },
    { field: 'value', type: 'quantitative' as const, title: o.yTitle, format: o.valueFormat ?? ',.4~g' },
  ];
  const interpolate = o.interpolate ?? 'linear';
  return [
    {
      params: [zoomParam(o.zoomName ?? 'zoom')],
      mark: o.area && !compare && !multiSeries
        ? { type: 'area' as const, interpolate, line: { color: o.series[0].color ?? '#4c78a8' }, opacity: 0.35, clip: true }
        : { type: 'line' as const, interpolate, strokeWidth: 1.8, clip: true },
      encoding: { x: TIME_AXIS, y, color, ...strokeDash, ...detail },
    },
    {
      name: `hover_${o.zoomName ?? 'zoom'}`,
      params: [{ name: hover, select: { type: 'point' as const, on: 'pointerover', clear: 'pointerout', nearest: true } }],
      mark: { type: 'point' as const, filled: true, size: 40, clip: true },
      encoding: {
        x: { field: 't_s', type: 'quantitative' as const },
        y: { field: 'value', type: 'quantitative' as const },
        color,
        opacity: { condition: { param: hover, empty: false, value: 1 }, value: 0 },
        tooltip,
      },
    },
  ];
}

function lineChart(runs: readonly SeriesRun[], o: LineChartOptions): TopLevelSpec {
  const keep = o.yScale === 'log' ? (v: number) => v > 0 : undefined;
  const bands = downtimeBands(runs);
  return {
    ...base(o.title, bands.length > 0 ? `${o.subtitle ?? ''}${o.subtitle ? '; ' : ''}grey bands: job stopped for a rescale` : o.subtitle),
    width: WIDTH,
    height: o.height ?? HEIGHT,
    data: { values: longRows(runs, o.series, keep) },
    layer: [...(bands.length > 0 ? [downtimeLayer(bands)] : []), ...lineLayers(runs, o)],
  } as TopLevelSpec;
}

/** Spans where a run's `restarting` column is 1 (stop-with-savepoint to running again), per run. */
export function downtimeBands(runs: readonly SeriesRun[]): { run: string; from_s: number; to_s: number }[] {
  const bands: { run: string; from_s: number; to_s: number }[] = [];
  for (const r of runs) {
    if (!r.timeseries.columns.includes('restarting')) continue;
    let prevT = 0;
    let open: number | null = null;
    for (const row of r.timeseries.rows) {
      const down = row.restarting === 1;
      if (down && open === null) open = prevT;
      if (!down && open !== null) {
        bands.push({ run: r.label, from_s: open, to_s: prevT });
        open = null;
      }
      prevT = row.t_s;
    }
    if (open !== null) bands.push({ run: r.label, from_s: open, to_s: prevT });
  }
  return bands;
}

function downtimeLayer(bands: { run: string; from_s: number; to_s: number }[]) {
  return {
    data: { values: bands },
    mark: { type: 'rect' as const, color: '#888', opacity: 0.18, clip: true },
    encoding: {
      x: { field: 'from_s', type: 'quantitative' as const },
      x2: { field: 'to_s' },
      tooltip: [
        { field: 'run', type: 'nominal' as const, title: 'job stopped (rescale)' },
        { field: 'from_s', type: 'quantitative' as const, title: 'from (s)' },
        { field: 'to_s', type: 'quantitative' as const, title: 'to (s)' },
      ],
    },
  };
}

function subtitleFor(runs: readonly SeriesRun[], single: string): string | undefined {
  return runs.length > 1 ? `${single}; colour = run (${runs.length} runs)` : single;
}

export const RATE_SERIES: readonly SeriesDef[] = [
  { column: 'input_rps', name: 'input (arrived)', color: '#7f7f7f' },
  { column: 'read_rps', name: 'read by sources', color: '#1f77b4' },
  { column: 'emitted_rps', name: 'emitted (left sink)', color: '#2ca02c' },
  { column: 'offloaded_rps', name: 'offloaded to functions', color: '#ff7f0e' },
];

/** With runs overlaid, colour is the run: input, read and offloaded are told apart by dashes (emitted ≈ read). */
export const RATE_SERIES_COMPARE: readonly SeriesDef[] = [
  { column: 'input_rps', name: 'input (arrived)', dash: [2, 3] },
  { column: 'read_rps', name: 'read by sources', dash: [1, 0] },
  { column: 'offloaded_rps', name: 'offloaded to functions', dash: [8, 4] },
];

/** (a) Input rate vs processed (read, emitted) rate vs offloaded rate over time. */
export function ratesSpec(runs: readonly SeriesRun[]): TopLevelSpec {
  return lineChart(runs, {
    title: 'Input, processed and offloaded rates',
    subtitle: subtitleFor(runs, 'records per second in each metrics interval'),
    yTitle: 'rate (records/s)',
    series: runs.length > 1 ? RATE_SERIES_COMPARE : RATE_SERIES,
    zoomName: 'zoom_rates',
  });
}

/** (b) Pending records in the external queue (the source's lag) over time. */
export function pendingSpec(runs: readonly SeriesRun[]): TopLevelSpec {
  return lineChart(runs, {
    title: 'Pending records (source lag)',
    subtitle: subtitleFor(runs, 'records waiting in the external queue at the end of each interval'),
    yTitle: 'pending records',
    series: [{ column: 'pending_records', name: 'pending records', color: '#d62728' }],
    area: true,
    valueFormat: ',.0f',
    zoomName: 'zoom_pending',
  });
}

export interface LatencyOptions {
  /** Log scale on the latency axis (default true: spikes span orders of magnitude). */
  log?: boolean;
}

export const LATENCY_SERIES: readonly SeriesDef[] = [
  { column: 'latency_p50_ms', name: 'p50', color: '#2ca02c' },
  { column: 'latency_p99_ms', name: 'p99', color: '#ff7f0e' },
  { column: 'latency_max_ms', name: 'max', color: '#d62728' },
];

/** (c) Result latency percentiles (p50, p99, max) per interval over time. */
export function latencySpec(runs: readonly SeriesRun[], opts: LatencyOptions = {}): TopLevelSpec {
  const log = opts.log ?? true;
  return lineChart(runs, {
    title: 'Result latency over time',
    subtitle: subtitleFor(runs, `sink time − intended arrival, per interval${log ? '; log scale' : ''}`),
    yTitle: 'latency (ms)',
    series: LATENCY_SERIES,
    yScale: log ? 'log' : 'linear',
    valueFormat: ',.1f',
    zoomName: 'zoom_latency',
  });
}

/** (d) Busy function environments, and cold starts and throttles per interval, over time (two panels). */
export function functionsSpec(runs: readonly SeriesRun[]): TopLevelSpec {
  const conc: LineChartOptions = {
    title: '',
    yTitle: 'environments',
    series: [{ column: 'concurrency', name: 'concurrency', color: '#9467bd' }],
    interpolate: 'step-before',
    height: 170,
    valueFormat: ',.0f',
    zoomName: 'zoom_conc',
  };
  const cold: LineChartOptions = {
    title: '',
    yTitle: 'events per interval',
    series: [
      { column: 'cold_starts', name: 'cold starts', color: '#17becf' },
      { column: 'throttles', name: 'throttles (429)', color: '#d62728' },
    ],
    interpolate: 'step-before',
    height: 130,
    valueFormat: ',.0f',
    zoomName: 'zoom_cold',
  };
  return {
    ...base('Function concurrency and cold starts', subtitleFor(runs, 'busy environments at the end of each interval; cold starts and throttles in it')),
    vconcat: [
      { width: WIDTH, height: conc.height, data: { values: longRows(runs, conc.series) }, layer: lineLayers(runs, conc) },
      { width: WIDTH, height: cold.height, data: { values: longRows(runs, cold.series) }, layer: lineLayers(runs, cold) },
    ],
    resolve: { scale: runs.length > 1 ? { color: 'shared', strokeDash: 'independent' } : { color: 'independent', strokeDash: 'independent' } },
  } as TopLevelSpec;
}

/** (e) Cumulative serverless cost over time. */
export function costSpec(runs: readonly SeriesRun[]): TopLevelSpec {
  return lineChart(runs, {
    title: 'Cumulative function cost',
    subtitle: subtitleFor(runs, 'requests + GB-s duration + provisioned concurrency, USD so far'),
    yTitle: 'cost (USD)',
    series: [{ column: 'cost_usd', name: 'cost so far', color: '#8c564b' }],
    area: true,
    valueFormat: '$,.4f',
    zoomName: 'zoom_cost',
  });
}

/** What the vertex chart needs of a run (RunData satisfies it). */
export interface VertexRun extends SeriesRun {
  vertices: readonly string[];
}

export const VERTEX_STATES = [
  { metric: 'busyTimeMsPerSecond', name: 'busy', color: '#d62728' },
  { metric: 'backPressuredTimeMsPerSecond', name: 'backpressured', color: '#333333' },
  { metric: 'idleTimeMsPerSecond', name: 'idle', color: '#6baed6' },
] as const;

export interface VertexRow {
  t_s: number;
  run: string;
  vertex: string;
  state: string;
  order: number;
  ms: number | null;
}

export function vertexRows(runs: readonly VertexRun[]): VertexRow[] {
  const out: VertexRow[] = [];
  for (const run of runs) {
    for (const row of run.timeseries.rows) {
      for (const vertex of run.vertices) {
        VERTEX_STATES.forEach((s, order) => {
          const v = row[`${vertex}.${s.metric}`];
          out.push({ t_s: row.t_s, run: run.label, vertex, state: s.name, order, ms: v === undefined ? null : num(v) });
        });
      }
    }
  }
  return out;
}

/** (i) Per job vertex: busy / backpressured / idle ms per second (Flink's own metrics), stacked, over time. */
export function verticesSpec(runs: readonly VertexRun[]): TopLevelSpec {
  const compare = runs.length > 1;
  const vertexOrder: string[] = [];
  for (const r of runs) for (const v of r.vertices) if (!vertexOrder.includes(v)) vertexOrder.push(v);
  const panelWidth = compare ? Math.max(200, Math.floor((WIDTH - 40 * (runs.length - 1)) / runs.length)) : WIDTH;
  return {
    ...base(
      'Where each task spends its time',
      `busy / backpressured / idle ms per second, averaged over subtasks${compare ? '; one column per run' : ''}`,
    ),
    data: { values: vertexRows(runs) },
    facet: {
      row: { field: 'vertex', type: 'nominal', title: 'job vertex', sort: vertexOrder, header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' } },
      ...(compare ? { column: { field: 'run', type: 'nominal', title: 'run', sort: runs.map((r) => r.label) } } : {}),
    },
    spec: {
      width: panelWidth,
      height: 90,
      mark: { type: 'area', interpolate: 'step-before', tooltip: true },
      encoding: {
        x: TIME_AXIS,
        y: { field: 'ms', type: 'quantitative', stack: 'zero', title: 'ms per second', scale: { domain: [0, 1000] }, axis: { values: [0, 500, 1000] } },
        color: {
          field: 'state',
          type: 'nominal',
          title: 'task state',
          scale: { domain: VERTEX_STATES.map((s) => s.name), range: VERTEX_STATES.map((s) => s.color) },
        },
        order: { field: 'order', type: 'quantitative' },
        tooltip: [
          ...(compare ? [{ field: 'run', type: 'nominal', title: 'run' }] : []),
          { field: 'vertex', type: 'nominal', title: 'vertex' },
          { field: 'state', type: 'nominal', title: 'state' },
          { field: 't_s', type: 'quantitative', title: 'time (s)', format: ',.1f' },
          { field: 'ms', type: 'quantitative', title: 'ms per second', format: ',.0f' },
        ],
      },
    },
  } as TopLevelSpec;
}
