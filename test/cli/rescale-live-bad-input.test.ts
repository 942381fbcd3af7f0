/** `spillway rescale-live`: a mistake is one line, exit 2, before any JVM starts or anything is written. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('spillway-rescale-bad-');
const cases: [string[], RegExp][] = [
  [['--repeats', '0'], /^spillway: --repeats: expected an integer in \[1, 50\], got 0$/],
  [['--from', '0'], /^spillway: --from: expected an integer in \[1, 8\], got 0$/],
  [['--to', '2.5'], /^spillway: --to: expected an integer in \[1, 8\], got 2\.5$/],
  [['--rate', '-3'], /^spillway: --rate: expected records\/s in \(0, 100000\], got -3$/],
  [['--warm', '0'], /^spillway: --warm: expected seconds in \[1, 600\], got 0$/],
  [['--mode', 'reactive'], /^spillway: --mode: expected savepoint or in-place, got reactive$/],
];

describe('bad input to `spillway rescale-live`', () => {
  for (const [args, message] of cases) {
    it(`${args.join(' ')}: one line, exit 2, nothing written`, () => {
      const out = join(dir, args.join('-').replace(/\W+/g, '-'));
      const r = spawnSync(process.execPath, ['dist/src/cli/main.js', 'rescale-live', ...args, '--out', out], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  }
});
