import { existsSync, readFileSync, readdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweep } from '../../src/experiment/sweep/load.js';
import { runSweep } from '../../src/experiment/sweep/run.js';
import { InProcessExecutor } from '../../src/experiment/sweep/executor.js';
import { UserError } from '../../src/util/errors.js';
import { BASE_SWEEP, fakeExecutor, fakeRunFn, read, scratch, writeSweep } from './sweep-helpers.js';

const OUTPUTS = ['results.json', 'results.csv'];

function cdfFiles(out: string): Record<string, string> {
  const dir = join(out, 'cdf');
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

describe('runSweep with the in-process executor and the fake runner', () => {
  it('writes results.json in the agreed shape, results.csv, runs.jsonl and cdf/', async () => {
    const dir = scratch();
    const spec = loadSweep(writeSweep(dir, BASE_SWEEP));
    const out = join(dir, 'out');
    const outcome = await runSweep(spec, { out, executor: fakeExecutor() });
    expect(outcome).toMatchObject({ complete: true, interrupted: false, total: 42, skipped: 0, ran: 42, failed: [] });
    const results = JSON.parse(read(out, 'results.json'));
    expect(Object.keys(results)).toEqual(['sweep', 'objective', 'rows']);
    expect(results.sweep).toBe('fixture');
    expect(results.objective).toEqual(BASE_SWEEP.objective);
    expect(results.rows).toHaveLength(14);
    const first = results.rows[0];
    expect(Object.keys(first)).toEqual(['id', 'policy', 'params', 'trace', 'n', 'metrics', 'endings', 'rank', 'pareto', 'feasible', 'score']);
    expect(Object.keys(first.metrics)).toEqual([
      'latency_p99_ms',
      'latency_p50_ms',
      'cost_usd',
      'cost_usd_per_hour',
      'max_pending_records',
      'throughput_rps',
      'share_switches_per_min',
      'share_variance',
      'time_to_react_s',
    ]);
    expect(Object.keys(first.metrics.latency_p99_ms)).toEqual(['mean', 'ci95']);
    expect(results.rows.map((r: { rank: number }) => r.rank)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    expect(first.n).toBe(3);
    // Fake runner: p99 falls with share, cost rises with it (0.05 $/min per unit share ≈ 3 $/h): share 0.7 costs
    // ~2.1 $/h > 2.0 on trace.csv, so the best feasible row is share 0.5 on the light trace.
    expect(first).toMatchObject({ policy: 'static', params: { share: 0.5 }, trace: 'trace.csv', feasible: true });
    expect(first.score).toBe(first.metrics.latency_p99_ms.mean);
    const infeasible = results.rows.filter((r: { feasible: boolean }) => !r.feasible);
    expect(infeasible.length).toBeGreaterThan(0);
    const firstInfeasible = results.rows.findIndex((r: { feasible: boolean }) => !r.feasible);
    expect(results.rows.slice(firstInfeasible).every((r: { feasible: boolean }) => !r.feasible)).toBe(true);
    expect(results.rows.some((r: { pareto: boolean }) => r.pareto)).toBe(true);

    const lines = read(out, 'runs.jsonl').trim().split('\n');
    expect(lines).toHaveLength(42);
    const rec = JSON.parse(lines[0]);
    expect(Object.keys(rec)).toEqual(['id', 'config_id', 'policy', 'params', 'trace', 'seed', 'metrics', 'summary', 'wall_ms', 'latency_cdf']);

    const csv = read(out, 'results.csv').trim().split('\n');
    expect(csv).toHaveLength(15);
    expect(csv[0]).toBe(
      'id,rank,policy,trace,n,feasible,pareto,score,param.share,param.threshold,' +
        'latency_p99_ms_mean,latency_p99_ms_ci95,latency_p50_ms_mean,latency_p50_ms_ci95,cost_usd_mean,cost_usd_ci95,' +
        'cost_usd_per_hour_mean,cost_usd_per_hour_ci95,max_pending_records_mean,max_pending_records_ci95,throughput_rps_mean,throughput_rps_ci95,' +
        'share_switches_per_min_mean,share_switches_per_min_ci95,share_variance_mean,share_variance_ci95,time_to_react_s_mean,time_to_react_s_ci95',
    );
    expect(csv[1].startsWith(`${first.id},1,static,trace.csv,3,true,`)).toBe(true);

    const cdfs = cdfFiles(out);
    expect(Object.keys(cdfs).sort()).toEqual(results.rows.map((r: { id: string }) => `${r.id}.csv`).sort());
    expect(cdfs['r1.csv'].split('\n')[0]).toBe('percentile,latency_ms');
  });

  it('mean and CI of a row equal a hand computation over its seeds', async () => {
    const dir = scratch();
    const spec = loadSweep(writeSweep(dir, { ...BASE_SWEEP, traces: ['trace.csv'], policies: [{ name: 'static', params: { share: [0.5] } }] }));
    const out = join(dir, 'out');
    await runSweep(spec, { out, executor: fakeExecutor() });
    const recs = read(out, 'runs.jsonl').trim().split('\n').map((l) => JSON.parse(l));
    const v = recs.sort((a, b) => a.seed - b.seed).map((r) => r.summary.latency_ms.p99 as number);
    const mean = (v[0] + v[1] + v[2]) / 3;
    const sd = Math.sqrt(((v[0] - mean) ** 2 + (v[1] - mean) ** 2 + (v[2] - mean) ** 2) / 2);
    const row = JSON.parse(read(out, 'results.json')).rows[0];
    expect(row.metrics.latency_p99_ms.mean).toBeCloseTo(mean, 9);
    expect(row.metrics.latency_p99_ms.ci95).toBeCloseTo((4.302652729749464 * sd) / Math.sqrt(3), 9);
  });

  it('an interrupted sweep resumes and produces byte-identical results', async () => {
    const dir = scratch();
    const file = writeSweep(dir, BASE_SWEEP);

    const straight = join(dir, 'straight');
    await runSweep(loadSweep(file), { out: straight, executor: fakeExecutor(), top: 3 });

    const resumed = join(dir, 'resumed');
    const controller = new AbortController();
    const first = await runSweep(loadSweep(file), {
      out: resumed,
      executor: fakeExecutor(),
      top: 3,
      signal: controller.signal,
      onRecorded: (n) => {
        if (n === 17) controller.abort();
      },
    });
    expect(first).toMatchObject({ complete: false, interrupted: true, ran: 17, skipped: 0 });
    expect(existsSync(join(resumed, 'results.json'))).toBe(false);
    expect(read(resumed, 'runs.jsonl').trim().split('\n')).toHaveLength(17);
    expect(existsSync(join(resumed, '.sweep.lock'))).toBe(false);

    // A kill mid-write leaves a torn last line: it is dropped and its run redone.
    appendFileSync(join(resumed, 'runs.jsonl'), '{"id":"abc","config_');
    let calls = 0;
    const counting = fakeRunFn();
    const second = await runSweep(loadSweep(file), {
      out: resumed,
      executor: new InProcessExecutor((p, o) => (calls++, counting(p, o))),
      top: 3,
    });
    expect(second).toMatchObject({ complete: true, skipped: 17, ran: 25 });
    expect(calls).toBe(25);
    for (const f of OUTPUTS) expect(read(resumed, f)).toBe(read(straight, f));
    expect(cdfFiles(resumed)).toEqual(cdfFiles(straight));
    for (const f of readdirSync(join(straight, 'top'))) {
      expect(read(join(resumed, 'top'), f)).toBe(read(join(straight, 'top'), f).replaceAll('straight', 'resumed'));
    }

    // A third run has nothing to do and rewrites the same bytes.
    const third = await runSweep(loadSweep(file), { out: resumed, executor: fakeExecutor(), top: 3 });
    expect(third).toMatchObject({ skipped: 42, ran: 0 });
    for (const f of OUTPUTS) expect(read(resumed, f)).toBe(read(straight, f));
  });

  it('extending a sweep reuses recorded runs; results cover only the current sweep', async () => {
    const dir = scratch();
    const out = join(dir, 'out');
    const small = { ...BASE_SWEEP, policies: [{ name: 'static', params: { share: [0.3, 0.5] } }] };
    await runSweep(loadSweep(writeSweep(dir, small)), { out, executor: fakeExecutor() });
    const bigger = { ...small, policies: [{ name: 'static', params: { share: [0.3, 0.5, 0.7] } }] };
    const outcome = await runSweep(loadSweep(writeSweep(dir, bigger)), { out, executor: fakeExecutor() });
    expect(outcome).toMatchObject({ total: 18, skipped: 12, ran: 6 });
    const back = await runSweep(loadSweep(writeSweep(dir, small)), { out, executor: fakeExecutor() });
    expect(back).toMatchObject({ total: 12, skipped: 12, ran: 0 });
    expect(JSON.parse(read(out, 'results.json')).rows).toHaveLength(4);
  });

  it('refuses to resume when an input file changed since the runs were recorded', async () => {
    const dir = scratch();
    const out = join(dir, 'out');
    const file = writeSweep(dir, BASE_SWEEP);
    await runSweep(loadSweep(file), { out, executor: fakeExecutor() });
    writeFileSync(join(dir, 'trace2.csv'), 't_s,rate\n0,5\n');
    await expect(runSweep(loadSweep(file), { out, executor: fakeExecutor() })).rejects.toThrow(
      new UserError(
        `${join(out, 'sweep-manifest.json')}: trace2.csv changed since the runs in ${join(out, 'runs.jsonl')} were recorded (content hash differs); ` +
          'results would mix old and new inputs: use a new --out directory or delete this one',
      ),
    );
    expect(existsSync(join(out, '.sweep.lock'))).toBe(false);
  });

  it('refuses a directory another live sweep holds', async () => {
    const dir = scratch();
    const out = join(dir, 'out');
    const file = writeSweep(dir, BASE_SWEEP);
    await runSweep(loadSweep(file), { out, executor: fakeExecutor() });
    writeFileSync(join(out, '.sweep.lock'), `${process.ppid}\n`);
    await expect(runSweep(loadSweep(file), { out, executor: fakeExecutor() })).rejects.toThrow(
      `${join(out, '.sweep.lock')}: another sweep (pid ${process.ppid}) is writing to this directory`,
    );
    writeFileSync(join(out, '.sweep.lock'), '999999999\n'); // stale
    await expect(runSweep(loadSweep(file), { out, executor: fakeExecutor() })).resolves.toMatchObject({ ran: 0 });
  });

  it('a failing run is reported, left out of the results and retried next time', async () => {
    const dir = scratch();
    const out = join(dir, 'out');
    const file = writeSweep(dir, { ...BASE_SWEEP, traces: ['trace.csv'], policies: [{ name: 'static', params: { share: [0.3, 0.5] } }] });
    const base = fakeRunFn();
    const logs: string[] = [];
    const flaky = new InProcessExecutor((p, o) => {
      if (o.seed === 2 && o.params.share === 0.5) throw new Error('simulated crash');
      return base(p, o);
    });
    const outcome = await runSweep(loadSweep(file), { out, executor: flaky, log: (l) => logs.push(l) });
    expect(outcome.complete).toBe(false);
    expect(outcome.failed).toHaveLength(1);
    expect(outcome.failed[0]).toMatchObject({ rowId: 'r2', seed: 2, message: 'simulated crash' });
    expect(logs[0]).toMatch(/^fixture: configuration r2 \(policy static \{"share":0.5\}, trace trace.csv, seed 2\) failed: Error: simulated crash/);
    const rows = JSON.parse(read(out, 'results.json')).rows;
    expect(rows.find((r: { id: string }) => r.id === 'r2').n).toBe(2);
    const retry = await runSweep(loadSweep(file), { out, executor: fakeExecutor() });
    expect(retry).toMatchObject({ complete: true, ran: 1, skipped: 5 });
  });

  it('a UserError from a run stops the sweep with a message naming the configuration', async () => {
    const dir = scratch();
    const out = join(dir, 'out');
    const file = writeSweep(dir, { ...BASE_SWEEP, traces: ['trace.csv'], policies: [{ name: 'static', params: { share: [0.3, 0.5] } }] });
    const base = fakeRunFn();
    let calls = 0;
    const executor = new InProcessExecutor((p, o) => {
      calls++;
      if (o.params.share === 0.5) throw new UserError('policy "static": something about this configuration is wrong');
      return base(p, o);
    });
    await expect(runSweep(loadSweep(file), { out, executor })).rejects.toThrow(
      `${file}: configuration r2 (policy static {"share":0.5}, trace trace.csv, seed 1): policy "static": something about this configuration is wrong`,
    );
    expect(calls).toBe(4);
    expect(read(out, 'runs.jsonl').trim().split('\n')).toHaveLength(3);
  });

  it('--top K exports ready scenario files with paths valid from top/', async () => {
    const dir = scratch();
    const out = join(dir, 'deep', 'out');
    const outcome = await runSweep(loadSweep(writeSweep(dir, { ...BASE_SWEEP, duration_s: 30 })), { out, executor: fakeExecutor(), top: 2 });
    const results = outcome.results!;
    expect(outcome.topFiles.map((f) => f.slice(out.length + 1))).toEqual([`top/1-${results.rows[0].id}.json`, `top/2-${results.rows[1].id}.json`]);
    const s = JSON.parse(readFileSync(outcome.topFiles[0], 'utf8'));
    const row = results.rows[0];
    expect(s.policy).toEqual({ name: row.policy, params: row.params });
    expect(s.duration_s).toBe(30);
    expect(s.name).toBe(`fixture-fixture-${row.id}`);
    const topDir = dirname(outcome.topFiles[0]);
    expect(resolve(topDir, s.workload.trace)).toBe(join(dir, row.trace));
    expect(s.workload.trace).toBe(`../../../${row.trace}`);
    expect(resolve(topDir, s.offload[0].platform)).toBe(join(dir, 'model.json'));
    expect(s.vertices).toEqual([]);
  });
});

describe('sweep outputs, details', () => {
  it('a run without --top leaves an earlier top/ alone; --top K replaces it', async () => {
    const dir = scratch();
    const out = join(dir, 'out');
    const file = writeSweep(dir, BASE_SWEEP);
    await runSweep(loadSweep(file), { out, executor: fakeExecutor(), top: 3 });
    expect(readdirSync(join(out, 'top'))).toHaveLength(3);
    await runSweep(loadSweep(file), { out, executor: fakeExecutor() });
    expect(readdirSync(join(out, 'top'))).toHaveLength(3);
    await runSweep(loadSweep(file), { out, executor: fakeExecutor(), top: 1 });
    expect(readdirSync(join(out, 'top'))).toHaveLength(1);
  });

  it('formats the best rows for the terminal', async () => {
    const { formatTopRows } = await import('../../src/experiment/sweep/summary-text.js');
    const dir = scratch();
    const outcome = await runSweep(loadSweep(writeSweep(dir, { ...BASE_SWEEP, seeds: [1], traces: ['trace.csv'] })), {
      out: join(dir, 'out'),
      executor: fakeExecutor(),
    });
    const text = formatTopRows(outcome.results!, 2).split('\n');
    expect(text[0]).toMatch(/^rank\s+id\s+policy\s+params\s+p99 ms\s+cost \$\/h\s+n\s+drained\s+in flight\s+lost\s+feasible\s+pareto$/);
    expect(text[1]).toMatch(/^1\s+r\d+\s+static\s+share=0.5 threshold=\d+\s+[\d.]+\s+[\d.]+\s+1\s+1\/1\s+0\s+0\s+yes/);
    expect(text).toHaveLength(4);
  });
});

describe('resume compatibility of the base scenario', () => {
  it('reformatting it or changing its own policy keeps the sweep resumable; changing the job does not', async () => {
    const dir = scratch();
    const out = join(dir, 'out');
    const file = writeSweep(dir, BASE_SWEEP);
    await runSweep(loadSweep(file), { out, executor: fakeExecutor() });
    const scenarioPath = join(dir, 'scenario.json');
    const scenario = JSON.parse(readFileSync(scenarioPath, 'utf8'));
    writeFileSync(scenarioPath, JSON.stringify({ ...scenario, policy: { name: 'static' }, description: 'changed' }));
    await expect(runSweep(loadSweep(file), { out, executor: fakeExecutor() })).resolves.toMatchObject({ ran: 0, skipped: 42 });
    writeFileSync(scenarioPath, JSON.stringify({ ...scenario, duration_s: 5 }));
    await expect(runSweep(loadSweep(file), { out, executor: fakeExecutor() })).rejects.toThrow(/scenario\.json changed since the runs/);
  });
});
