import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderTraceChart, writeCompareReport, writeReport, writeRunReport, writeSweepReport } from '../../src/report/index.js';
import { UserError } from '../../src/util/errors.js';
import { copyFixture } from './helpers.js';

async function message(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected a UserError');
}

function edit(file: string, f: (text: string) => string): void {
  writeFileSync(file, f(readFileSync(file, 'utf8')));
}

function editJson(file: string, f: (v: any) => void): void {
  const v = JSON.parse(readFileSync(file, 'utf8'));
  f(v);
  writeFileSync(file, JSON.stringify(v));
}

describe('bad input names the file and what is wrong', () => {
  it('a directory that does not exist', async () => {
    const dir = join(tmpdir(), 'spillway-no-such-dir-xyz');
    expect(await message(writeReport(dir))).toBe(`${dir}: directory not found`);
    expect(await message(writeRunReport(dir))).toBe(`${dir}: directory not found`);
  });

  it('a directory that is none of the three kinds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spillway-empty-'));
    expect(await message(writeReport(dir))).toBe(
      `${dir}: not a run, comparison or sweep directory (no summary.json, compare.json or results.json)`,
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('a run directory without its time series', async () => {
    const dir = copyFixture('run');
    rmSync(join(dir, 'timeseries.csv'));
    expect(await message(writeRunReport(dir))).toBe(`${join(dir, 'timeseries.csv')}: file not found`);
  });

  it('summary.json that is not JSON', async () => {
    const dir = copyFixture('run');
    writeFileSync(join(dir, 'summary.json'), '{"scenario": ');
    expect(await message(writeRunReport(dir))).toMatch(new RegExp(`^${join(dir, 'summary.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:14: not valid JSON: expected a value, found the end of the file$`));
  });

  it('summary.json missing a field, or with a wrong type', async () => {
    const dir = copyFixture('run');
    const file = join(dir, 'summary.json');
    editJson(file, (s) => delete s.records.lost);
    expect(await message(writeRunReport(dir))).toBe(`${file}: records.lost: expected a number, found nothing`);
    editJson(file, (s) => {
      s.records.lost = 0;
      s.drained = 'yes';
    });
    expect(await message(writeRunReport(dir))).toBe(`${file}: drained: expected true or false, found "yes"`);
    writeFileSync(file, '[1]');
    expect(await message(writeRunReport(dir))).toBe(`${file}: expected a JSON object, found an array`);
  });

  it('timeseries.csv with a missing column, a bad cell, a short row, times out of order, no rows', async () => {
    const dir = copyFixture('run');
    const file = join(dir, 'timeseries.csv');
    const orig = readFileSync(file, 'utf8');
    edit(file, (t) => t.replace('cost_usd,', 'cost,'));
    expect(await message(writeRunReport(dir))).toBe(`${file}:1: missing column "cost_usd" in the header`);
    writeFileSync(file, orig);
    edit(file, (t) => t.replace(/\n3,2000,/, '\n3,abc,'));
    expect(await message(writeRunReport(dir))).toBe(`${file}:4: column "input_rps": "abc" is not a number`);
    writeFileSync(file, orig);
    const lines = orig.split('\n');
    const ncol = lines[0].split(',').length;
    lines[2] = lines[2].replace(/,[^,]*$/, '');
    writeFileSync(file, lines.join('\n'));
    expect(await message(writeRunReport(dir))).toBe(`${file}:3: expected ${ncol} fields, found ${ncol - 1}`);
    const swapped = orig.split('\n');
    [swapped[2], swapped[3]] = [swapped[3], swapped[2]];
    writeFileSync(file, swapped.join('\n'));
    expect(await message(writeRunReport(dir))).toBe(`${file}: t_s: times must increase, found 2 after 3`);
    writeFileSync(file, `${lines[0]}\n`);
    expect(await message(writeRunReport(dir))).toBe(`${file}: no data rows`);
    writeFileSync(file, '');
    expect(await message(writeRunReport(dir))).toBe(`${file}: empty file, expected a header line`);
  });

  it('latency_cdf.csv with a percentile out of range or decreasing', async () => {
    const dir = copyFixture('run');
    const file = join(dir, 'latency_cdf.csv');
    writeFileSync(file, 'percentile,latency_ms\n0,10\n50,20\n120,30\n');
    expect(await message(writeRunReport(dir))).toBe(`${file}: percentile: 120 is outside 0..100`);
    writeFileSync(file, 'percentile,latency_ms\n0,10\n50,20\n40,30\n');
    expect(await message(writeRunReport(dir))).toBe(`${file}: percentile: percentiles must not decrease, found 40 after 50`);
    writeFileSync(file, 'percentile,latency\n0,10\n');
    expect(await message(writeRunReport(dir))).toBe(`${file}:1: missing column "latency_ms" in the header`);
  });

  it('compare.json with a duplicate label or a missing run directory', async () => {
    const dir = copyFixture('compare');
    const file = join(dir, 'compare.json');
    editJson(file, (c) => (c.runs[1].label = 'backpressure'));
    expect(await message(writeCompareReport(dir))).toBe(`${file}: runs[1].label: duplicate label "backpressure"`);
    editJson(file, (c) => {
      c.runs[1].label = 'threshold';
      c.runs[2].dir = 'nope';
    });
    expect(await message(writeCompareReport(dir))).toBe(`${join(dir, 'nope')}: directory not found`);
    editJson(file, (c) => (c.runs = []));
    expect(await message(writeCompareReport(dir))).toBe(`${file}: runs: expected a non-empty array, found an empty array`);
  });

  it('results.json missing a metric the Pareto chart needs, a bad rank, a missing CDF', async () => {
    const dir = copyFixture('sweep');
    const file = join(dir, 'results.json');
    const orig = readFileSync(file, 'utf8');
    editJson(file, (r) => delete r.rows[2].metrics.cost_usd_per_hour);
    expect(await message(writeSweepReport(dir))).toBe(`${file}: rows[2].metrics.cost_usd_per_hour: expected {"mean": number, "ci95": number}, found nothing`);
    writeFileSync(file, orig);
    editJson(file, (r) => (r.rows[0].rank = 0));
    expect(await message(writeSweepReport(dir))).toBe(`${file}: rows[0].rank: expected a whole number >= 1 or null, found 0`);
    writeFileSync(file, orig);
    editJson(file, (r) => (r.rows[4].metrics.latency_p99_ms.mean = 'fast'));
    expect(await message(writeSweepReport(dir))).toBe(`${file}: rows[4].metrics.latency_p99_ms.mean: expected a number or null, found "fast"`);
    writeFileSync(file, orig);
    writeFileSync(join(dir, 'cdf', 'r07.csv'), 'percentile,latency_ms\n0,10\n50,x\n');
    expect(await message(writeSweepReport(dir))).toBe(`${join(dir, 'cdf', 'r07.csv')}:3: column "latency_ms": "x" is not a number`);
  });

  it('a trace with no points or mismatched arrays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spillway-trace-'));
    mkdirSync(dir, { recursive: true });
    const out = join(dir, 't.svg');
    expect(await message(renderTraceChart({ tS: [], rate: [] }, out))).toBe(`${out}: the trace has no points to chart`);
    expect(await message(renderTraceChart({ tS: [0, 1], rate: [5] }, out))).toBe(`${out}: the trace has 2 times but 1 rates`);
    rmSync(dir, { recursive: true, force: true });
  });
});
