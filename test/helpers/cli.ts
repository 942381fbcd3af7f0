/**
 * Run the `spillway` CLI in-process (runCli, the same program main.ts runs) and capture its exit code,
 * stdout and stderr: a corpus of hundreds of bad inputs costs milliseconds each instead of a node start-up.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCaptured(argv: string[]): Promise<CliOutcome> {
  const out: string[] = [];
  const err: string[] = [];
  const origOut = process.stdout.write.bind(process.stdout);
  const origErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => (err.push(String(s)), true)) as typeof process.stderr.write;
  let code: number;
  try {
    code = await runCli(argv);
  } finally {
    process.stdout.write = origOut;
    process.stderr.write = origErr;
    process.exitCode = undefined;
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/**
 * A digest of a folder tree: every path, its kind and mode, and each file's size and change time in
 * nanoseconds (any write, rename or chmod moves ctime), or with `contents`, every file's bytes.
 */
export function treeHash(dir: string, contents = false): string {
  const h = createHash('sha256');
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p, { bigint: true });
      h.update(`${rel}/${name}:${st.isDirectory() ? 'd' : st.isFile() ? 'f' : 'o'}:${st.mode}:${st.size}:${st.ctimeNs}:${st.mtimeNs}\n`);
      if (st.isDirectory()) walk(p, `${rel}/${name}`);
      else if (contents && st.isFile()) h.update(readFileSync(p));
    }
  };
  walk(dir, '');
  return h.digest('hex');
}
