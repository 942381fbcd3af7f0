import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTraceChart, writeCompareReport, writeReport, writeRunReport, writeSweepReport } from '../../src/report/index.js';
import { reportCommand } from '../../src/cli/commands/report.js';
import { copyFixture, PNG_SIGNATURE } from './helpers.js';

const RUN_CHARTS = ['rates', 'pending', 'latency', 'functions', 'cost', 'latency_cdf', 'vertices'];

/** The page must not reference anything over the network: no external scripts, styles, images, frames or fonts. */
function expectOffline(html: string): void {
  expect(html).not.toMatch(/<(script|link|img|iframe|source|embed|object)\b[^>]*\b(src|href|data)\s*=\s*["']?\s*(https?:)?\/\//i);
  expect(html).not.toMatch(/url\(\s*["']?(https?:)?\/\//i);
  expect(html).not.toMatch(/@import/i);
  expect(html).not.toMatch(/<script\b[^>]*\bsrc\s*=/i);
  expect(html).not.toMatch(/<link\b/i);
  expect(html).toContain("default-src 'none'");
}

function chartsIn(html: string): string[] {
  return [...html.matchAll(/<figure class="chart" id="chart-([a-z_]+)"/g)].map((m) => m[1]);
}

function embeddedSpecs(html: string): Record<string, unknown> {
  const m = html.match(/<script type="application\/json" id="spillway-specs">([^<]*)<\/script>/);
  expect(m).not.toBeNull();
  return JSON.parse((m as RegExpMatchArray)[1]) as Record<string, unknown>;
}

describe('writeRunReport', () => {
  it('writes every chart as SVG and PNG, and a self-contained report.html', async () => {
    const dir = copyFixture('run');
    await writeRunReport(dir);
    const files = readdirSync(join(dir, 'charts')).sort();
    expect(files).toEqual(RUN_CHARTS.flatMap((c) => [`${c}.png`, `${c}.svg`]).sort());
    for (const c of RUN_CHARTS) {
      expect(readFileSync(join(dir, 'charts', `${c}.svg`), 'utf8')).toMatch(/^<svg/);
      expect([...readFileSync(join(dir, 'charts', `${c}.png`)).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    }
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expectOffline(html);
    expect(chartsIn(html)).toEqual(RUN_CHARTS);
    expect(Object.keys(embeddedSpecs(html))).toEqual(RUN_CHARTS);
    expect(html).toContain('data-lib="vega@6.');
    expect(html).toContain('data-lib="vega-lite@6.');
    expect(html).toContain('data-lib="vega-embed@7.');
    expect(html).toContain('<section class="banner pass" id="zero-loss" data-status="pass">Zero loss: PASS');
    expect(html).toContain('<table id="summary-table">');
    expect(html).toContain('<td class="k">p99 (ms)</td><td>3,278.4</td>');
    expect(html).toContain('href="charts/rates.png"');
  });

  it('--no-png writes SVGs only and links no PNG', async () => {
    const dir = copyFixture('run');
    await writeRunReport(dir, { png: false });
    expect(readdirSync(join(dir, 'charts')).filter((f) => f.endsWith('.png'))).toEqual([]);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).not.toContain('.png"');
  });

  it('shows a failed zero-loss check prominently', async () => {
    const dir = copyFixture('run');
    const file = join(dir, 'summary.json');
    const s = JSON.parse(readFileSync(file, 'utf8'));
    s.records.lost = 3;
    (await import('node:fs')).writeFileSync(file, JSON.stringify(s));
    await writeRunReport(dir, { png: false });
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<section class="banner fail" id="zero-loss" data-status="fail">Zero loss: FAIL<span class="detail">FAIL: lost 3, duplicated 0, in flight at end 0</span>');
    expect(html).toContain('<td class="k">lost</td><td class="fail">3</td>');
  });
});

describe('writeCompareReport', () => {
  it('overlays the runs, with one summary column per run, and writes each run\'s own report', async () => {
    const dir = copyFixture('compare');
    await writeCompareReport(dir, { png: false });
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expectOffline(html);
    expect(chartsIn(html)).toEqual(RUN_CHARTS);
    expect(html).toContain('<th>backpressure</th><th>threshold</th><th>predictive</th>');
    expect(html).toContain('<a href="threshold/report.html">');
    for (const r of ['backpressure', 'threshold', 'predictive']) expect(existsSync(join(dir, r, 'report.html'))).toBe(true);
    const rates = embeddedSpecs(html).rates as { data: { values: { run: string }[] } };
    expect(new Set(rates.data.values.map((v) => v.run))).toEqual(new Set(['backpressure', 'threshold', 'predictive']));
  });
});

describe('writeCompareReport: a verdict and extra sections (validate, demo)', () => {
  it('shows the verdict sentence first, escaped, then the sections', async () => {
    const dir = copyFixture('compare');
    await writeCompareReport(dir, { png: false, perRun: false, verdict: 'PASS: x < y & z.', sections: ['<h2 id="extra">Errors</h2>'] });
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<p id="verdict"><strong>PASS: x &lt; y &amp; z.</strong></p>');
    expect(html.indexOf('id="verdict"')).toBeLessThan(html.indexOf('id="extra"'));
    expect(html.indexOf('id="extra"')).toBeLessThan(html.indexOf('id="zero-loss"'));
  });
});

describe('writeSweepReport', () => {
  it('draws the Pareto chart and the best rows\' CDFs, and ranks the rows', async () => {
    const dir = copyFixture('sweep');
    await writeSweepReport(dir);
    expect(readdirSync(join(dir, 'charts')).sort()).toEqual(['latency_cdf.png', 'latency_cdf.svg', 'pareto.png', 'pareto.svg']);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expectOffline(html);
    expect(chartsIn(html)).toEqual(['pareto', 'latency_cdf']);
    const order = [...html.matchAll(/<tr data-row="(r\d+)"/g)].map((m) => m[1]);
    expect(order).toEqual(['r08', 'r07', 'r04', 'r10', 'r05', 'r09', 'r02', 'r06', 'r01', 'r03']);
    expect(html).toContain('<tr data-row="r08" class="pareto"><td>1</td>');
    expect(html).toContain('<td>235 ± 28.2</td>');
    expect(html).toContain('<pre id="objective">');
  });
});

describe('sweeps as the sweep runner writes them', () => {
  it('tolerates null means and rows without a CDF file', async () => {
    const dir = copyFixture('sweep');
    const file = join(dir, 'results.json');
    const v = JSON.parse(readFileSync(file, 'utf8'));
    v.rows[1].metrics.latency_p50_ms = { mean: null, ci95: null };
    v.rows[2].metrics.latency_p99_ms = { mean: null, ci95: null };
    writeFileSync(file, JSON.stringify(v));
    rmSync(join(dir, 'cdf', 'r07.csv'));
    await writeSweepReport(dir, { png: false });
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const specs = embeddedSpecs(html) as { pareto: { data: { values: unknown[] } }; latency_cdf: { data: { values: { label: string }[] } } };
    expect(specs.pareto.data.values).toHaveLength(9);
    expect(JSON.stringify(specs.pareto)).toContain('1 row without a value left out');
    const labels = [...new Set(specs.latency_cdf.data.values.map((x) => x.label))];
    expect(labels).toEqual(['#1 predictive (r08)', '#3 threshold (r04)', '#4 target-lag (r10)', '#5 threshold (r05)', '#6 budget (r09)', '#7 static (r02)']);
  });

  it('has no CDF chart when no row has a CDF', async () => {
    const dir = copyFixture('sweep');
    rmSync(join(dir, 'cdf'), { recursive: true });
    await writeSweepReport(dir, { png: false });
    expect(chartsIn(readFileSync(join(dir, 'report.html'), 'utf8'))).toEqual(['pareto']);
  });
});

describe('writeReport', () => {
  it('detects the kind of directory', async () => {
    expect(await writeReport(copyFixture('run'), { png: false })).toBe('run');
    expect(await writeReport(copyFixture('compare'), { png: false, perRun: false })).toBe('compare');
    expect(await writeReport(copyFixture('sweep'), { png: false })).toBe('sweep');
  });
});

describe('renderTraceChart', () => {
  it('writes the trace shape as SVG (and PNG when asked)', async () => {
    const dir = copyFixture('run');
    const out = join(dir, 'spike.svg');
    await renderTraceChart({ tS: Float64Array.from([0, 20, 35]), rate: Float64Array.from([2000, 8000, 2000]) }, out, { png: true, endS: 60, title: 'Trace spike.csv' });
    expect(readFileSync(out, 'utf8')).toContain('>Trace spike.csv</text>');
    expect([...readFileSync(join(dir, 'spike.png')).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  });
});

describe('spillway report', () => {
  it('is a yargs command taking the directory and --no-png', async () => {
    expect(reportCommand.command).toBe('report <dir>');
    const dir = copyFixture('sweep');
    const writes: string[] = [];
    const orig = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (writes.push(String(s)), true)) as typeof process.stdout.write;
    try {
      await (reportCommand.handler as (a: unknown) => Promise<void>)({ dir, png: false, _: [], $0: 'spillway' });
    } finally {
      process.stdout.write = orig;
    }
    expect(writes.join('')).toBe(`wrote ${join(dir, 'report.html')} (sweep report) and ${join(dir, 'charts')}/\n`);
    expect(readdirSync(join(dir, 'charts')).sort()).toEqual(['latency_cdf.svg', 'pareto.svg']);
  });
});
