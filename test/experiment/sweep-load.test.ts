import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweep } from '../../src/experiment/sweep/load.js';
import { UserError } from '../../src/util/errors.js';
import { BASE_SWEEP, scratch, writeSweep } from './sweep-helpers.js';

function messageFor(sweep: unknown): string {
  const dir = scratch();
  const file = writeSweep(dir, sweep, 'bad-sweep.json');
  try {
    loadSweep(file);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message.replace(file, 'bad-sweep.json');
  }
  throw new Error('expected a UserError');
}

const withField = (patch: Record<string, unknown>): unknown => ({ ...BASE_SWEEP, ...patch });

describe('loadSweep', () => {
  it('loads a good file: seeds count, default metrics plus objective ones, absolute paths', () => {
    const dir = scratch();
    const spec = loadSweep(writeSweep(dir, { ...BASE_SWEEP, metrics: ['cold_starts'] }));
    expect(spec.seeds).toEqual([1, 2, 3]);
    expect(spec.mode).toBe('grid');
    expect(spec.scenario).toBe(join(dir, 'scenario.json'));
    expect(spec.traces).toEqual([join(dir, 'trace.csv'), join(dir, 'trace2.csv')]);
    expect(spec.metrics).toEqual([
      'latency_p99_ms',
      'latency_p50_ms',
      'cost_usd',
      'cost_usd_per_hour',
      'max_pending_records',
      'throughput_rps',
      'share_switches_per_min',
      'share_variance',
      'time_to_react_s',
      'cold_starts',
    ]);
    expect(spec.objective).toEqual(BASE_SWEEP.objective);
  });

  it('seeds as a list, default objective', () => {
    const dir = scratch();
    const { objective, ...rest } = BASE_SWEEP;
    void objective;
    const spec = loadSweep(writeSweep(dir, { ...rest, seeds: [7, 3] }));
    expect(spec.seeds).toEqual([7, 3]);
    expect(spec.objective).toEqual({ minimize: 'latency_p99_ms' });
  });

  it.each([
    ['not JSON', '{ "name": ', /^bad-sweep\.json:1:11: not valid JSON: expected a value, found the end of the file$/],
  ])('%s', (_label, text, re) => {
    expect(messageFor(text)).toMatch(re);
  });

  it.each<[string, unknown, string]>([
    ['a missing field', (({ scenario, ...r }) => (void scenario, r))(BASE_SWEEP), 'bad-sweep.json: scenario: is required'],
    [
      'an unknown field',
      withField({ sede: 3 }),
      'bad-sweep.json: sede: is not a known field (known: name, description, scenario, traces, seeds, mode, samples, sample_seed, duration_s, policies, objective, metrics)',
    ],
    ['a wrong type', withField({ name: 5 }), 'bad-sweep.json: name: must be a string, got 5'],
    ['a bad mode', withField({ mode: 'exhaustive' }), 'bad-sweep.json: mode: must be one of "grid", "random", got "exhaustive"'],
    ['a missing scenario file', withField({ scenario: 'nope.json' }), 'bad-sweep.json: scenario: file not found: nope.json (relative to the sweep file)'],
    ['a missing trace', withField({ traces: ['trace.csv', 'gone.csv'] }), 'bad-sweep.json: traces[1]: file not found: gone.csv (relative to the sweep file)'],
    ['a zero seed count', withField({ seeds: 0 }), 'bad-sweep.json: seeds: a count of seeds must be >= 1, got 0'],
    ['a repeated seed', withField({ seeds: [1, 2, 1] }), 'bad-sweep.json: seeds[2]: lists 1 twice'],
    ['a fractional seed', withField({ seeds: [1, 2.5] }), 'bad-sweep.json: seeds[1]: must be an integer from 0 to 4294967295, got 2.5'],
    ['seeds of the wrong type', withField({ seeds: 'three' }), 'bad-sweep.json: seeds: must be an integer or an array, got "three"'],
    ['random without samples', withField({ mode: 'random' }), 'bad-sweep.json: samples: is required when mode is "random"'],
    ['samples in grid mode', withField({ samples: 4 }), 'bad-sweep.json: samples: is only allowed when mode is "random"'],
    ['no policies', withField({ policies: [] }), 'bad-sweep.json: policies: must not be empty'],
    [
      'an unknown policy',
      withField({ policies: [{ name: 'magic' }] }),
      'bad-sweep.json: policies[0].name: unknown policy "magic"; built-in policies: backpressure, static, threshold, target-lag, predictive, feed-forward, budget, autoscaler, burst+autoscale, slo-burst',
    ],
    [
      'an unknown parameter',
      withField({ policies: [{ name: 'static', params: { shares: [0.5] } }] }),
      'bad-sweep.json: policies[0].params.shares[0]: policy "static": unknown parameter "shares"; known parameters: signal, threshold, share, upstreamVertex, batchRecords, maxWaitMs, maxInFlight',
    ],
    [
      'a parameter value out of range',
      withField({ policies: [{ name: 'static', params: { share: [0.5, 1.5] } }] }),
      'bad-sweep.json: policies[0].params.share[1]: policy "static": parameter "share": given 1.5, allowed: a number from 0 to 1',
    ],
    ['parameter values not a list', withField({ policies: [{ name: 'static', params: { share: 0.5 } }] }), 'bad-sweep.json: policies[0].params.share: must be an array, got 0.5'],
    ['an empty value list', withField({ policies: [{ name: 'static', params: { share: [] } }] }), 'bad-sweep.json: policies[0].params.share: must not be empty'],
    [
      'a repeated value',
      withField({ policies: [{ name: 'static', params: { share: [0.3, 0.5, 0.3] } }] }),
      'bad-sweep.json: policies[0].params.share: lists 0.3 twice (items 2 and 0)',
    ],
    [
      'an unknown objective metric',
      withField({ objective: { minimize: 'latency_p42_ms' } }),
      'bad-sweep.json: objective.minimize: unknown metric "latency_p42_ms"; known metrics: latency_p50_ms, latency_p90_ms, latency_p99_ms, latency_p999_ms, latency_max_ms, latency_mean_ms, cost_usd, cost_usd_per_hour, max_pending_records, throughput_rps, offload_share, offloaded_records, fallbacks, cold_starts, throttles, max_concurrency, end_s, lost, in_flight_records, duplicated, order_violations, functions_cost_usd, cluster_cost_usd, rescales, downtime_s, share_switches_per_min, share_variance, time_to_react_s',
    ],
    ['two objectives', withField({ objective: { minimize: 'cost_usd', weighted: { cost_usd: 1 } } }), 'bad-sweep.json: objective: gives both "minimize" and "weighted"; give exactly one'],
    ['no objective kind', withField({ objective: { subject_to: {} } }), 'bad-sweep.json: objective: needs one of "minimize", "maximize" or "weighted"'],
    ['a bad weight', withField({ objective: { weighted: { cost_usd: 'lots' } } }), 'bad-sweep.json: objective.weighted.cost_usd: weight must be a number, got "lots"'],
    [
      'a constraint without a bound',
      withField({ objective: { minimize: 'latency_p99_ms', subject_to: { cost_usd_per_hour: {} } } }),
      'bad-sweep.json: objective.subject_to.cost_usd_per_hour: needs "min" or "max"',
    ],
    [
      'a constraint with an unknown bound',
      withField({ objective: { minimize: 'latency_p99_ms', subject_to: { cost_usd_per_hour: { below: 2 } } } }),
      'bad-sweep.json: objective.subject_to.cost_usd_per_hour.below: is not a known field (known: min, max)',
    ],
    [
      'an unknown aggregated metric',
      withField({ metrics: ['cold_starts', 'warmth'] }),
      'bad-sweep.json: metrics[1]: unknown metric "warmth"; known metrics: latency_p50_ms, latency_p90_ms, latency_p99_ms, latency_p999_ms, latency_max_ms, latency_mean_ms, cost_usd, cost_usd_per_hour, max_pending_records, throughput_rps, offload_share, offloaded_records, fallbacks, cold_starts, throttles, max_concurrency, end_s, lost, in_flight_records, duplicated, order_violations, functions_cost_usd, cluster_cost_usd, rescales, downtime_s, share_switches_per_min, share_variance, time_to_react_s',
    ],
    ['a non-positive duration', withField({ duration_s: 0 }), 'bad-sweep.json: duration_s: must be > 0, got 0'],
    ['a top-level array', [], 'bad-sweep.json: must be a JSON object, got an array'],
  ])('rejects %s with an exact message', (_label, sweep, message) => {
    expect(messageFor(sweep)).toBe(message);
  });

  it('names a missing sweep file', () => {
    expect(() => loadSweep('/nonexistent/dir/x-sweep.json')).toThrow(new UserError('/nonexistent/dir/x-sweep.json: file not found'));
  });
});
