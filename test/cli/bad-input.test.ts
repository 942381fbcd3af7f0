/**
 * A user's mistake gets one clear line naming the file and the line or field, exit code 2, no stack
 * trace, and nothing written: exact messages for the fixtures in test/fixtures/bad (in-process), and the
 * built CLI once as a process, to hold main.ts to the same exit code. The wider corpus is corpus.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCaptured } from '../helpers/cli.js';

const CLI = 'dist/src/cli/main.js';
const BAD = 'test/fixtures/bad';
const tmp = mkdtempSync(join(tmpdir(), 'spillway-bad-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cases: [string, string[], RegExp][] = [
  ['missing scenario file', [`${BAD}/nope.json`], /^spillway: test\/fixtures\/bad\/nope\.json: cannot read the scenario file$/],
  ['truncated JSON', [`${BAD}/truncated.json`], /^spillway: test\/fixtures\/bad\/truncated\.json:\d+:\d+: not valid JSON: /],
  ['zero parallelism', [`${BAD}/zero-parallelism.json`], /^spillway: test\/fixtures\/bad\/zero-parallelism\.json: vertices\[1\]\.parallelism: must be >= 1$/],
  ['unknown field', [`${BAD}/unknown-field.json`], /^spillway: test\/fixtures\/bad\/unknown-field\.json: colour: is not a known field$/],
  ['unknown vertex in an edge', [`${BAD}/unknown-vertex.json`], /: edges\[0\]\.to: unknown vertex "nowhere"$/],
  ['incomplete distribution', [`${BAD}/bad-distribution.json`], /: vertices\[0\]\.service_ms\.mu: is required$/],
  ['cycle', [`${BAD}/cycle.json`], /: edges: the graph has a cycle through "a"$/],
  ['non-monotonic trace', [`${BAD}/bad-trace.json`], /nonmonotonic\.csv:4: /],
  ['bad platform model', [`${BAD}/bad-model.json`], /bad-model-file\.json: /],
  ['negative seed', ['examples/queues/mm1.json', '--seed', '-1'], /^spillway: --seed: expected a whole number from 0 to 9007199254740991, got -1$/],
  ['zero duration', ['examples/queues/mm1.json', '--duration', '0'], /^spillway: --duration: expected a positive number of seconds up to 2592000 \(30 days\), got 0$/],
  ['unknown policy', ['examples/queues/mm1.json', '--policy', 'nosuch'], /^spillway: --policy: unknown policy "nosuch"/],
  ['bad policy parameter', ['examples/queues/mm1.json', '--policy', 'static', '--param', 'share=2'], /^spillway: --param: policy "static": parameter "share": given "2", allowed: a number from 0 to 1$/],
  ['unknown option', ['examples/queues/mm1.json', '--colour', 'red'], /^spillway: Unknown argument: colour$/],
];

describe('bad input to `spillway simulate`', () => {
  for (const [what, args, message] of cases) {
    it(`${what}: one line, exit 2, nothing written`, async () => {
      const out = join(tmp, 'run');
      const r = await runCaptured(['simulate', ...args, '--out', out]);
      expect(r.code).toBe(2);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('the built CLI, as a process: exit 2 and the same one line', () => {
    const r = spawnSync(process.execPath, [CLI, 'simulate', `${BAD}/zero-parallelism.json`, '--out', join(tmp, 'run')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('spillway: test/fixtures/bad/zero-parallelism.json: vertices[1].parallelism: must be >= 1\n');
    expect(existsSync(join(tmp, 'run'))).toBe(false);
  });
});
