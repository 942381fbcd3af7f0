import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { formatKinds, traceChartData, traceCommand, traceGen, traceInspect } from '../../src/cli/commands/trace.js';
import { loadTrace } from '../../src/workload/parse.js';
import { traceStats } from '../../src/workload/stats.js';
import { UserError } from '../../src/util/errors.js';
import { loadScenario } from '../../src/scenario/load.js';
import { tempDir } from '../helpers/tmp.js';

const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const BAD = join(ROOT, 'test/workload/bad-traces');
const MAIN = join(ROOT, 'dist/src/cli/main.js');
const INDEX = join(ROOT, 'dist/src/cli/commands/index.js');
const builtWithTrace = existsSync(MAIN) && existsSync(INDEX) && readFileSync(INDEX, 'utf8').includes('traceCommand');

describe('spillway trace', () => {
  it('inspect on a bad trace: the UserError the CLI prints as one line (exit 2)', () => {
    const file = join(BAD, 'negative-rate.csv');
    expect(() => traceInspect({ file })).toThrow(UserError);
    expect(() => traceInspect({ file })).toThrow(`${file}:3: rate is negative: -5`);
  });

  it.skipIf(!builtWithTrace)('the built CLI exits 2 with one line on a bad trace', () => {
    const file = join(BAD, 'non-monotonic-time.csv');
    const r = spawnSync(process.execPath, [MAIN, 'trace', 'inspect', file], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`spillway: ${file}:5: t_s must be strictly increasing: 10 after 10 (line 4)\n`);
  });

  it('gen writes a trace with provenance that inspect reads back', () => {
    const dir = tempDir('spillway-trace-');
    expect(() => traceGen({ kind: 'spike', out: join(dir, 'sub', 'spike.csv') })).toThrow('the folder');
    const out = join(dir, 'spike.csv');
    const msg = traceGen({ kind: 'spike', param: ['peak=9000', 'duration_s=300', 'start_s=100'], seed: 3, out });
    expect(msg).toContain('300 s');
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('# generator: spillway trace gen spike --param base=2000 --param decay_s=10 --param duration_s=300');
    expect(text).toContain('--seed 3');
    const r = traceInspect({ file: out, json: true });
    const stats = JSON.parse(r.text);
    expect(stats.peakRate).toBe(9000);
    expect(stats.durationS).toBe(300);
    expect(traceInspect({ file: out }).text).toMatch(/peak rate\s+9,000 rec\/s/);
  });

  it('gen refuses bad input as UserErrors', () => {
    const out = join(tempDir('spillway-trace-'), 'x.csv');
    expect(() => traceGen({ kind: 'bogus', out })).toThrow(UserError);
    expect(() => traceGen({ kind: 'spike', param: ['peak'], out })).toThrow(UserError);
    expect(() => traceGen({ kind: 'spike', seed: 1.5, out })).toThrow(UserError);
  });

  it('kinds lists every generator', () => {
    const text = formatKinds();
    for (const k of ['steady', 'step', 'spike', 'spikes', 'diurnal', 'mmpp', 'nexmark', 'ysb', 'from-nab']) expect(text).toContain(`${k}: `);
  });

  it('chart data: the steps of a rate trace, bins of an event trace', () => {
    const tr = loadTrace(join(ROOT, 'traces/steady.csv'));
    const shape = traceChartData(tr);
    expect(shape.tS.length).toBe(60);
    expect(shape.endS).toBe(600);
    const ev = traceChartData({ kind: 'event', source: 'e', tMs: Float64Array.from([0, 10, 1500, 2000]), endS: 2 }, 0.5);
    expect(Array.from(ev.tS)).toEqual([0, 0.5, 1, 1.5]);
    expect(Array.from(ev.rate)).toEqual([4, 0, 0, 4]); // 2 records in [0, .5), 2 in [1.5, 2] (2000 ms is the end)
    expect(ev.endS).toBe(2);
  });

  it('inspect --chart writes an SVG through src/report (the yargs command itself)', async () => {
    const out = join(tempDir('spillway-trace-'), 'spike.svg');
    const write = process.stdout.write;
    let printed = '';
    process.stdout.write = ((chunk: string) => {
      printed += chunk;
      return true;
    }) as typeof process.stdout.write;
    try {
      await yargs(['trace', 'inspect', join(ROOT, 'traces/spike.csv'), '--chart', out]).command(traceCommand).strict().parseAsync();
    } finally {
      process.stdout.write = write;
    }
    expect(printed).toMatch(/peak rate\s+12,000 rec\/s/);
    expect(readFileSync(out, 'utf8')).toContain('<svg');
  });
});

describe('the trace library and example scenarios', () => {
  it('every traces/*.csv loads; spike.csv is the default scenario spike', () => {
    const files = readdirSync(join(ROOT, 'traces')).filter((f) => f.endsWith('.csv'));
    expect(files.length).toBeGreaterThanOrEqual(11);
    for (const f of files) expect(traceStats(loadTrace(join(ROOT, 'traces', f))).totalRecords).toBeGreaterThan(0);
    const s = traceStats(loadTrace(join(ROOT, 'traces/spike.csv')));
    expect(s.durationS).toBe(600);
    expect(s.medianRate).toBe(2000);
    expect(s.peakRate).toBe(12000);
    expect(s.bursts.count).toBe(1);
    expect(s.bursts.lengthsS[0]).toBeGreaterThan(100);
    expect(s.bursts.lengthsS[0]).toBeLessThan(140);
  });

  it('NAB-derived traces carry the MIT notice', () => {
    for (const f of readdirSync(join(ROOT, 'traces')).filter((x) => x.startsWith('nab-'))) {
      const text = readFileSync(join(ROOT, 'traces', f), 'utf8');
      expect(text).toContain('# Copyright 2014-2024 Numenta Inc.');
      expect(text).toContain('# The above copyright notice and this permission notice shall be included in all');
    }
    expect(readFileSync(join(ROOT, 'traces/NAB-LICENSE.txt'), 'utf8')).toContain('Copyright 2014-2024 Numenta Inc.');
  });

  it('example scenarios name a description and a trace that loads', () => {
    for (const f of ['nexmark-q1.json', 'nexmark-q5-window.json', 'ysb.json', 'ysb-source-offload.json']) {
      const path = join(ROOT, 'examples', f);
      const spec = JSON.parse(readFileSync(path, 'utf8'));
      expect(loadScenario(path).name).toBe(spec.name); // the scenario schema and its rules accept it
      expect(typeof spec.description).toBe('string');
      const trace = loadTrace(resolve(dirname(path), spec.workload.trace), { durationS: spec.duration_s });
      expect(trace.kind).toBe('rate');
      const ids = new Set(spec.vertices.map((v: { id: string }) => v.id));
      for (const e of spec.edges) expect(ids.has(e.from) && ids.has(e.to)).toBe(true);
    }
  });
});
