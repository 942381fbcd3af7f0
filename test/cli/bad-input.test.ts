/**
 * A user's mistake gets one clear line naming the file and the line or field, exit code 2, no stack
 * trace, and nothing written. Runs the built CLI (`npm test` builds first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = 'dist/src/cli/main.js';
const BAD = 'test/fixtures/bad';

function spillway(...args: string[]): { code: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

const cases: [string, string[], RegExp][] = [
  ['missing scenario file', [`${BAD}/nope.json`], /^spillway: test\/fixtures\/bad\/nope\.json: cannot read the scenario file$/],
  ['truncated JSON', [`${BAD}/truncated.json`], /^spillway: test\/fixtures\/bad\/truncated\.json: not valid JSON: /],
  ['zero parallelism', [`${BAD}/zero-parallelism.json`], /^spillway: test\/fixtures\/bad\/zero-parallelism\.json: vertices\[1\]\.parallelism: must be >= 1$/],
  ['unknown field', [`${BAD}/unknown-field.json`], /^spillway: test\/fixtures\/bad\/unknown-field\.json: colour: is not a known field$/],
  ['unknown vertex in an edge', [`${BAD}/unknown-vertex.json`], /: edges\[0\]\.to: unknown vertex "nowhere"$/],
  ['incomplete distribution', [`${BAD}/bad-distribution.json`], /: vertices\[0\]\.service_ms\.mu: is required$/],
  ['cycle', [`${BAD}/cycle.json`], /: edges: the graph has a cycle through "a"$/],
  ['non-monotonic trace', [`${BAD}/bad-trace.json`], /nonmonotonic\.csv:4: /],
  ['bad platform model', [`${BAD}/bad-model.json`], /bad-model-file\.json: /],
  ['negative seed', ['examples/queues/mm1.json', '--seed', '-1'], /^spillway: --seed: expected a whole number ≥ 0, got -1$/],
  ['zero duration', ['examples/queues/mm1.json', '--duration', '0'], /^spillway: --duration: expected a positive number of seconds, got 0$/],
  ['unknown policy', ['examples/queues/mm1.json', '--policy', 'nosuch'], /^spillway: unknown policy "nosuch"/],
  ['bad policy parameter', ['examples/queues/mm1.json', '--policy', 'static', '--param', 'share=2'], /share/],
  ['unknown option', ['examples/queues/mm1.json', '--colour', 'red'], /^spillway: Unknown argument: colour$/],
];

describe('bad input to `spillway simulate`', () => {
  for (const [what, args, message] of cases) {
    it(`${what}: one line, exit 2, nothing written`, () => {
      const out = join(mkdtempSync(join(tmpdir(), 'spillway-bad-')), 'run');
      const r = spillway('simulate', ...args, '--out', out);
      expect(r.code).toBe(2);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    });
  }
});
