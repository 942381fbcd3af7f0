import { describe, expect, it } from 'vitest';
import { generateTrace, mmppStationaryMean, nexmarkSteps, parseParamArgs, resolveParams } from '../../src/workload/generate.js';
import { traceStats } from '../../src/workload/stats.js';
import type { RateTrace } from '../../src/workload/types.js';
import { UserError } from '../../src/util/errors.js';

/** Rate at time t (s) of a rate trace. */
function rateAt(tr: RateTrace, t: number): number {
  let i = 0;
  while (i + 1 < tr.tS.length && tr.tS[i + 1] <= t) i++;
  return tr.rate[i];
}

function total(tr: RateTrace): number {
  return traceStats(tr).totalRecords;
}

describe('generators: statistics match their parameters', () => {
  it('steady', () => {
    const tr = generateTrace('steady', { rate: '5000', duration_s: '600', step_s: '10' });
    expect(tr.tS.length).toBe(60);
    expect(tr.endS).toBe(600);
    const s = traceStats(tr);
    expect(s.meanRate).toBe(5000);
    expect(s.peakRate).toBe(5000);
  });

  it('step: base before at_s, level after, back to base at back_s', () => {
    const tr = generateTrace('step', { base: 1000, level: 4000, at_s: 100, back_s: 250, duration_s: 400 });
    expect(rateAt(tr, 99.5)).toBe(1000);
    expect(rateAt(tr, 100)).toBe(4000);
    expect(rateAt(tr, 249)).toBe(4000);
    expect(rateAt(tr, 250)).toBe(1000);
    expect(total(tr)).toBe(1000 * 400 + 3000 * 150);
  });

  it('step not on the grid: the straddling step holds the exact average', () => {
    const tr = generateTrace('step', { base: 0, level: 100, at_s: 10.25, duration_s: 20, step_s: 1 });
    expect(rateAt(tr, 10)).toBeCloseTo(75, 9);
    expect(total(tr)).toBeCloseTo(100 * 9.75, 6);
  });

  it('spike: peak, base, ramp, and records = base·T + (peak−base)·(hold + rise/2 + decay/2)', () => {
    const tr = generateTrace('spike', {});
    const s = traceStats(tr);
    expect(s.durationS).toBe(600);
    expect(s.peakRate).toBe(12000);
    expect(s.medianRate).toBe(2000);
    expect(s.totalRecords).toBeCloseTo(2000 * 600 + 10000 * (100 + 5 + 5), 6);
    expect(rateAt(tr, 239)).toBe(2000);
    expect(rateAt(tr, 245)).toBeCloseTo(2000 + 10000 * 0.55, 9); // average of the ramp over [245, 246]
    expect(rateAt(tr, 300)).toBe(12000);
    expect(rateAt(tr, 361)).toBe(2000);
    expect(s.bursts.count).toBe(1);
  });

  it('spikes: one episode per period, exact records without jitter', () => {
    const tr = generateTrace('spikes', { base: 1000, peak: 5000, first_s: 60, every_s: 200, rise_s: 10, hold_s: 20, decay_s: 10, duration_s: 1000 });
    const s = traceStats(tr);
    expect(s.bursts.count).toBe(5); // starts at 60, 260, 460, 660, 860
    expect(s.totalRecords).toBeCloseTo(1000 * 1000 + 5 * 4000 * (20 + 5 + 5), 6);
  });

  it('spikes with jitter are seeded: same seed, same trace; another seed, another', () => {
    const p = { jitter_s: 20, peak_jitter: 0.3 };
    const a = generateTrace('spikes', p, 7);
    const b = generateTrace('spikes', p, 7);
    const c = generateTrace('spikes', p, 8);
    expect(Array.from(a.rate)).toEqual(Array.from(b.rate));
    expect(Array.from(a.rate)).not.toEqual(Array.from(c.rate));
    expect(traceStats(a).peakRate).toBeLessThanOrEqual(10000 * 1.3);
  });

  it('diurnal without noise: exact mean over whole periods, peak and trough', () => {
    const tr = generateTrace('diurnal', { mean: 5000, amplitude: 0.6, period_s: 600, noise: 0, duration_s: 1800, step_s: 1 });
    const s = traceStats(tr);
    expect(s.meanRate).toBeCloseTo(5000, 6);
    expect(s.peakRate).toBeLessThanOrEqual(8000);
    expect(s.peakRate).toBeGreaterThan(7999);
    expect(rateAt(tr, 0)).toBeLessThan(2001); // starts at the trough
    expect(rateAt(tr, 300)).toBeGreaterThan(7999);
  });

  it('diurnal noise keeps the mean within a few standard errors', () => {
    const tr = generateTrace('diurnal', { mean: 5000, amplitude: 0.5, period_s: 600, noise: 0.1, duration_s: 6000, step_s: 5 }, 3);
    // 1200 steps, each with sd ≤ 0.1·7500: se of the mean ≤ 750/√1200 ≈ 22; allow 5 se.
    expect(Math.abs(traceStats(tr).meanRate - 5000)).toBeLessThan(110);
  });

  it('mmpp: long-run mean matches the stationary mean Σ r·s / Σ s within a 99.9% confidence interval', () => {
    const rates = [1000, 4000, 12000];
    const soj = [120, 60, 20];
    const expected = mmppStationaryMean(rates, soj); // 3000
    expect(expected).toBe(3000);
    // Independent replications (stationary start, so each replication mean is unbiased); the CI of their mean
    // uses the sample standard deviation: |x̄ − μ| < 3.29·sd/√n holds with probability 0.999.
    const n = 40;
    const means: number[] = [];
    for (let r = 0; r < n; r++) {
      const tr = generateTrace('mmpp', { rates: rates.join(','), sojourns_s: soj.join(','), duration_s: 20000, step_s: 10 }, 1000 + r);
      means.push(traceStats(tr).meanRate);
    }
    const m = means.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(means.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
    const halfWidth = (3.29 * sd) / Math.sqrt(n);
    expect(Math.abs(m - expected)).toBeLessThan(halfWidth);
    expect(halfWidth).toBeLessThan(0.05 * expected); // and the interval is narrow enough to mean something
  });

  it('mmpp rates only take the state values (1 s steps straddle changes)', () => {
    const tr = generateTrace('mmpp', { rates: '10,20', sojourns_s: '5,5', duration_s: 100, step_s: 1, start_state: 0 }, 2);
    for (const r of tr.rate) expect(r >= 10 && r <= 20).toBe(true);
    expect(tr.rate[0] === 10 || tr.rate[0] > 10).toBe(true);
  });

  it('nexmark default: 10,000 events/s flat', () => {
    const s = traceStats(generateTrace('nexmark', {}));
    expect(s.meanRate).toBe(10000);
    expect(s.peakRate).toBe(10000);
    expect(s.durationS).toBe(600);
  });

  it('nexmark square: first rate for half the period, next rate for the other half (whole seconds)', () => {
    const tr = generateTrace('nexmark', { first_rate: 10000, next_rate: 20000, shape: 'square', period_s: 100, duration_s: 200 });
    expect(rateAt(tr, 0)).toBe(10000);
    expect(rateAt(tr, 49)).toBe(10000);
    expect(rateAt(tr, 50)).toBe(20000);
    expect(rateAt(tr, 100)).toBe(10000);
    expect(rateAt(tr, 150)).toBe(20000);
  });

  it("nexmark sine: ten steps of mid + amp·cos(2πi/10), through Nexmark's integer µs periods", () => {
    const steps = nexmarkSteps(10000, 30000, 'sine');
    expect(steps.length).toBe(10);
    expect(steps[0]).toBe(10000); // 100 µs
    expect(steps[5]).toBeCloseTo(1e6 / 33, 9); // 30,000/s → (1e6 + 15000) / 30000 = 33 µs
    const tr = generateTrace('nexmark', { first_rate: 10000, next_rate: 30000, shape: 'sine', period_s: 300, duration_s: 600 });
    expect(tr.tS.length).toBe(20); // step length ceil(300/10) = 30 s
    expect(tr.rate[5]).toBeCloseTo(1e6 / 33, 9);
  });

  it("ysb: one event every floor(1e9/rate) ns", () => {
    const s = traceStats(generateTrace('ysb', { rate: 3000 }));
    expect(s.meanRate).toBeCloseTo(1e9 / 333333, 9);
    expect(s.durationS).toBe(240);
  });

  it('refuses unknown kinds, unknown parameters and bad numbers', () => {
    expect(() => generateTrace('nope')).toThrow(UserError);
    expect(() => resolveParams('spike', { peek: '1' })).toThrow('trace gen spike: unknown parameter "peek"');
    expect(() => resolveParams('spike', { peak: 'lots' })).toThrow('trace gen spike: peak: not a number: "lots"');
    expect(() => generateTrace('spike', { base: -1 })).toThrow('trace gen spike: base must be ≥ 0');
    expect(() => generateTrace('steady', { duration_s: 15, step_s: 10 })).toThrow(UserError);
    expect(() => parseParamArgs(['x'])).toThrow('trace gen: --param must be k=v, got "x"');
    expect(parseParamArgs(['a=1', 'rates=1,2'])).toEqual({ a: '1', rates: '1,2' });
  });
});
