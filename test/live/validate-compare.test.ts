import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/summary.js';
import { compareSummaries, formatComparisonTable, lastResultS, meanAbsError, relativeError } from '../../src/live/validate/compare.js';

function summary(p: Partial<{ emitted: number; end: number; p50: number; p99: number; pending: number; bp: Record<string, number>; share: number; inv: number; cold: number; cost: number }>): RunSummary {
  return {
    spillway_version: '0.1.0',
    scenario: 's',
    policy: 'p',
    params: {},
    seed: 1,
    duration_s: 40,
    end_s: p.end ?? 50,
    drained: true,
    records: { arrived: 1000, emitted: p.emitted ?? 1000, filtered: 0, in_flight: 0, lost: 0, duplicated: 0, results: 8000 },
    latency_ms: { p50: p.p50 ?? 100, p90: 0, p99: p.p99 ?? 1000, p999: 0, max: 0, mean: 0, count: 1000 },
    throughput_rps: 25,
    max_pending_records: p.pending ?? 0,
    backpressured_s: p.bp ?? {},
    vertices: {},
    cost_usd: { total: p.cost ?? 0, requests: 0, duration: 0, provisioned: 0 },
    offload: { records: 0, batches: 0, fallbacks: 0, share: p.share ?? 0 },
    lambda: { invocations: p.inv ?? 0, cold_starts: p.cold ?? 0, throttles: 0, errors: 0, timeouts: 0, max_concurrency: 0 },
    order_violations: 0,
    events_processed: 0,
  };
}

describe('comparison maths', () => {
  it('relative error = (simulated − real) / |real|, with the zero and missing cases', () => {
    expect(relativeError(200, 250)).toBe(0.25);
    expect(relativeError(200, 150)).toBe(-0.25);
    expect(relativeError(-4, -2)).toBe(0.5);
    expect(relativeError(0, 0)).toBe(0);
    expect(relativeError(0, 3)).toBeNull();
    expect(relativeError(null, 3)).toBeNull();
    expect(relativeError(3, NaN)).toBeNull();
  });

  it('compares every metric on a hand example', () => {
    const real = summary({ emitted: 1000, end: 50, p50: 200, p99: 4000, pending: 1000, bp: { source: 6, tokenizer: 4 }, share: 0.4, inv: 100, cold: 10, cost: 0.002 });
    const sim = summary({ emitted: 1000, end: 40, p50: 150, p99: 5000, pending: 1500, bp: { source: 5, tokenizer: 0 }, share: 0.5, inv: 80, cold: 0, cost: 0.003 });
    const rows = compareSummaries(real, sim);
    const by = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(rows.map((r) => r.key)).toEqual([
      'throughput_rps',
      'latency_p50_ms',
      'latency_p99_ms',
      'max_pending_records',
      'backpressured_s',
      'offloaded_share',
      'invocations',
      'cold_starts',
      'cost_usd',
      'time_to_react_s',
    ]);
    expect(by.throughput_rps).toMatchObject({ real: 20, simulated: 25, rel_error: 0.25 });
    expect(by.latency_p50_ms).toMatchObject({ real: 200, simulated: 150, rel_error: -0.25 });
    expect(by.latency_p99_ms).toMatchObject({ real: 4000, simulated: 5000, rel_error: 0.25 });
    expect(by.max_pending_records).toMatchObject({ real: 1000, simulated: 1500, rel_error: 0.5 });
    expect(by.backpressured_s).toMatchObject({ real: 10, simulated: 5, rel_error: -0.5 });
    expect(by.offloaded_share).toMatchObject({ real: 0.4, simulated: 0.5, rel_error: 0.25 });
    expect(by.invocations).toMatchObject({ real: 100, simulated: 80, rel_error: -0.2 });
    expect(by.cold_starts).toMatchObject({ real: 10, simulated: 0, rel_error: -1 });
    expect(by.cost_usd).toMatchObject({ real: 0.002, simulated: 0.003, rel_error: 0.5 });
    // summaries without a flapping block: no time to react on either side
    expect(by.time_to_react_s).toMatchObject({ real: null, simulated: null, rel_error: null });
    // mean of |0.25, -0.25, 0.25, 0.5, -0.5, 0.25, -0.2, -1, 0.5| = 3.7 / 9
    expect(meanAbsError(rows)).toBe(Math.round((3.7 / 9) * 1e4) / 1e4);
    expect(rows[0].calibrated).toBeUndefined();
  });

  it('time to react: both sides shown, no relative error (a difference of times, 0 or negative), not in the mean', () => {
    const flap = (t: number | null) => ({ share_switches_per_min: 0, share_variance: 0, time_to_react_s: t });
    const real = { ...summary({ p50: 200 }), flapping: flap(0.73) };
    const rows = compareSummaries(real, { ...summary({ p50: 100 }), flapping: flap(-0.2) }, { ...summary({ p50: 180 }), flapping: flap(0.5) });
    const row = rows.find((r) => r.key === 'time_to_react_s')!;
    expect(row).toMatchObject({ real: 0.73, simulated: -0.2, rel_error: null, calibrated: 0.5, rel_error_calibrated: null });
    expect(meanAbsError(rows.filter((r) => r.key === 'time_to_react_s'))).toBeNull();
  });

  it('throughput uses the time of the last result when known', () => {
    const ts = { columns: ['t_s', 'emitted_rps'], rows: [[1, 10], [2, 5], [3, 0], [4, 0]] };
    expect(lastResultS(ts)).toBe(2);
    expect(lastResultS({ columns: ['t_s', 'emitted_rps'], rows: [[1, 0]] })).toBeNaN();
    const rows = compareSummaries(summary({ emitted: 1000, end: 50 }), summary({ emitted: 1000, end: 165 }), null, { real: 50, simulated: 40 });
    expect(rows[0]).toMatchObject({ real: 20, simulated: 25, rel_error: 0.25 });
  });

  it('adds the calibrated column and its errors', () => {
    const real = summary({ p50: 200 });
    const rows = compareSummaries(real, summary({ p50: 100 }), summary({ p50: 180 }));
    const p50 = rows.find((r) => r.key === 'latency_p50_ms')!;
    expect(p50).toMatchObject({ real: 200, simulated: 100, rel_error: -0.5, calibrated: 180, rel_error_calibrated: -0.1 });
    const table = formatComparisonTable(rows);
    expect(table.split('\n')[0]).toMatch(/^metric\s+real\s+simulated\s+rel\. error\s+calibrated\s+rel\. error$/);
    expect(table).toMatch(/latency p50 \(ms\)\s+200\s+100\s+-50\.0%\s+180\s+-10\.0%/);
  });

  it('adds the published-model column before the simulated one', () => {
    const real = summary({ p50: 200 });
    const rows = compareSummaries(real, summary({ p50: 100 }), summary({ p50: 180 }), {}, summary({ p50: 50 }));
    const p50 = rows.find((r) => r.key === 'latency_p50_ms')!;
    expect(p50).toMatchObject({ published: 50, rel_error_published: -0.75, simulated: 100, calibrated: 180 });
    const table = formatComparisonTable(rows);
    expect(table.split('\n')[0]).toMatch(/^metric\s+real\s+published\s+rel\. error\s+simulated\s+rel\. error\s+calibrated\s+rel\. error$/);
    expect(table).toMatch(/latency p50 \(ms\)\s+200\s+50\s+-75\.0%\s+100\s+-50\.0%\s+180\s+-10\.0%/);
  });

  it('prints n/a where an error is undefined', () => {
    const table = formatComparisonTable(compareSummaries(summary({ cold: 0 }), summary({ cold: 4 })));
    expect(table).toMatch(/cold starts\s+0\s+4\s+n\/a/);
    expect(table).toMatch(/mean \|rel\. error\|/);
  });
});

describe('how each run ended, in the printed table', () => {
  const undrained = (s: RunSummary, inFlight: number, lost: number): RunSummary => ({ ...s, drained: false, records: { ...s.records, in_flight: inFlight, lost } });

  it('shows drained, in flight and lost under the metrics, never "lost 0" for a run that did not drain', () => {
    const real = summary({});
    const sim = undrained(summary({}), 124619, 0);
    const table = formatComparisonTable(compareSummaries(real, sim), { real, simulated: sim }).split('\n');
    expect(table.slice(-5)).toEqual([
      '--------------------------------------------------  -----  ---------  ----------',
      'drained                                               yes         NO',
      'in flight (records)                                     0    124,619',
      'lost (records)                                          0          –',
      '',
    ]);
  });

  it('shows a loss of an undrained run, and n/a for a column without its run', () => {
    const real = undrained(summary({}), 0, 3);
    const sim = summary({});
    const rows = compareSummaries(real, sim, sim);
    const table = formatComparisonTable(rows, { real, simulated: sim, calibrated: null }).split('\n');
    expect(table.slice(-4, -1)).toEqual([
      'drained                                                NO        yes                     n/a',
      'in flight (records)                                     0          0                     n/a',
      'lost (records)                                          3          0                     n/a',
    ]);
  });
});
