import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDecisions, noteNumbers } from '../../src/report/decisions.js';
import { writeRunReport } from '../../src/report/index.js';
import { copyFixture } from './helpers.js';

const CSV = [
  't_s,point,share,batch_records,max_wait_ms,max_in_flight,prewarm,note',
  '2,burst,0,100,50,32,0,"target-lag: pending=4 target=1000 error=-0.996"',
  '3,burst,0.5,100,50,32,0,"target-lag: pending=1500 target=1000 error=0.5"',
  '3,other,0.9,100,50,32,0,"x=1"',
].join('\n');

describe('decisions for the report', () => {
  it('reads every name=number of a note, first value of a repeated name, n/a skipped', () => {
    expect(noteNumbers('feed-forward: burst: arrival=12070 slope=-3 capacity=6659.1 share=0.506 x=n/a arrival=1 big=1e+21')).toEqual([
      ['arrival', 12070], ['slope', -3], ['capacity', 6659.1], ['share', 0.506], ['big', 1e21],
    ]);
  });

  it('loads the first offload point: its share and the numbers its note names', () => {
    const dir = copyFixture('run');
    writeFileSync(join(dir, 'decisions.csv'), CSV);
    const points = loadDecisions(join(dir, 'decisions.csv'));
    expect(points.filter((p) => p.key === 'share').map((p) => [p.t_s, p.value])).toEqual([[2, 0], [3, 0.5]]);
    expect(points.filter((p) => p.key === 'pending').map((p) => p.value)).toEqual([4, 1500]);
    expect(points.some((p) => p.key === 'x')).toBe(false);
    expect(loadDecisions(join(dir, 'absent.csv'))).toEqual([]);
  });

  it('a run with decisions gets the decisions chart right after the rates, and the order-violations note', async () => {
    const dir = copyFixture('run');
    writeFileSync(join(dir, 'decisions.csv'), CSV);
    await writeRunReport(dir, { png: false });
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const charts = [...html.matchAll(/<figure class="chart" id="chart-([a-z_]+)"/g)].map((m) => m[1]);
    expect(charts.slice(0, 3)).toEqual(['rates', 'decisions', 'pending']);
    expect(readFileSync(join(dir, 'charts', 'decisions.svg'), 'utf8')).toMatch(/^<svg/);
    expect(html).toContain('id="order-violations-note"');
  });
});
