/**
 * Tolerances, floored errors and the verdict (src/live/validate/tolerances.ts); the spreads of --repeat
 * (repeat-stats.ts); the one rule for scenario params against a chosen policy (scenarioPolicyParams).
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, scenarioPolicyParams } from '../../src/experiment/runner.js';
import { getPolicyFactory } from '../../src/policy/registry.js';
import { UserError } from '../../src/util/errors.js';
import { checkRepeat } from '../../src/live/validate/repeat.js';
import { formatSpreadTable, meanRows, spread, spreadRows } from '../../src/live/validate/repeat-stats.js';
import { verdictSection, spreadSection } from '../../src/live/validate/report-sections.js';
import { bandFromSpread, DEFAULT_TOLERANCES, flooredError, headline, judge, loadTolerances, overall, poolSpreads, verdictSentence } from '../../src/live/validate/tolerances.js';
import { tempDir } from '../helpers/tmp.js';

const ROOT = resolve(__dirname, '../..');
const tol = (key: string) => DEFAULT_TOLERANCES.find((t) => t.key === key)!;
const KEYS = ['throughput_rps', 'latency_p50_ms', 'latency_p99_ms', 'max_pending_records', 'backpressured_s', 'offloaded_share', 'invocations', 'cold_starts', 'cost_usd'];

describe('floored errors', () => {
  it('measures against max(|real|, floor), and the share in percentage points', () => {
    // a real max pending of 2 against a simulated 150: 148 / 200 (the floor), not 7,400 %
    expect(flooredError(tol('max_pending_records'), 2, 150)).toBe(0.74);
    expect(flooredError(tol('max_pending_records'), 1000, 1300)).toBe(0.3);
    expect(flooredError(tol('latency_p99_ms'), 5000, 4000)).toBe(-0.2);
    expect(flooredError(tol('latency_p99_ms'), 10, 30)).toBe(0.4); // 20 ms over the 50 ms floor
    expect(flooredError(tol('offloaded_share'), 0.262, 0.335)).toBeCloseTo(7.3, 10);
    expect(flooredError(tol('offloaded_share'), 0.003, 0.17)).toBeCloseTo(16.7, 10);
    expect(flooredError(tol('invocations'), 0, 10)).toBe(0.5);
    expect(flooredError(tol('invocations'), null, 10)).toBeNull();
    expect(flooredError(tol('invocations'), 3, NaN)).toBeNull();
  });
});

describe('the verdict', () => {
  const rows = (over: Record<string, [number | null, number | null]>) =>
    KEYS.map((key) => (key in over ? { key, real: over[key][0], simulated: over[key][1] } : { key, real: 100, simulated: 100 }));

  it('PASS at the tolerance, FAIL just beyond it; the headline is the mean |error| / tolerance', () => {
    const js = judge(rows({ throughput_rps: [1000, 1050], latency_p50_ms: [1000, 1100.01], offloaded_share: [0.2, 0.25] }));
    const by = Object.fromEntries(js.map((j) => [j.key, j]));
    expect(js.map((j) => j.key)).toEqual(['throughput_rps', 'latency_p50_ms', 'latency_p99_ms', 'max_pending_records', 'offloaded_share', 'invocations', 'cost_usd']);
    expect(by.throughput_rps.verdict).toBe('PASS'); // exactly +5 %
    expect(by.latency_p50_ms.verdict).toBe('FAIL'); // +10.001 %
    expect(by.offloaded_share).toMatchObject({ error: 5, verdict: 'PASS' });
    expect(overall(js)).toBe('FAIL');
    // (1 + 1.0001 + 0 + 0 + 1 + 0 + 0) / 7
    expect(headline(js)).toBeCloseTo(3.0001 / 7, 4);
    expect(verdictSentence(js)).toBe('FAIL: 1 of 7 judged metrics outside tolerance (latency_p50_ms); worst latency_p50_ms +10.0% against ±10%; mean error 0.43× tolerance.');
  });

  it('an asymmetric band (below): PASS at either edge, FAIL just beyond; the headline takes the error\'s side', () => {
    const band = [{ key: 'latency_p50_ms', kind: 'relative' as const, tolerance: 2, floor: 50, below: 0.6 }];
    const at = (sim: number) => judge([{ key: 'latency_p50_ms', real: 1000, simulated: sim }], band)[0];
    expect(at(3000)).toMatchObject({ error: 2, below: 0.6, verdict: 'PASS' });
    expect(at(3000.1).verdict).toBe('FAIL');
    expect(at(400)).toMatchObject({ error: -0.6, verdict: 'PASS' });
    expect(at(399.9).verdict).toBe('FAIL');
    // -0.3 against the 0.6 below: half the band; +1 against the 2 above: half too
    expect(headline([at(700), at(2000)])).toBeCloseTo(0.5, 6);
    expect(verdictSentence([at(300)])).toBe('FAIL: 1 of 1 judged metrics outside tolerance (latency_p50_ms); worst latency_p50_ms -70.0% against +200%/-60%; mean error 1.17× tolerance.');
    // symmetric by default: below = tolerance
    expect(judge([{ key: 'latency_p50_ms', real: 1000, simulated: 899 }]).find((j) => j.key === 'latency_p50_ms')).toMatchObject({ below: 0.1, verdict: 'FAIL' });
  });

  it('n/a for a missing side, PASS when every judged metric passes', () => {
    const js = judge(rows({ invocations: [null, 5] }));
    expect(js.find((j) => j.key === 'invocations')!.verdict).toBe('n/a');
    expect(overall(js)).toBe('PASS');
    expect(verdictSentence(js)).toBe('PASS: the simulator is within tolerance on all 6 judged metrics; mean error 0.00× tolerance.');
    expect(overall(judge([]))).toBe('n/a');
  });

  it('the report section lists every judged metric with its verdict', () => {
    const r = rows({ latency_p99_ms: [1000, 2000] });
    const html = verdictSection(judge(r), r.map((x) => ({ ...x, label: x.key, unit: '', rel_error: null })));
    expect(html).toContain('id="validation-errors"');
    expect((html.match(/<tr data-key=/g) ?? []).length).toBe(7);
    expect(html).toMatch(/data-key="latency_p99_ms">.*\+100\.0%.*FAIL/);
  });
});

describe('bands justified by a real spread (bench/validate-tolerances.mjs)', () => {
  it('widen the goal so a simulation within the goal of the real mean passes against every measured run', () => {
    const p50 = { key: 'latency_p50_ms', kind: 'relative' as const, tolerance: 0.1, floor: 50 };
    // above: 1.1 x 4000 / 2000 - 1 = 1.2; below: 1 - 0.9 x 4000 / 8000 = 0.55
    expect(bandFromSpread(p50, { min: 2000, mean: 4000, max: 8000 })).toEqual({ ...p50, tolerance: 1.2, below: 0.55 });
    // a spread inside the goal still widens it a little, rounded up: 1.05 x 1000 / 990 - 1 = 0.0606 -> 0.07; 1 - 0.95 x 1000 / 1010 = 0.0594 -> 0.06
    const tp = { key: 'throughput_rps', kind: 'relative' as const, tolerance: 0.05, floor: 1 };
    expect(bandFromSpread(tp, { min: 990, mean: 1000, max: 1010 })).toEqual({ ...tp, tolerance: 0.07, below: 0.06 });
    // below the floor the floor is the denominator: above max(0.25, 1.25 x 100 / 200 - 1) = 0.25; below 1 - 0.75 x 100 / 300 = 0.75
    const pend = { key: 'max_pending_records', kind: 'relative' as const, tolerance: 0.25, floor: 200 };
    expect(bandFromSpread(pend, { min: 10, mean: 100, max: 300 })).toEqual({ ...pend, tolerance: 0.25, below: 0.75 });
    // points: 5 + 100 x (0.50 - 0.40) = 15 above, 5 + 100 x (0.62 - 0.50) = 17 below
    const share = { key: 'offloaded_share', kind: 'points' as const, tolerance: 5, floor: 0 };
    expect(bandFromSpread(share, { min: 0.4, mean: 0.5, max: 0.62 })).toEqual({ ...share, tolerance: 15, below: 17 });
    expect(bandFromSpread(share, { min: null, mean: null, max: null })).toBeNull();
    // the e2e's files are this rule applied to the measured spreads they quote: p50 on the loaded host 2,785 / 8,085.8 /
    // 18,191 and on the quiet one 1,570 / 1,747.8 / 2,033 (5 runs each) pool to 1,570 / 4,916.8 / 18,191, so above
    // 1.1 x 4916.8 / 1570 - 1 = 2.4449 -> 2.45 and below 1 - 0.9 x 4916.8 / 18191 = 0.7567 -> 0.76
    const e2e = loadTolerances(join(ROOT, 'test', 'e2e', 'tolerances-wait.json'), KEYS);
    const pooled = poolSpreads([{ min: 2785, mean: 8085.8, max: 18191, n: 5 }, { min: 1570, mean: 1747.8, max: 2033, n: 5 }]);
    expect(pooled).toEqual({ min: 1570, mean: 4916.8, max: 18191, n: 10 });
    expect(e2e.find((t) => t.key === 'latency_p50_ms')).toEqual({ ...p50, tolerance: 2.45, below: 0.76 });
    expect(bandFromSpread(p50, pooled)).toEqual({ ...p50, tolerance: 2.45, below: 0.76 });
  });
  it('pools cells: min of the minima, max of the maxima, the mean weighted by runs; a missing side gives nulls', () => {
    // (10 x 3 + 30 x 1) / 4 = 15
    expect(poolSpreads([{ min: 5, mean: 10, max: 12, n: 3 }, { min: 20, mean: 30, max: 40, n: 1 }])).toEqual({ min: 5, mean: 15, max: 40, n: 4 });
    expect(poolSpreads([{ min: 5, mean: 10, max: 12, n: 3 }, { min: null, mean: null, max: null, n: 0 }])).toEqual({ min: null, mean: null, max: null, n: 3 });
    expect(poolSpreads([])).toEqual({ min: null, mean: null, max: null, n: 0 });
  });
});

describe('tolerances files', () => {
  const dir = tempDir('spillway-tol-');
  const file = (name: string, body: string) => {
    const p = join(dir, name);
    writeFileSync(p, body);
    return p;
  };
  it('reads an array of tolerances', () => {
    const p = file('ok.json', JSON.stringify([{ key: 'latency_p99_ms', kind: 'relative', tolerance: 0.3, floor: 100, why: 'real spread' }]));
    expect(loadTolerances(p, KEYS)).toEqual([{ key: 'latency_p99_ms', kind: 'relative', tolerance: 0.3, floor: 100 }]);
    const q = file('band.json', JSON.stringify([{ key: 'latency_p99_ms', kind: 'relative', tolerance: 1.5, below: 0.5, floor: 50 }]));
    expect(loadTolerances(q, KEYS)).toEqual([{ key: 'latency_p99_ms', kind: 'relative', tolerance: 1.5, below: 0.5, floor: 50 }]);
  });
  it.each([
    ['bad.json', '{', /--tolerances .*bad\.json: /],
    ['obj.json', '{}', /expected a non-empty JSON array/],
    ['key.json', '[{"key":"p99","kind":"relative","tolerance":0.2}]', /entry 0: key must be one of/],
    ['kind.json', '[{"key":"invocations","kind":"abs","tolerance":0.2}]', /entry 0 \(invocations\): kind must be/],
    ['neg.json', '[{"key":"invocations","kind":"relative","tolerance":-1}]', /tolerance must be a positive number/],
    ['floor.json', '[{"key":"invocations","kind":"relative","tolerance":0.2,"floor":"x"}]', /floor must be a number >= 0/],
    ['extra.json', '[{"key":"invocations","kind":"relative","tolerance":0.2,"flor":1}]', /unknown field "flor"/],
    ['below.json', '[{"key":"invocations","kind":"relative","tolerance":0.2,"below":0}]', /entry 0 \(invocations\): below must be a positive number/],
  ])('%s is one UserError line', (name, body, msg) => {
    const p = file(name, body);
    expect(() => loadTolerances(p, KEYS)).toThrow(UserError);
    expect(() => loadTolerances(p, KEYS)).toThrow(msg);
  });
  it('--repeat takes 1..50', () => {
    expect(checkRepeat(5)).toBe(5);
    for (const bad of [0, -1, 2.5, 51, NaN, '3']) expect(() => checkRepeat(bad)).toThrow(/--repeat: expected a whole number from 1 to 50/);
  });
});

describe('spreads over repetitions', () => {
  it('min, mean, max per metric, missing values left out; the means are judged', () => {
    expect(spread([3, null, 1, 2, NaN])).toEqual({ min: 1, mean: 2, max: 3, n: 3 });
    expect(spread([null])).toEqual({ min: null, mean: null, max: null, n: 0 });
    const rep = (real: number, sim: number) => [{ key: 'latency_p99_ms', label: 'latency p99', unit: 'ms', real, simulated: sim, rel_error: null }];
    const rows = spreadRows([rep(1000, 900), rep(3000, 1100), rep(2000, 1000)]);
    expect(rows).toEqual([
      { key: 'latency_p99_ms', label: 'latency p99', unit: 'ms', real: { min: 1000, mean: 2000, max: 3000, n: 3 }, simulated: { min: 900, mean: 1000, max: 1100, n: 3 } },
    ]);
    expect(meanRows(rows)).toEqual([{ key: 'latency_p99_ms', real: 2000, simulated: 1000 }]);
    const js = judge(meanRows(rows));
    expect(js.find((j) => j.key === 'latency_p99_ms')).toMatchObject({ error: -0.5, verdict: 'FAIL' });
    expect(spreadSection(rows, js)).toMatch(/1,000 \/ 2,000 \/ 3,000.*900 \/ 1,000 \/ 1,100.*-50\.0%.*FAIL/);
  });
});

describe('scenario params against a chosen policy (one rule: simulate, sweep, validate)', () => {
  const s = loadScenario(join(ROOT, 'test', 'e2e', 'validate-spike.json')); // target-lag with target=500
  it('the scenario\'s params apply to its own policy only', () => {
    expect(scenarioPolicyParams(s, getPolicyFactory('target-lag')).target).toBe(500);
    expect(scenarioPolicyParams(s, getPolicyFactory('target-lag'), { target: 800 }).target).toBe(800);
    const th = getPolicyFactory('threshold');
    expect(() => scenarioPolicyParams(s, th)).not.toThrow();
    expect(scenarioPolicyParams(s, th)).not.toHaveProperty('target');
    expect(scenarioPolicyParams(s, th, { onThreshold: 800 }).onThreshold).toBe(800);
  });
});

describe('the policy signals, real vs simulated', () => {
  const ts = (rows: number[][]) => ({ columns: ['t_s', 'pending_records', 'busy_ms_per_s', 'backpressured_ms_per_s', 'decision_share'], rows });
  it('peaks per signal, and a trigger that fired on one side only is flagged', async () => {
    const { compareSignals, signalDefs, signalsChart } = await import('../../src/live/validate/signals.js');
    const defs = signalDefs('tok');
    const real = ts([[1, 0, 300, 0, 0], [2, 900, 1000, 0, 0.2], [3, 100, 1000, 0, 0.1]]);
    const simNever = ts([[1, 0, 300, 0, 0], [2, 400, 790, 0, 0], [3, 0, 820, 0, 0]]);
    const c = compareSignals(real, simNever, defs);
    expect(c.signals[0]).toEqual({ name: 'pending records (source backlog)', unit: 'records', real_peak: 900, real_peak_t_s: 2, simulated_peak: 400, simulated_peak_t_s: 2 });
    expect(c.signals[1]).toMatchObject({ real_peak: 1000, real_peak_t_s: 2, simulated_peak: 820, simulated_peak_t_s: 3 });
    expect(c.trigger).toEqual({ real_first_on_s: 2, simulated_first_on_s: null, one_sided: true });
    expect(c.warning).toMatch(/fired on the real side only \(first share > 0 at 2 s\)/);
    const both = compareSignals(real, real, defs);
    expect(both.trigger.one_sided).toBe(false);
    expect(both.warning).toBeNull();
    const chart = signalsChart([{ label: 'real', ts: real }, { label: 'simulated', ts: simNever }], defs, c);
    expect(chart.name).toBe('signals');
    expect((chart.spec as unknown as { data: { values: unknown[] } }).data.values).toHaveLength(24);
  });

  it('both sides read the same quantities from their snapshots: the simulated policy is recorded as the live one is read', async () => {
    const { recordingFactory, signalRow, signalsCsv, signalSeries } = await import('../../src/live/validate/signals.js');
    const agg = (v: number) => ({ min: v / 2, max: v, avg: (3 * v) / 4, sum: 2 * v });
    const snap = (tMs: number, pending: number, busy: number) => ({
      tMs,
      receivedMs: tMs,
      windowMs: 5000,
      vertices: [
        { id: 'src', parallelism: 1, metrics: { pendingRecords: agg(pending) } },
        { id: 'tok', parallelism: 2, metrics: { busyTimeMsPerSecond: agg(busy), backPressuredTimeMsPerSecond: agg(10) } },
      ],
      offload: [],
    }) as unknown as import('../../src/policy/contract.js').MetricsSnapshot;
    const roles = { source: 'src', tokenizer: 'tok', point: 'p' };
    // pendingRecords: the sum (2 x 300); time gauges: the max over subtasks (the policies' readers)
    expect(signalRow(4, snap(4000, 300, 800), roles, 0.25)).toEqual([4, 600, 800, 10, 0.25]);
    // a policy that offloads 0.5 from t = 2 s and sends nothing for the point at t = 3 s: the share is kept
    const inner = { name: 'fake', description: '', params: [], create: () => ({ name: 'fake', decide: (s: { tMs: number }) => ({ points: s.tMs === 1000 ? { p: { share: 0, batchRecords: 1, maxWaitMs: 1, maxInFlight: 1 } } : s.tMs === 2000 ? { p: { share: 0.5, batchRecords: 1, maxWaitMs: 1, maxInFlight: 1 } } : {} }) }) };
    const rows: number[][] = [];
    const f = recordingFactory(inner as never, roles, rows);
    const policy = f.create({}, {} as never);
    for (const [t, p, b] of [[1000, 0, 300], [2000, 700, 1000], [3000, 100, 900]]) policy.decide(snap(t, p, b));
    expect(rows).toEqual([[1, 0, 300, 10, 0], [2, 1400, 1000, 10, 0.5], [3, 200, 900, 10, 0.5]]);
    expect(f.name).toBe('fake');
    const csv = signalsCsv(signalSeries([[1, NaN, 300, 10, 0]]));
    expect(csv).toBe('t_s,pending_records,busy_ms_per_s,backpressured_ms_per_s,decision_share\n1,,300,10,0\n');
  });
});

describe('work mode defaults', () => {
  it('wait for a local MiniCluster with the local endpoint, cpu for AWS or a remote cluster; the model follows', async () => {
    const { defaultWorkMode, localEndpointModelPath } = await import('../../src/live/validate/options.js');
    expect(defaultWorkMode('local', 'local')).toBe('wait');
    expect(defaultWorkMode('aws', 'local')).toBe('cpu');
    expect(defaultWorkMode('local', 'http://jm:8081')).toBe('cpu');
    expect(localEndpointModelPath('wait')).toBe(join(ROOT, 'models', 'local-endpoint-wait.json'));
    expect(localEndpointModelPath('cpu')).toBe(join(ROOT, 'models', 'local-endpoint.json'));
  });
});

describe('how the repetitions ended, in the spread table', () => {
  const ended = (drained: boolean, inFlight: number, lost: number) =>
    ({ drained, records: { in_flight: inFlight, lost } }) as unknown as import('../../src/metrics/summary.js').RunSummary;

  it('shows drained of N, the most in flight and lost; "–", never "lost 0", when a repetition did not drain', () => {
    const rows = spreadRows([[{ key: 'latency_p99_ms', label: 'latency p99', unit: 'ms', real: 200, simulated: 210, rel_error: 0.05 }]]);
    const table = formatSpreadTable(rows, [
      { real: ended(true, 0, 0), simulated: ended(true, 0, 0) },
      { real: ended(true, 0, 0), simulated: ended(false, 4210, 0) },
    ]);
    expect(table).toBe(
      [
        'metric                    real min / mean / max  simulated min / mean / max',
        '------------------------  ---------------------  --------------------------',
        'latency p99 (ms)                200 / 200 / 200             210 / 210 / 210',
        '------------------------  ---------------------  --------------------------',
        'drained                                     2/2                      1/2 NO',
        'in flight (records, max)                      0                        4210',
        'lost (records)                                0                           –',
        '',
      ].join('\n'),
    );
  });
});
