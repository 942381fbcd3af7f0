/** The `spillway lambda` command module, driven through yargs as main.ts does. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { lambdaCommand, parseNumberList } from '../../src/cli/commands/lambda.js';
import { readZip } from '../../src/endpoint/zip-read.js';
import { UserError } from '../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'spillway-lambda-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): Promise<unknown> {
  return yargs(args)
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UserError(msg);
    })
    .command(lambdaCommand)
    .parseAsync();
}

describe('spillway lambda', () => {
  it('bundle --runtime python --out writes the deployable zip', async () => {
    const out = join(dir, 'fn.zip');
    await run(['lambda', 'bundle', '--runtime', 'python', '--out', out]);
    expect(existsSync(out)).toBe(true);
    expect([...readZip(readFileSync(out)).keys()]).toEqual(['handler.py']);
  });

  it('turns bad option values into UserError', async () => {
    await expect(run(['lambda', 'deploy', '--memory', '64', '--endpoint', 'http://127.0.0.1:9'])).rejects.toThrow(/--memory must be an integer in \[128, 10240\]/);
    await expect(run(['lambda', 'probe', '--endpoint', 'http://127.0.0.1:9', '--batch-records', '1,x'])).rejects.toThrow(UserError);
    await expect(run(['lambda', 'serve', '--port', '0', '--error-rate', '2'])).rejects.toThrow(/--error-rate must be a number in \[0, 1\]/);
    await expect(run(['lambda', 'deploy', '--endpoint', 'not a url'])).rejects.toThrow(/is not a URL/);
  });

  it('parses --batch-records lists', () => {
    expect(parseNumberList('batch-records', ['1,10', '100'])).toEqual([1, 10, 100]);
    expect(parseNumberList('batch-records', undefined)).toBeUndefined();
  });
});
