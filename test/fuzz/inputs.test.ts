/**
 * Property-based fuzzing of the three loaders of user files: random mutations of valid scenarios, traces and
 * platform models (a field replaced by any JSON value, removed, or added; characters inserted, deleted or
 * replaced in the text) either load or raise the project's UserError with a one-line message: never a
 * TypeError, a RangeError, or a hang.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/scenario/load.js';
import { checkPlatformModel } from '../../src/serverless/model-file.js';
import { UserError } from '../../src/util/errors.js';
import { parseJsonFile } from '../../src/util/json.js';
import { parseTrace } from '../../src/workload/parse.js';

const RUNS = 300;
type Json = Record<string, unknown>;
const scenarios = ['examples/default.json', 'examples/queues/mm1.json', 'examples/nexmark-q5-window.json'].map((f) => readFileSync(f, 'utf8'));
const model = readFileSync('models/aws-lambda-nodejs-1024.json', 'utf8');
const traces = [
  readFileSync('traces/spike.csv', 'utf8').slice(0, 2000),
  't_ms,bytes,key\n0,100,a\n0,120,b\n5.5,90,a\n7,80,"c,d"\n',
  '# comment\nt_ms\n0\n1\n2\n',
];

/** Only the project's user error may escape, with a one-line message naming something. */
function expectUserErrorOrNothing(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    expect(err.message.length).toBeGreaterThan(0);
  }
}

/** Paths to every node of a JSON value. */
function paths(v: unknown, p: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(p);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...p, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...p, k], out);
  return out;
}

/** A structural mutation: at the pick-th node, replace by `value`, delete it, or add a field to it. */
const jsonMutation = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom('replace', 'delete', 'add'),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(-1, 0, 1e308, -1e308, 1.5, Number.MAX_SAFE_INTEGER + 2, '', 'x', null, [], {}, true),
  ),
  key: fc.string({ maxLength: 6 }),
});
function applyJson(base: unknown, m: { pick: number; op: string; value: unknown; key: string }): unknown {
  const root = structuredClone(base);
  const all = paths(root);
  const p = all[m.pick % all.length];
  if (p.length === 0) return m.op === 'replace' ? m.value : root;
  let parent = root as Json;
  for (const k of p.slice(0, -1)) parent = parent[k as string] as Json;
  const last = p[p.length - 1] as string;
  if (m.op === 'replace') parent[last] = m.value;
  else if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    if (target && typeof target === 'object' && !Array.isArray(target)) (target as Json)[m.key] = m.value;
    else parent[last] = m.value;
  }
  return root;
}

/** A text mutation: at a position, insert, delete or replace a short run of characters (any, bytes included). */
const textMutation = fc.array(
  fc.record({
    at: fc.nat(),
    del: fc.nat(4),
    ins: fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('\ufeff', '\u0000', '\n', ',', '"', '{', ']', 'NaN', '-', '1e400', '\r\n')),
  }),
  { minLength: 1, maxLength: 4 },
);
function applyText(text: string, edits: { at: number; del: number; ins: string }[]): string {
  let t = text;
  for (const e of edits) {
    const at = e.at % (t.length + 1);
    t = t.slice(0, at) + e.ins + t.slice(at + e.del);
  }
  return t;
}

describe('fuzzing the loaders: only UserError escapes', () => {
  it('scenario loader: structural mutations', () => {
    fc.assert(
      fc.property(fc.nat(scenarios.length - 1), jsonMutation, (i, m) => {
        const json = applyJson(JSON.parse(scenarios[i]), m);
        expectUserErrorOrNothing(() => checkScenario(json, '/tmp/x/s.json', 's.json'));
      }),
      { numRuns: RUNS },
    );
  });

  it('scenario loader: text mutations', () => {
    fc.assert(
      fc.property(fc.nat(scenarios.length - 1), textMutation, (i, edits) => {
        expectUserErrorOrNothing(() => checkScenario(parseJsonFile(applyText(scenarios[i], edits), 's.json'), '/tmp/x/s.json', 's.json'));
      }),
      { numRuns: RUNS },
    );
  });

  it('platform model loader: structural and text mutations', () => {
    fc.assert(
      fc.property(jsonMutation, textMutation, fc.boolean(), (m, edits, text) => {
        expectUserErrorOrNothing(() =>
          checkPlatformModel(text ? parseJsonFile(applyText(model, edits), 'm.json') : applyJson(JSON.parse(model), m), 'm.json'),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('trace parser: text mutations, with and without a duration', () => {
    fc.assert(
      fc.property(fc.nat(traces.length - 1), textMutation, fc.option(fc.oneof(fc.double(), fc.integer())), (i, edits, durationS) => {
        expectUserErrorOrNothing(() => parseTrace(applyText(traces[i], edits), 't.csv', durationS === null ? {} : { durationS }));
      }),
      { numRuns: RUNS },
    );
  });
});
