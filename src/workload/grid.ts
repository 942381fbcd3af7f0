/**
 * Building rate traces on a regular grid of steps, from a rate shape given by its average over an interval.
 *
 * Generators write one row per step, every step the same length, so a trace file read back without a
 * scenario duration ends exactly where it was generated to end (the parser's "one more median step" rule).
 * Each row holds the shape's exact average over its step, so the trace carries exactly the shape's records.
 */
import type { RateTrace } from './types.js';
import { UserError } from '../util/errors.js';

/** Number of whole steps in a duration; a duration that is not a whole number of steps is a user mistake. */
export function stepCount(durationS: number, stepS: number, what: string): number {
  if (!(durationS > 0 && Number.isFinite(durationS))) throw new UserError(`${what}: duration_s must be positive, got ${durationS}`);
  if (!(stepS > 0 && Number.isFinite(stepS))) throw new UserError(`${what}: step_s must be positive, got ${stepS}`);
  const n = Math.round(durationS / stepS);
  if (n < 2 || Math.abs(n * stepS - durationS) > 1e-9 * durationS) {
    throw new UserError(`${what}: duration_s (${durationS}) must be at least two whole steps of step_s (${stepS})`);
  }
  return n;
}

/** A trace of n steps of stepS, row i holding `average(i·stepS, (i+1)·stepS)`. */
export function gridTrace(
  source: string,
  durationS: number,
  stepS: number,
  average: (a: number, b: number, i: number) => number,
): RateTrace {
  const n = stepCount(durationS, stepS, source);
  const tS = new Float64Array(n);
  const rate = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // i·step rounded to 1e-9 s so that 0.1-second grids do not print as 0.30000000000000004.
    tS[i] = Math.round(i * stepS * 1e9) / 1e9;
    const b = i + 1 === n ? durationS : Math.round((i + 1) * stepS * 1e9) / 1e9;
    rate[i] = Math.max(0, average(tS[i], b, i));
  }
  return { kind: 'rate', source, tS, rate, endS: durationS };
}

/**
 * A piecewise-linear rate shape through knots (t, r), t non-decreasing; two knots at the same t make a jump.
 * Before the first knot and after the last the rate is held flat.
 */
export class PiecewiseLinear {
  constructor(
    readonly t: number[],
    readonly r: number[],
  ) {
    for (let i = 1; i < t.length; i++) if (t[i] < t[i - 1]) throw new UserError(`shape knots out of order at ${t[i]} s`);
  }

  /** ∫ rate dt over [a, b]. */
  integral(a: number, b: number): number {
    const { t, r } = this;
    const n = t.length;
    let sum = 0;
    if (a < t[0]) sum += r[0] * (Math.min(b, t[0]) - a);
    if (b > t[n - 1]) sum += r[n - 1] * (b - Math.max(a, t[n - 1]));
    for (let i = 1; i < n; i++) {
      const t0 = t[i - 1];
      const t1 = t[i];
      if (t1 <= t0) continue;
      const lo = Math.max(a, t0);
      const hi = Math.min(b, t1);
      if (hi <= lo) continue;
      const slope = (r[i] - r[i - 1]) / (t1 - t0);
      const rLo = r[i - 1] + slope * (lo - t0);
      const rHi = r[i - 1] + slope * (hi - t0);
      sum += ((rLo + rHi) / 2) * (hi - lo);
    }
    return sum;
  }

  average(a: number, b: number): number {
    return this.integral(a, b) / (b - a);
  }
}
