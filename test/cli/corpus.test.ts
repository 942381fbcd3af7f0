/**
 * The bad-input corpus: every case is a user's mistake (a scenario, trace, model file, flag or output path).
 * Each must end with exit code 2 and exactly one line on stderr that names the file and the field or line,
 * no stack trace, nothing on stdout, nothing written, and every file already in the folder untouched (the
 * folder's tree hash is the same before and after). Hand-written cases from issue 11 first, then generated
 * ones (one schema violation per field of two valid scenarios and of a platform model, broken traces).
 * The CLI runs in-process (runCli), so a few hundred cases take seconds.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured, treeHash } from '../helpers/cli.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ws = mkdtempSync(join(tmpdir(), 'spillway-corpus-'));
afterAll(() => rmSync(ws, { recursive: true, force: true }));

// What the user already has: a folder Spillway did not write, a file, and an empty folder.
mkdirSync(join(ws, 'user', 'sub'), { recursive: true });
writeFileSync(join(ws, 'user', 'keep.txt'), 'mine\n');
writeFileSync(join(ws, 'user', 'sub', 'a.txt'), 'also mine\n');
writeFileSync(join(ws, 'file.txt'), 'a file\n');
mkdirSync(join(ws, 'in'));
const NEVER = join(ws, 'never-written');

type Json = Record<string, unknown>;
const readJson = (p: string): Json => JSON.parse(readFileSync(join(ROOT, p), 'utf8')) as Json;

/** mm1 (a plain queue) and default (offload, policy, keys) with absolute paths, so copies load from anywhere. */
const mm1 = readJson('examples/queues/mm1.json');
(mm1.workload as Json).trace = join(ROOT, 'examples/queues/constant-800.csv');
const def = readJson('examples/default.json');
(def.workload as Json).trace = join(ROOT, 'traces/spike.csv');
(def.offload as Json[])[0].platform = join(ROOT, 'models/aws-lambda-nodejs-1024.json');
const model = readJson('models/aws-lambda-nodejs-1024.json');

let n = 0;
function input(name: string, text: string | Uint8Array): string {
  const p = join(ws, 'in', `${String(n++).padStart(3, '0')}-${name}`);
  writeFileSync(p, text);
  return p;
}
const scenarioFile = (obj: unknown, name = 'scenario.json'): string => input(name, JSON.stringify(obj, null, 2));

interface Case {
  name: string;
  argv: string[];
  /** Each must appear in the message: the file, and the field or line. */
  names: string[];
}
const cases: Case[] = [];
const simulate = (name: string, file: string, names: string[], extra: string[] = []): void => {
  cases.push({ name, argv: ['simulate', file, '--out', NEVER, '--no-report', ...extra], names });
};

// ---- From issue 11: output paths ----
const MM1 = scenarioFile(mm1, 'mm1.json');
const outCases: [string, string, string[]][] = [
  ['a folder Spillway did not write', join(ws, 'user'), ['--out', 'user', 'did not write']],
  ['an existing file', join(ws, 'file.txt'), ['--out', 'file.txt', 'existing file']],
  ['the current folder', '.', ['--out .', 'current folder']],
  ['a parent of the current folder', '..', ['--out ..', 'current folder or one of its parents']],
  ['the root', '/', ['--out /', 'current folder or one of its parents']],
  ['/proc', '/proc/spillway-x', ['--out /proc/spillway-x', 'system file system']],
  ['/sys', '/sys/x', ['--out /sys/x', 'system file system']],
  ['/dev/null/x', '/dev/null/x', ['--out /dev/null/x', 'system file system']],
  ['below an existing file', join(ws, 'file.txt', 'sub'), ['--out', 'file.txt', 'is not a folder']],
  ['a missing parent', join(ws, 'no', 'such', 'run'), ['--out', join(ws, 'no', 'such'), 'does not exist']],
];
for (const [what, out, names] of outCases) {
  cases.push({ name: `simulate --out ${what}`, argv: ['simulate', MM1, '--no-report', '--out', out], names });
  cases.push({ name: `demo --out ${what}`, argv: ['demo', MM1, '--no-report', '--out', out], names });
}
const SWEEP = input('sweep.json', JSON.stringify({ name: 's', scenario: MM1, seeds: 1, policies: [{ name: 'backpressure' }] }));
const TRACE_OK = join(ROOT, 'examples/queues/constant-800.csv');
const PROBE = join(ROOT, 'test/calibrate/fixtures/probe.jsonl');
for (const [what, out, names] of outCases.slice(0, 3).concat(outCases.slice(5, 10))) {
  cases.push({ name: `sweep --out ${what}`, argv: ['sweep', SWEEP, '--workers', '0', '--no-report', '--out', out], names });
  cases.push({ name: `trace gen --out ${what}`, argv: ['trace', 'gen', 'spike', '--out', out], names: names.slice(0, 1) });
  cases.push({ name: `trace inspect --chart ${what}`, argv: ['trace', 'inspect', TRACE_OK, '--chart', out], names: ['--chart'] });
  cases.push({ name: `lambda bundle --out ${what}`, argv: ['lambda', 'bundle', '--out', out], names: names.slice(0, 1) });
  cases.push({ name: `calibrate --out ${what}`, argv: ['calibrate', PROBE, '--out', out], names: ['--out'] });
}
cases.push({ name: 'calibrate --report on an existing file', argv: ['calibrate', PROBE, '--out', join(ws, 'm.json'), '--report', join(ws, 'file.txt')], names: ['--report', 'file.txt'] });
cases.push({ name: 'report into a folder Spillway did not write', argv: ['report', join(ws, 'user')], names: ['report', 'user', 'did not write'] });

// ---- From issue 11: limits, messages ----
simulate('--seed 1e20', MM1, ['--seed', '100000000000000000000'], ['--seed', '1e20']);
simulate('--seed -1', MM1, ['--seed', '-1'], ['--seed', '-1']);
simulate('--seed 1.5', MM1, ['--seed', '1.5'], ['--seed', '1.5']);
simulate('--duration 1e308', MM1, ['--duration', '1e+308'], ['--duration', '1e308']);
simulate('--duration 0', MM1, ['--duration', '0'], ['--duration', '0']);
simulate('--duration NaN', MM1, ['--duration'], ['--duration', 'NaN']);
simulate('--policy unknown', MM1, ['--policy', 'unknown policy "nosuch"'], ['--policy', 'nosuch']);
simulate('--param out of range', MM1, ['--param', 'share'], ['--policy', 'static', '--param', 'share=2']);
simulate('--param without =', MM1, ['--param', 'share'], ['--policy', 'static', '--param', 'share']);
simulate('an unknown option', MM1, ['Unknown argument: colour'], ['--colour', 'red']);
simulate('duration_s 1e308', scenarioFile({ ...mm1, duration_s: 1e308 }), ['scenario.json', 'duration_s']);
simulate('seed 1e20', scenarioFile({ ...mm1, seed: 1e20 }), ['scenario.json', 'seed']);
simulate('max_events 0', scenarioFile({ ...mm1, max_events: 0 }), ['scenario.json', 'max_events']);
simulate('a NaN literal', input('nan.json', '{\n  "name": NaN\n}\n'), ['nan.json:2:11', 'not valid JSON']);
simulate('a BOM before a bad field', input('bom.json', `\ufeff${JSON.stringify({ ...mm1, seed: -1 })}`), ['bom.json', 'seed']);
simulate('a trailing comma', input('comma.json', '{\n  "name": "x",\n}\n'), ['comma.json:3:1', 'trailing comma']);
simulate('truncated JSON', input('trunc.json', '{ "name": "x", "vertices": ['), ['trunc.json:1:29', 'not valid JSON']);
simulate('binary garbage', input('garbage.json', Uint8Array.from([0x00, 0xff, 0xfe, 0x01, 0x1b, 0x5b, 0x32, 0x4a])), ['garbage.json:1:1']);
simulate('an empty file', input('empty.json', ''), ['empty.json:1:1', 'not valid JSON']);
simulate('a missing scenario', join(ws, 'in', 'nope.json'), ['nope.json', 'cannot read']);
simulate('a folder as the scenario', join(ws, 'user'), ['user', 'cannot read']);
simulate('an unknown policy in the scenario', scenarioFile({ ...def, policy: { name: 'nosuch' } }), ['scenario.json', 'policy.name', 'nosuch']);
simulate('an out-of-range policy parameter in the scenario', scenarioFile({ ...def, policy: { name: 'static', params: { share: 5 } } }), ['scenario.json', 'policy.params', 'share']);
simulate('an unknown policy parameter in the scenario', scenarioFile({ ...def, policy: { name: 'static', params: { colour: 1 } } }), ['scenario.json', 'policy.params', 'colour']);
cases.push({ name: 'demo: an unknown policy in the scenario', argv: ['demo', scenarioFile({ ...def, policy: { name: 'nosuch' } }), '--no-report', '--out', join(ws, 'demo-new')], names: ['scenario.json', 'policy.name', 'nosuch'] });
cases.push({ name: 'demo: an out-of-range policy parameter in the scenario', argv: ['demo', scenarioFile({ ...def, policy: { name: 'static', params: { share: 5 } } }), '--no-report', '--out', join(ws, 'demo-new')], names: ['scenario.json', 'policy.params', 'share'] });
cases.push({ name: 'tune --policy unknown', argv: ['tune', MM1, '--policy', 'nosuch', '--out', join(ws, 'tune-new')], names: ['--policy', 'nosuch'] });
cases.push({ name: 'tune --train a missing trace', argv: ['tune', MM1, '--policy', 'static', '--train', join(ws, 'no.csv'), '--out', join(ws, 'tune-new')], names: ['--train', 'no.csv'] });
cases.push({ name: 'tune --holdout a folder', argv: ['tune', MM1, '--policy', 'static', '--holdout', join(ws, 'user'), '--out', join(ws, 'tune-new')], names: ['--holdout', 'user'] });
simulate('a missing platform model', scenarioFile({ ...def, offload: [{ ...(def.offload as Json[])[0], platform: 'nowhere.json' }] }), ['scenario.json', 'offload[0].platform', 'nowhere.json']);
simulate('a missing trace', scenarioFile({ ...mm1, workload: { ...(mm1.workload as Json), trace: join(ws, 'no.csv') } }), ['no.csv', 'cannot read trace']);
simulate('a cycle', scenarioFile({ ...mm1, edges: [...(mm1.edges as Json[]), { from: 'server', to: 'server', partitioning: 'forward' }] }), ['scenario.json', 'edges[2]']);

// ---- Generated: one schema violation per field of a valid scenario ----
type Path = (string | number)[];
const show = (p: Path): string => p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
function leaves(v: unknown, p: Path, out: [Path, unknown][]): [Path, unknown][] {
  if (Array.isArray(v)) v.forEach((x, i) => leaves(x, [...p, i], out));
  else if (v !== null && typeof v === 'object') {
    out.push([p, v]);
    for (const [k, x] of Object.entries(v)) leaves(x, [...p, k], out);
  } else out.push([p, v]);
  return out;
}
function setAt(obj: unknown, p: Path, value: unknown): unknown {
  const copy = structuredClone(obj) as Json;
  let cur: Json = copy;
  for (const k of p.slice(0, -1)) cur = cur[k as string] as Json;
  const last = p[p.length - 1] as string;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}
/** The field a message names: what follows "<file>: " up to the next ": ". */
const fieldOf = (line: string, file: string): string => line.slice(line.indexOf(`${file}: `) + file.length + 2).split(': ')[0];

const generated: { name: string; file: string; path: string; argv: string[] }[] = [];
function mutate(base: Json, label: string, argv: (f: string) => string[], skip: (p: string) => boolean, nullable = (_p: string) => false): void {
  for (const [p, v] of leaves(base, [], [])) {
    if (p.length === 0) continue;
    const path = show(p);
    if (skip(path)) continue;
    const variants: [string, unknown][] = [];
    if (typeof v === 'number') variants.push(['a string', 'x'], ...(nullable(path) ? [] : ([['null', null]] as [string, unknown][])));
    else if (typeof v === 'string') variants.push(['a number', 42]);
    else if (typeof v === 'boolean') variants.push(['a string', 'yes']);
    else if (Array.isArray(v)) continue;
    else variants.push(['an unknown field', { ...(v as Json), colour: 'red' }]);
    for (const [what, value] of variants) {
      const name = `${label}-${path}-${what}.json`.replace(/[^A-Za-z0-9_.-]/g, '_');
      const file = input(name, JSON.stringify(setAt(base, p, value), null, 2));
      generated.push({ name: `${label} ${path}: ${what}`, file, path: what === 'an unknown field' ? `${path}.colour` : path, argv: argv(file) });
    }
  }
}
const sim = (f: string): string[] => ['simulate', f, '--out', NEVER, '--no-report'];
// Free text, and the policy's own parameters (typed by the policy, checked by hand-written cases above).
const freeText = (p: string): boolean => /(^|\.)(name|description|\$schema)$|^policy\.params|^strategies\.(autoscaler|burst_autoscale)/.test(p) || p === 'workload.trace';
mutate(mm1, 'mm1', sim, freeText);
mutate(def, 'default', sim, (p) => freeText(p) || p.startsWith('offload[0].platform'));
// A platform model: each field broken, loaded through a scenario that points at it.
const modelFields = (p: string): boolean => p.startsWith('provenance') || /(^|\.)(description|id|source|method|runtime|architecture)$/.test(p);
// null means "no limit" for these.
const modelNullable = (p: string): boolean => /(account_limit|reserved|max_instances|max_lifetime_s|max_memory_mb)$/.test(p);
mutate(model, 'model', (f) => sim(scenarioFile({ ...def, offload: [{ ...(def.offload as Json[])[0], platform: f }] }, 'uses-model.json')), modelFields, modelNullable);

// ---- Generated: broken traces, each read by `trace inspect` (and one by a scenario) ----
const traces: [string, string, string][] = [
  ['a negative rate', 't_s,rate\n0,10\n5,-1\n', ':3:'],
  ['a rate that is not a number', 't_s,rate\n0,ten\n', ':2:'],
  ['NaN', 't_s,rate\n0,NaN\n', ':2:'],
  ['Infinity', 't_s,rate\n0,Infinity\n', ':2:'],
  ['time going back', 't_s,rate\n0,1\n5,1\n4,1\n', ':4:'],
  ['a repeated time', 't_s,rate\n0,1\n5,1\n5,2\n', ':4:'],
  ['not starting at 0', 't_s,rate\n1,1\n', ':2:'],
  ['three columns', 't_s,rate\n0,1,2\n', ':2:'],
  ['one column', 't_s,rate\n0\n', ':2:'],
  ['an unknown header', 'time,rate\n0,1\n', ':1:'],
  ['a rate above 1e9', 't_s,rate\n0,1e12\n', ':2:'],
  ['a time beyond 30 days', 't_s,rate\n0,1\n2592001,1\n', ':3:'],
  ['an event time beyond 30 days', 't_ms\n0\n2592000001\n', ':3:'],
  ['event times going back', 't_ms\n5\n4\n', ':3:'],
  ['a bad bytes column', 't_ms,bytes\n0,x\n', ':2:'],
  ['a header only', 't_s,rate\n', ':1:'],
  ['an empty trace', '', 'empty trace'],
  ['comments only', '# nothing\n', 'empty trace'],
  ['a BOM then a negative rate', '\ufefft_s,rate\n0,-5\n', ':2:'],
  ['binary garbage', '\u0000\u0001\u0002\n\u00ff', ':1:'],
  ['an unclosed quote', 't_ms,key\n0,"abc\n', ':2:'],
  ['a hex number', 't_s,rate\n0,0x10\n', ':2:'],
];
for (const [what, text, at] of traces) {
  const f = input(`trace-${what.replace(/\W+/g, '-')}.csv`, text);
  cases.push({ name: `trace inspect: ${what}`, argv: ['trace', 'inspect', f], names: [f, at] });
}
const BAD_TRACE = input('bad-trace.csv', 't_s,rate\n0,1\n0,2\n');
simulate('a scenario whose trace is broken', scenarioFile({ ...mm1, workload: { ...(mm1.workload as Json), trace: BAD_TRACE } }), [BAD_TRACE, ':3:']);

// ---- Other flags ----
cases.push({ name: 'sweep --workers -1', argv: ['sweep', SWEEP, '--workers', '-1', '--out', NEVER], names: ['--workers'] });
cases.push({ name: 'sweep --top 1.5', argv: ['sweep', SWEEP, '--top', '1.5', '--out', NEVER], names: ['--top'] });
cases.push({ name: 'a broken sweep file', argv: ['sweep', input('sweep-bad.json', '{"name": '), '--out', NEVER], names: ['sweep-bad.json:1:10'] });
cases.push({ name: 'trace gen --seed 1.5', argv: ['trace', 'gen', 'spike', '--seed', '1.5', '--out', join(ws, 't.csv')], names: ['seed'] });
cases.push({ name: 'trace gen unknown kind', argv: ['trace', 'gen', 'bogus', '--out', join(ws, 't.csv')], names: ['bogus'] });
cases.push({ name: 'trace inspect --k 0', argv: ['trace', 'inspect', TRACE_OK, '--k', '0'], names: ['--k'] });
cases.push({ name: 'calibrate on a garbage file', argv: ['calibrate', input('garbage.bin', Uint8Array.from([0x1b, 0x5b, 0x32, 0x4a, 0x07, 0x00, 0xff, 0x0a, 0x41])), '--out', join(ws, 'm.json')], names: ['garbage.bin:'] });
cases.push({ name: 'calibrate --alpha 2', argv: ['calibrate', PROBE, '--out', join(ws, 'm.json'), '--alpha', '2'], names: ['--alpha'] });
cases.push({ name: 'no command', argv: [], names: ['name a command'] });
cases.push({ name: 'an unknown command', argv: ['simulat'], names: ['simulat'] });

function expectOneClearLine(r: { code: number; stdout: string; stderr: string }, names: string[]): string {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  const lines = r.stderr.slice(0, -1).split('\n');
  expect(lines).toHaveLength(1);
  const line = lines[0];
  expect(line.startsWith('spillway: ')).toBe(true);
  expect(line).not.toMatch(/internal error|\bat .*:\d+:\d+\)?$|Error:/);
  // No raw control bytes reach the terminal.
  expect(line).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/);
  for (const s of names) expect(line).toContain(s);
  return line;
}

describe('the bad-input corpus (issue 11)', () => {
  // Per case the cheap digest (sizes, change times); over the whole corpus every byte as well.
  let contents = '';
  beforeAll(() => void (contents = treeHash(ws, true)));
  afterAll(() => expect(treeHash(ws, true)).toBe(contents));

  it('holds at least 150 cases', () => {
    expect(cases.length + generated.length).toBeGreaterThanOrEqual(150);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = treeHash(ws);
    const r = await runCaptured(c.argv);
    expectOneClearLine(r, c.names);
    expect(treeHash(ws)).toBe(before);
  });

  it.each(generated.map((g) => [g.name, g] as const))('%s', async (_name, g) => {
    const before = treeHash(ws);
    const r = await runCaptured(g.argv);
    const line = expectOneClearLine(r, [g.file]);
    // The message names the broken field or one of its parents (a distribution names its whole spec).
    const field = fieldOf(line, g.file);
    expect(field.length).toBeGreaterThan(0);
    expect(g.path === field || g.path.startsWith(`${field}.`) || g.path.startsWith(`${field}[`)).toBe(true);
    expect(treeHash(ws)).toBe(before);
  });
});
