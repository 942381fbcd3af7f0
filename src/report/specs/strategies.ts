/** The decision in one picture: every strategy as a point, total cost per hour against p99 latency. */
import type { TopLevelSpec } from 'vega-lite';
import { base, num, WIDTH } from './common.js';

export interface StrategyPoint {
  label: string;
  p99_ms: number;
  usd_per_hour: number;
  functions_usd: number;
  cluster_usd: number;
}

export function costP99Spec(points: readonly StrategyPoint[]): TopLevelSpec {
  const values = points.map((p) => ({ ...p, p99_ms: num(p.p99_ms), usd_per_hour: num(p.usd_per_hour) }));
  const x = { field: 'usd_per_hour', type: 'quantitative' as const, title: 'total cost (US$ per hour: cluster + functions)', scale: { zero: true } };
  const y = { field: 'p99_ms', type: 'quantitative' as const, title: 'p99 latency (ms, log)', scale: { type: 'log' as const } };
  return {
    ...base('Cost against p99 latency, one point per strategy', 'lower left is better: cheaper and faster'),
    width: WIDTH,
    height: 320,
    data: { values },
    layer: [
      {
        mark: { type: 'point', filled: true, size: 90 },
        encoding: {
          x,
          y,
          color: { field: 'label', type: 'nominal', title: 'strategy' },
          tooltip: [
            { field: 'label', title: 'strategy' },
            { field: 'p99_ms', title: 'p99 ms', format: ',.0f' },
            { field: 'usd_per_hour', title: 'US$/h', format: ',.4f' },
            { field: 'functions_usd', title: 'functions US$', format: ',.4f' },
            { field: 'cluster_usd', title: 'cluster US$', format: ',.4f' },
          ],
        },
      },
      { mark: { type: 'text', dx: 8, align: 'left', fontSize: 12 }, encoding: { x, y, text: { field: 'label' } } },
    ],
  } as TopLevelSpec;
}
