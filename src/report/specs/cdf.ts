/** (f) Latency CDF of one or several runs (or sweep rows) overlaid, coloured by label. */
import type { TopLevelSpec } from 'vega-lite';
import type { CdfPoint } from '../inputs.js';
import { base, HEIGHT, WIDTH, zoomParam } from './common.js';

export interface CdfCurve {
  label: string;
  points: readonly CdfPoint[];
}

export interface CdfRow {
  label: string;
  percentile: number;
  latency_ms: number;
}

/** Long-form rows; a latency of 0 cannot sit on a log axis and is left out. */
export function cdfRows(curves: readonly CdfCurve[]): CdfRow[] {
  const out: CdfRow[] = [];
  for (const c of curves) for (const p of c.points) if (p.latency_ms > 0) out.push({ label: c.label, percentile: p.percentile, latency_ms: p.latency_ms });
  return out;
}

export function cdfSpec(curves: readonly CdfCurve[], opts: { title?: string; subtitle?: string } = {}): TopLevelSpec {
  const many = curves.length > 1;
  const color = many
    ? { field: 'label', type: 'nominal', title: 'run', sort: curves.map((c) => c.label) }
    : { value: '#4c78a8' };
  return {
    ...base(opts.title ?? 'Latency distribution (CDF)', opts.subtitle ?? 'share of results at or below each latency; latency on a log scale'),
    width: WIDTH,
    height: HEIGHT + 40,
    data: { values: cdfRows(curves) },
    layer: [
      {
        params: [zoomParam('zoom_cdf', ['x', 'y'])],
        // Straight lines between the histogram's quantile points (as HdrHistogram's plotter draws them).
        mark: { type: 'line', interpolate: 'linear', strokeWidth: 2, clip: true },
        encoding: {
          x: { field: 'latency_ms', type: 'quantitative', title: 'latency (ms, log scale)', scale: { type: 'log' } },
          y: { field: 'percentile', type: 'quantitative', title: 'percentile (%)', scale: { domain: [0, 100] } },
          color,
          ...(many ? { detail: { field: 'label', type: 'nominal' } } : {}),
          order: { field: 'percentile', type: 'quantitative' },
        },
      },
      {
        name: 'hover_cdf',
        params: [{ name: 'cdf_hover', select: { type: 'point', on: 'pointerover', clear: 'pointerout', nearest: true } }],
        mark: { type: 'point', filled: true, size: 40, clip: true },
        encoding: {
          x: { field: 'latency_ms', type: 'quantitative' },
          y: { field: 'percentile', type: 'quantitative' },
          color,
          opacity: { condition: { param: 'cdf_hover', empty: false, value: 1 }, value: 0 },
          tooltip: [
            ...(many ? [{ field: 'label', type: 'nominal', title: 'run' }] : []),
            { field: 'percentile', type: 'quantitative', title: 'percentile (%)', format: '.3~f' },
            { field: 'latency_ms', type: 'quantitative', title: 'latency (ms)', format: ',.1f' },
          ],
        },
      },
    ],
  } as TopLevelSpec;
}
