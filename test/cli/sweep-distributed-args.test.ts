/**
 * Mistakes in `spillway sweep`'s distributed options: one line, exit 2, no sweep directory made. Runs the built CLI;
 * the parsing itself is tested without processes in test/experiment/sweep-shard.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const SWEEP = 'test/experiment/sweep-fixtures/real/fanout.json';

const cases: [string, string[], Record<string, string>, RegExp][] = [
  ['shard index out of range', ['--shard', '3/3'], {}, /^spillway: --shard: shard index 3 is not below the count 3 \(indices run from 0 to 2\)$/],
  ['lambda without a function', ['--executor', 'lambda'], {}, /^spillway: --executor lambda needs --function NAME/],
  ['lambda option on threads', ['--concurrency', '4'], {}, /^spillway: --concurrency applies to --executor lambda only$/],
  ['S3 threshold on threads', ['--s3-above', '1'], {}, /^spillway: --s3-above applies to --executor lambda only$/],
  ['S3 threshold without --s3', ['--executor', 'lambda', '--function', 'f', '--s3-above', '1'], {}, /^spillway: --s3-above applies with --s3 only$/],
  ['S3 threshold of 0', ['--executor', 'lambda', '--function', 'f', '--s3', 's3://bucket-x/p', '--s3-above', '0'], {}, /^spillway: --s3-above: expected a whole number >= 1, got 0$/],
  ['Slurm task off its array\'s step', ['--workers', '0'], { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '10', SLURM_ARRAY_TASK_STEP: '2', SLURM_ARRAY_TASK_COUNT: '6' },
    /^spillway: SLURM_ARRAY_TASK_ID 3: not on the array's range from 0 in steps of 2; submit the array as a range/],
  ['endpoint not running', ['--executor', 'lambda', '--function', 'f', '--endpoint', 'http://127.0.0.1:9'], {}, /^spillway: sweep --executor lambda: function f: cannot reach http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/],
];

describe('bad distributed options to `spillway sweep`', () => {
  for (const [what, args, env, message] of cases) {
    it(`${what}: one line, exit 2, nothing written`, () => {
      const out = join(tempDir('spillway-bad-sweep-'), 'out');
      const r = spawnSync(process.execPath, ['dist/src/cli/main.js', 'sweep', SWEEP, ...args, '--out', out], {
        encoding: 'utf8',
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      });
      expect(r.status).toBe(2);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  }
});
