/** (g) Decisions: the share sent, and the signals and thresholds the policy read, one panel each, over time. */
import type { TopLevelSpec } from 'vega-lite';
import type { DecisionPoint } from '../decisions.js';
import { base, WIDTH } from './common.js';

export function decisionsSpec(points: readonly DecisionPoint[], policy: string): TopLevelSpec {
  const keys: string[] = [];
  for (const p of points) if (!keys.includes(p.key)) keys.push(p.key);
  return {
    ...base(`Decisions of ${policy}`, 'share sent, and each number the policy reported reading (signals, estimates, thresholds); own y scale per panel'),
    data: { values: points.map((p) => ({ ...p })) },
    facet: { row: { field: 'key', type: 'nominal', title: null, sort: keys, header: { labelAngle: 0, labelAlign: 'left', labelLimit: 170 } } },
    spec: {
      width: WIDTH,
      height: 60,
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.4, clip: true },
      encoding: {
        x: { field: 't_s', type: 'quantitative', title: 'time (s)', scale: { zero: false, nice: false } },
        y: { field: 'value', type: 'quantitative', title: null, axis: { tickCount: 3 } },
        color: { condition: { test: "datum.key === 'share'", value: '#ff7f0e' }, value: '#4c78a8' },
      },
    },
    resolve: { scale: { y: 'independent' } },
  } as TopLevelSpec;
}
