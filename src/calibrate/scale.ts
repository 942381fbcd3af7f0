/** Rescaling a duration distribution by a factor (every family the project has is a scale family). */
import { specMean, type ShiftedSpec } from '../engine/distributions.js';
import { sig } from './families.js';

/** The same shape with every duration multiplied by k > 0 (the mean scales by k, the CV is unchanged). */
export function scaleSpec(spec: ShiftedSpec, k: number): ShiftedSpec {
  const r = (x: number): number => sig(x * k);
  let out: ShiftedSpec;
  switch (spec.type) {
    case 'deterministic':
      out = { type: 'deterministic', value: r(spec.value) };
      break;
    case 'exponential':
      out = { type: 'exponential', mean: r(spec.mean) };
      break;
    case 'lognormal':
      out =
        'mu' in spec
          ? { type: 'lognormal', mu: sig(spec.mu + Math.log(k)), sigma: spec.sigma }
          : 'median' in spec
            ? { type: 'lognormal', median: r(spec.median), sigma: spec.sigma }
            : { type: 'lognormal', mean: r(spec.mean), cv: spec.cv };
      break;
    case 'gamma':
      out = 'scale' in spec ? { type: 'gamma', shape: spec.shape, scale: r(spec.scale) } : { type: 'gamma', shape: spec.shape, mean: r(spec.mean) };
      break;
    case 'erlang':
      out = { type: 'erlang', k: spec.k, mean: r(spec.mean) };
      break;
    case 'weibull':
      out = { type: 'weibull', shape: spec.shape, scale: r(spec.scale) };
      break;
    case 'uniform':
      out = { type: 'uniform', min: r(spec.min), max: r(spec.max) };
      break;
    case 'normal':
      out = { type: 'normal', mean: r(spec.mean), sd: r(spec.sd) };
      break;
    case 'empirical':
      out = { type: 'empirical', quantiles: spec.quantiles.map(([p, v]) => [p, r(v)] as [number, number]) };
      break;
  }
  if (spec.shift) out.shift = r(spec.shift);
  return out;
}

/** `spec` rescaled so that its mean is `mean`. */
export function withMean(spec: ShiftedSpec, mean: number): ShiftedSpec {
  const m = specMean(spec);
  if (!(m > 0)) return { type: 'deterministic', value: sig(mean) };
  return scaleSpec(spec, mean / m);
}
