/** (h) The shape of a rate trace: records/s over time, piecewise constant (for `spillway trace inspect --chart`). */
import type { TopLevelSpec } from 'vega-lite';
import { base, HEIGHT, num, WIDTH, zoomParam } from './common.js';

export interface TraceShape {
  /** Start of each piece, s. */
  tS: ArrayLike<number>;
  /** Rate from that time on, records/s. */
  rate: ArrayLike<number>;
}

export interface TraceChartOptions {
  title?: string;
  subtitle?: string;
  /** End of the last piece, s (drawn as a final step); default: the last point only. */
  endS?: number;
}

export function traceRows(trace: TraceShape, endS?: number): { t_s: number; rate: number | null }[] {
  const n = Math.min(trace.tS.length, trace.rate.length);
  const out: { t_s: number; rate: number | null }[] = [];
  for (let i = 0; i < n; i++) out.push({ t_s: trace.tS[i], rate: num(trace.rate[i]) });
  if (endS !== undefined && n > 0 && endS > trace.tS[n - 1]) out.push({ t_s: endS, rate: num(trace.rate[n - 1]) });
  return out;
}

export function traceSpec(trace: TraceShape, opts: TraceChartOptions = {}): TopLevelSpec {
  return {
    ...base(opts.title ?? 'Trace: arrival rate', opts.subtitle ?? 'records per second, piecewise constant'),
    width: WIDTH,
    height: HEIGHT,
    data: { values: traceRows(trace, opts.endS) },
    params: [zoomParam('zoom_trace')],
    mark: { type: 'area', interpolate: 'step-after', line: { color: '#1f77b4' }, color: '#1f77b4', opacity: 0.3, tooltip: true, clip: true },
    encoding: {
      x: { field: 't_s', type: 'quantitative', title: 'time (s)' },
      y: { field: 'rate', type: 'quantitative', title: 'rate (records/s)' },
      tooltip: [
        { field: 't_s', type: 'quantitative', title: 'from (s)', format: ',.3~f' },
        { field: 'rate', type: 'quantitative', title: 'rate (records/s)', format: ',.0f' },
      ],
    },
  } as TopLevelSpec;
}
