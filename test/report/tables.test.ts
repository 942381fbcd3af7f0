import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadRun, loadSweep } from '../../src/report/inputs.js';
import { rankingTable, summaryTable, zeroLoss, zeroLossBanner } from '../../src/report/tables.js';
import { FIXTURES } from './helpers.js';

const run = loadRun(join(FIXTURES, 'run'));
const sweep = loadSweep(join(FIXTURES, 'sweep'));

describe('zero-loss check', () => {
  const with_ = (records: Partial<typeof run.summary.records>, drained = true) => ({
    ...run.summary,
    drained,
    records: { ...run.summary.records, ...records },
  });
  it('passes a drained run with nothing lost or duplicated', () => {
    expect(zeroLoss(run.summary)).toEqual({ status: 'pass', text: 'PASS: every arrived record left the sink exactly once (lost 0, duplicated 0, in flight at end 0)' });
  });
  it('fails on a lost or duplicated record', () => {
    expect(zeroLoss(with_({ duplicated: 2 })).status).toBe('fail');
    expect(zeroLoss(with_({ lost: 1 }, false)).text).toBe('FAIL: lost 1, duplicated 0, in flight at end 0');
  });
  it('cannot establish zero loss for a run that did not drain', () => {
    expect(zeroLoss(with_({ in_flight: 1200 }, false))).toEqual({ status: 'warn', text: 'NOT DRAINED: zero loss not established (lost –, duplicated 0, in flight at end 1,200)' });
  });
  it('shows the worst status of several runs in the banner', () => {
    const html = zeroLossBanner([
      { label: 'a', summary: run.summary },
      { label: 'b', summary: with_({ lost: 5 }) },
    ]);
    expect(html).toMatch(/^<section class="banner fail" id="zero-loss" data-status="fail">Zero loss: FAIL<span class="detail">a: PASS/);
  });
});

describe('tables', () => {
  it('escape what they show', () => {
    const html = summaryTable([{ label: '<b>', summary: { ...run.summary, scenario: 'a<script>' } }]);
    expect(html).toContain('a&lt;script&gt;');
    expect(html).not.toContain('a<script>');
  });
  it('the summary shows the time to react to the millisecond, a dash when there is none', () => {
    const flapping = { share_switches_per_min: 0, share_variance: 0, time_to_react_s: 0.27 };
    expect(summaryTable([{ label: 'a', summary: { ...run.summary, flapping } }])).toContain('time to react (s)</td><td>0.27</td>');
    expect(summaryTable([{ label: 'a', summary: { ...run.summary, flapping: { ...flapping, time_to_react_s: -1.0005 } } }])).toContain('<td>-1.001</td>');
    expect(summaryTable([{ label: 'a', summary: { ...run.summary, flapping: undefined } }])).toContain('time to react (s)</td><td>—</td>');
  });
  it('show the trace column only when rows replay different traces', () => {
    expect(rankingTable(sweep.rows)).not.toContain('<th class="k">trace</th>');
    expect(rankingTable(sweep.rows)).toContain('Every row replays traces/spike.csv.');
    const two = sweep.rows.map((r, i) => ({ ...r, trace: i % 2 ? 'traces/a.csv' : 'traces/b.csv' }));
    expect(rankingTable(two)).toContain('<th class="k">trace</th>');
  });

  it('shows the flapping figures, a dash where a row has none', () => {
    const flap = sweep.rows.map((r) => ({ ...r, metrics: { ...r.metrics, share_switches_per_min: { mean: 3.5, ci95: NaN }, time_to_react_s: { mean: 6.7, ci95: 0.25 } } }));
    const html = rankingTable(flap);
    expect(html).toContain('<th>share switches/min</th><th>share variance</th><th>time to react (s)</th>');
    expect(html).toContain('<td>3.5</td><td>—</td><td>6.7 ± 0.25</td>');
  });
});
