/** Bad or too few measurements: one UserError naming the file, the line and what is wrong. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/index.js';
import { calibrateCommand } from '../../src/cli/commands/calibrate.js';
import { UserError } from '../../src/util/errors.js';
import { tempDir } from '../helpers/tmp.js';

const here = dirname(fileURLToPath(import.meta.url));
const PROBE_LINES = readFileSync(join(here, 'fixtures', 'probe.jsonl'), 'utf8').trim().split('\n');
const dir = tempDir('spillway-cal-bad-');
const FAST = { fit: { bootstrap: 19 }, date: '2026-11-20' };

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected a UserError');
}

const warm = JSON.parse(PROBE_LINES.find((l) => l.includes('"warm"'))!);
const cold = JSON.parse(PROBE_LINES[0]);

describe('calibrate(): bad measurements', () => {
  const cases: [string, () => string, string][] = [
    ['a missing file', () => join(dir, 'nope.jsonl'), `${join(dir, 'nope.jsonl')}: no such file or directory`],
    ['an empty file', () => file('empty.jsonl', '\n# nothing\n'), `${join(dir, 'empty.jsonl')}: no measurements (the file is empty)`],
    [
      'a line that is not JSON',
      () => file('broken.jsonl', `${PROBE_LINES[0]}\n${PROBE_LINES[1]}\n{"kind":"warm",\n`),
      `${join(dir, 'broken.jsonl')}:3:16: not valid JSON: expected a double-quoted field name, found the end of the file`,
    ],
    [
      'a negative client_ms',
      () => file('neg.jsonl', `${PROBE_LINES[0]}\n${JSON.stringify({ ...warm, client_ms: -1 })}\n`),
      `${join(dir, 'neg.jsonl')}:2: client_ms must be >= 0 (got -1)`,
    ],
    [
      'a string where a number belongs',
      () => file('str.jsonl', `${JSON.stringify({ ...warm, duration_ms: 'fast' })}\n`),
      `${join(dir, 'str.jsonl')}:1: duration_ms must be a number (got "fast")`,
    ],
    [
      'a cold sample without init_ms',
      () => file('noinit.jsonl', `${JSON.stringify({ ...cold, init_ms: null })}\n`),
      `${join(dir, 'noinit.jsonl')}:1: init_ms must be a number on a cold sample (got null)`,
    ],
    [
      'an unknown kind',
      () => file('kind.jsonl', `${JSON.stringify({ ...cold, kind: 'lukewarm' })}\n`),
      `${join(dir, 'kind.jsonl')}:1: kind must be "cold" or "warm" (got "lukewarm")`,
    ],
    [
      'client_ms below duration_ms',
      () => file('clock.jsonl', `${JSON.stringify({ ...warm, client_ms: 0.5, duration_ms: 2 })}\n`),
      `${join(dir, 'clock.jsonl')}:1: client_ms (0.5) is less than duration_ms (2): the caller cannot see less than the handler ran`,
    ],
    [
      'too few cold starts',
      () => file('few.jsonl', [...PROBE_LINES.filter((l) => l.includes('"warm"')), ...PROBE_LINES.filter((l) => l.includes('"cold"')).slice(0, 7)].join('\n')),
      `7 samples of cold start in ${join(dir, 'few.jsonl')}, need at least 20`,
    ],
    [
      'too few warm samples for the round trip',
      () => file('fewwarm.jsonl', [...PROBE_LINES.filter((l) => l.includes('"cold"')), ...PROBE_LINES.filter((l) => l.includes('"warm"') && l.includes('"batch_records":1,'))].slice(0, 50).join('\n')),
      `14 samples of warm overhead in ${join(dir, 'fewwarm.jsonl')}, need at least 20`,
    ],
    [
      'an unknown file format',
      () => file('other.csv', 'a,b\n1,2\n'),
      `${join(dir, 'other.csv')}:2: not a measurement file spillway knows: expected probe lines (kind, client_ms, duration_ms, ...), Flink metric samples (vertex, busyTimeMsPerSecond, numRecordsInPerSecond) or per-record timings (service_ms or service_us); found fields "a", "b"`,
    ],
    [
      'a short CSV row',
      () => file('short.csv', 'vertex,busyTimeMsPerSecond,numRecordsInPerSecond\ntokenizer,300,1000\ntokenizer,300\n'),
      `${join(dir, 'short.csv')}:3: 2 fields, the header has 3`,
    ],
    [
      'busy time over 1000 ms/s',
      () => file('busy.csv', 'vertex,busyTimeMsPerSecond,numRecordsInPerSecond\ntokenizer,1300,1000\n'),
      `${join(dir, 'busy.csv')}:2: busyTimeMsPerSecond must be <= 1000 (got 1300)`,
    ],
    [
      'too few metric samples with records flowing',
      () => file('idle.csv', 'vertex,busyTimeMsPerSecond,numRecordsInPerSecond\n' + 'tokenizer,300,1000\n'.repeat(4) + 'tokenizer,0,0\n'.repeat(20)),
      `4 samples of Flink metrics with records flowing (numRecordsInPerSecond >= 1) for vertex "tokenizer" in ${join(dir, 'idle.csv')}, need at least 10`,
    ],
    [
      'too few per-record timings',
      () => file('timings.csv', 'service_us\n' + '300\n'.repeat(12)),
      `12 samples of per-record service time in ${join(dir, 'timings.csv')}, need at least 20`,
    ],
    [
      'probes at two memory sizes',
      () => file('mem.jsonl', [PROBE_LINES[0], JSON.stringify({ ...warm, memory_mb: 2048 })].join('\n')),
      `${join(dir, 'mem.jsonl')}: probe samples at 2 memory sizes (1024, 2048 MB); pick one with --memory`,
    ],
    ['a directory without measurements', () => dir + '/', `${dir}/: a directory with no measurements spillway can calibrate from (looked for service_times.csv, service_times.jsonl, flink-metrics.csv, flink-metrics.jsonl, probe.jsonl; see docs/CALIBRATION.md)`],
  ];
  for (const [what, make, message] of cases) {
    it(what, () => {
      const p = make();
      const msg = messageOf(() => calibrate([p], FAST));
      if (message.endsWith(': ')) expect(msg.startsWith(message)).toBe(true);
      else expect(msg).toBe(message);
    });
  }
  it('several Flink vertices and no hint', () => {
    const p = file('two.csv', 'vertex,busyTimeMsPerSecond,numRecordsInPerSecond\n' + 'map,300,1000\n'.repeat(12) + 'filter,200,1000\n'.repeat(12));
    expect(messageOf(() => calibrate([p], FAST))).toBe(`${p}: metric samples of 2 Flink vertices ("map", "filter"); name the one to calibrate with --flink-vertex`);
  });
});

describe('the calibrate command', () => {
  async function run(args: string[]): Promise<string> {
    try {
      await yargs(args).command(calibrateCommand).strict().fail((msg, err) => {
        throw err ?? new Error(msg);
      }).parseAsync();
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      return (err as Error).message;
    }
    throw new Error('expected a UserError');
  }
  it('rejects --scenario without --scenario-out', async () => {
    expect(await run(['calibrate', join(here, 'fixtures', 'probe.jsonl'), '--out', join(dir, 'm.json'), '--scenario', 'examples/default.json'])).toBe(
      '--scenario needs --scenario-out (the calibrated copy is written there)',
    );
  });
  it('names the file and the count when there are too few samples', async () => {
    const p = file('cli-few.jsonl', PROBE_LINES.slice(0, 5).join('\n'));
    expect(await run(['calibrate', p, '--out', join(dir, 'm.json')])).toBe(`5 samples of cold start in ${p}, need at least 20`);
  });
  it('writes a model the loader accepts, and the report', async () => {
    mkdirSync(join(dir, 'cli'));
    const out = join(dir, 'cli', 'local.json');
    const report = join(dir, 'cli', 'local.calibration.json');
    const writes: string[] = [];
    const orig = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (writes.push(String(s)), true)) as typeof process.stdout.write;
    try {
      await yargs(['calibrate', join(here, 'fixtures', 'probe.jsonl'), '--out', out, '--report', report, '--bootstrap', '19', '--date', '2026-11-20']).command(calibrateCommand).strict().parseAsync();
    } finally {
      process.stdout.write = orig;
    }
    const { loadPlatformModel } = await import('../../src/serverless/model-file.js');
    expect(loadPlatformModel(out).id).toBe('local');
    const rep = JSON.parse(readFileSync(report, 'utf8'));
    expect(rep.format).toBe('spillway-calibration-report/1');
    expect(rep.fits.map((f: { field: string }) => f.field)).toEqual(['cold_start_ms', 'warm_overhead_ms', 'network.rtt_ms']);
    expect(writes.join('')).toMatch(/cold_start_ms {2}\(cold start, n=36/);
    expect(writes.join('')).toMatch(/wrote .*local\.json, .*local\.calibration\.json/);
  });
});
