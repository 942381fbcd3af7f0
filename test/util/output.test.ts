/** The output helper: what it writes, replaces and refuses (the refusals end to end are in test/cli/corpus.test.ts). */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/util/errors.js';
import { checkOutputFile, claimOutputDir, OUTPUT_MARKER, requireOwnDir, writeFileAtomic, writeOutputDir } from '../../src/util/output.js';
import { tempDir } from '../helpers/tmp.js';

describe('writeOutputDir', () => {
  it('creates a marked folder, then replaces its own output as a whole', async () => {
    const dir = tempDir('spillway-out-');
    const out = join(dir, 'run');
    await writeOutputDir(out, (s) => writeFileSync(join(s, 'a.txt'), '1'));
    expect(readdirSync(out).sort()).toEqual([OUTPUT_MARKER, 'a.txt']);
    await writeOutputDir(out, (s) => writeFileSync(join(s, 'b.txt'), '2'));
    // Replaced, not merged: a.txt is gone; nothing staged or old is left beside it.
    expect(readdirSync(out).sort()).toEqual([OUTPUT_MARKER, 'b.txt']);
    expect(readdirSync(dir)).toEqual(['run']);
  });

  it('a failing build leaves the earlier output as it was and nothing staged', async () => {
    const dir = tempDir('spillway-out-');
    const out = join(dir, 'run');
    await writeOutputDir(out, (s) => writeFileSync(join(s, 'a.txt'), '1'));
    await expect(
      writeOutputDir(out, (s) => {
        writeFileSync(join(s, 'half.txt'), 'x');
        throw new Error('crash mid-write');
      }),
    ).rejects.toThrow('crash mid-write');
    expect(readdirSync(out).sort()).toEqual([OUTPUT_MARKER, 'a.txt']);
    expect(readdirSync(dir)).toEqual(['run']);
  });

  it('removes a staging copy left by a killed process, and keeps a live one', async () => {
    const dir = tempDir('spillway-out-');
    mkdirSync(join(dir, '.run.999999999.staging'));
    mkdirSync(join(dir, `.run.${process.ppid}.staging`));
    await writeOutputDir(join(dir, 'run'), () => undefined);
    expect(readdirSync(dir).sort()).toEqual([`.run.${process.ppid}.staging`, 'run']);
  });

  it('writes into an empty folder; refuses a folder it did not write, before building', async () => {
    const dir = tempDir('spillway-out-');
    mkdirSync(join(dir, 'empty'));
    await writeOutputDir(join(dir, 'empty'), (s) => writeFileSync(join(s, 'a.txt'), '1'));
    expect(existsSync(join(dir, 'empty', 'a.txt'))).toBe(true);
    mkdirSync(join(dir, 'theirs'));
    writeFileSync(join(dir, 'theirs', 'keep.txt'), 'mine');
    let built = false;
    await expect(writeOutputDir(join(dir, 'theirs'), () => void (built = true))).rejects.toThrow(UserError);
    expect(built).toBe(false);
    expect(readdirSync(join(dir, 'theirs'))).toEqual(['keep.txt']);
  });
});

describe('claimOutputDir and checkOutputFile', () => {
  it('claims a new folder and accepts it again (a sweep resumes into it)', () => {
    const dir = tempDir('spillway-out-');
    const out = join(dir, 'sweep');
    claimOutputDir(out);
    writeFileSync(join(out, 'runs.jsonl'), '{}\n');
    expect(claimOutputDir(out)).toBe(out);
    expect(readFileSync(join(out, 'runs.jsonl'), 'utf8')).toBe('{}\n');
  });

  it('replaces a file only when Spillway wrote it', () => {
    const dir = tempDir('spillway-out-');
    const mine = join(dir, 'mine.csv');
    writeFileSync(mine, '# Spillway rate trace\n');
    writeFileSync(join(dir, 'theirs.csv'), 't_s,rate\n');
    const isOwn = (p: string) => readFileSync(p, 'utf8').startsWith('# Spillway');
    expect(checkOutputFile(mine, '--out', { isOwn })).toBe(mine);
    expect(() => checkOutputFile(join(dir, 'theirs.csv'), '--out', { isOwn })).toThrow(`--out ${join(dir, 'theirs.csv')}: is an existing file Spillway did not write`);
    writeFileAtomic(mine, 'new');
    expect(readdirSync(dir).sort()).toEqual(['mine.csv', 'theirs.csv']);
  });
});

describe('requireOwnDir (spillway report)', () => {
  it('accepts a folder Spillway wrote and a run folder inside one; refuses any other', async () => {
    const dir = tempDir('spillway-out-');
    await writeOutputDir(join(dir, 'cmp'), (s) => mkdirSync(join(s, 'backpressure')));
    expect(requireOwnDir(join(dir, 'cmp'), 'report')).toBe(join(dir, 'cmp'));
    expect(requireOwnDir(join(dir, 'cmp', 'backpressure'), 'report')).toBe(join(dir, 'cmp', 'backpressure'));
    mkdirSync(join(dir, 'cmp', 'backpressure', 'deeper'));
    expect(() => requireOwnDir(join(dir, 'cmp', 'backpressure', 'deeper'), 'report')).toThrow('is a folder Spillway did not write');
    mkdirSync(join(dir, 'theirs'));
    expect(() => requireOwnDir(join(dir, 'theirs'), 'report')).toThrow(UserError);
  });
});
