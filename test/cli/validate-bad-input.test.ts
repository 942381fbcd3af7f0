/**
 * validate's new flags (--repeat, --work-mode, --tolerances, --drain, --seed): a mistake is one line, exit 2, before
 * anything starts or is written. Runs the built CLI (`npm test` builds first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const CLI = 'dist/src/cli/main.js';
const SCENARIO = 'test/e2e/validate-spike.json';
const dir = tempDir('spillway-validate-bad-');
const badTol = join(dir, 'tol.json');
writeFileSync(badTol, '[{"key":"latency_p99_ms","kind":"relative","tolerance":0}]');

const cases: [string, string[], RegExp][] = [
  ['--repeat 0', ['--repeat', '0'], /^spillway: --repeat: expected a whole number from 1 to 50, got 0$/],
  ['--repeat 2.5', ['--repeat', '2.5'], /^spillway: --repeat: expected a whole number from 1 to 50, got 2\.5$/],
  ['--work-mode fast', ['--work-mode', 'fast'], /^spillway: --work-mode: expected cpu or wait, got "fast"$/],
  ['--drain -1', ['--drain', '-1'], /^spillway: --drain: expected seconds in \(0, 3600\], got -1$/],
  ['--seed 1.5', ['--seed', '1.5'], /^spillway: --seed: expected an integer, got 1\.5$/],
  ['--tolerances missing', ['--tolerances', join(dir, 'nope.json')], /^spillway: --tolerances .*nope\.json: ENOENT/],
  ['--flink session --task-managers 0', ['--flink', 'session', '--task-managers', '0'], /^spillway: --task-managers: expected an integer in \[1, 8\], got 0$/],
  ['--flink session --repeat 2', ['--flink', 'session', '--repeat', '2'], /^spillway: --repeat: not with --flink session/],
  ['--tolerances zero', ['--tolerances', badTol], /^spillway: --tolerances .*tol\.json: entry 0 \(latency_p99_ms\): tolerance must be a positive number$/],
];

describe('bad input to `spillway validate`', () => {
  for (const [what, args, message] of cases) {
    it(`${what}: one line, exit 2, nothing written`, () => {
      const out = join(dir, what.replace(/\W+/g, '-'));
      const r = spawnSync(process.execPath, [CLI, 'validate', SCENARIO, ...args, '--out', out], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  }
});
