/**
 * The same-work references of ../shared/reference/bench/ (outside the project): the 3-station tandem in C++
 * (built here with g++ -O2) and in SimPy, run on this host in the same bench run so that ratios compare like
 * with like. CPU time is the child's user + system time (bash's `time`), so it includes the process start
 * (a few ms for C++, ~0.1-0.2 s of interpreter and SimPy import for Python). A missing compiler, Python or SimPy
 * skips that reference with a note.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { projectRoot } from './common.js';

export interface ReferenceRun {
  records: number;
  cpuS: number;
  wallS: number;
  /** The C++ loop's own event count (SimPy prints none). */
  events?: number;
  meanLatency: number;
}

export type Reference = { run: (records: number, lambda: number, k: number) => ReferenceRun } | { note: string };

/** SPILLWAY_REFERENCE_DIR, else ../shared/reference/bench beside the project (or one level further up, for a worktree). */
function referenceDir(): string {
  const env = process.env.SPILLWAY_REFERENCE_DIR;
  if (env) return resolve(env);
  const near = resolve(projectRoot(), '../shared/reference/bench');
  const far = resolve(projectRoot(), '../../shared/reference/bench');
  return existsSync(near) || !existsSync(far) ? near : far;
}

/** Run `cmd args` under bash's `time`; returns its stdout and the child's CPU seconds. */
function timed(cmd: string, args: string[]): { out: string; cpuS: number } {
  const quoted = [cmd, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%U %S'; time ${quoted}`], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${(r.stderr ?? '').trim().split('\n')[0]}`);
  const times = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { out: r.stdout, cpuS: times[0] + times[1] };
}

function parse(out: string, cpuS: number): ReferenceRun {
  const f: Record<string, number> = {};
  for (const m of out.matchAll(/(\w+)=([\d.]+)/g)) f[m[1]] = Number(m[2]);
  return { records: f.records, cpuS, wallS: f.wall_s, events: f.events, meanLatency: f.mean_latency };
}

/** The C++ reference, compiled once per bench run into a temporary directory. */
export function cppReference(): Reference {
  const src = join(referenceDir(), 'tandem.cpp');
  if (!existsSync(src)) return { note: `${src} not found: C++ reference skipped` };
  const dir = join(tmpdir(), 'spillway-bench-ref');
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, 'tandem');
  try {
    execFileSync('g++', ['-O2', '-o', bin, src], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    return { note: `g++ -O2 tandem.cpp failed or g++ is absent (${(err as Error).message.split('\n')[0]}): C++ reference skipped` };
  }
  return { run: (records, lambda, k) => { const r = timed(bin, [String(records), String(lambda), String(k)]); return parse(r.out, r.cpuS); } };
}

/** The SimPy reference, when python3 can import simpy. */
export function simpyReference(): Reference {
  const src = join(referenceDir(), 'tandem_simpy.py');
  if (!existsSync(src)) return { note: `${src} not found: SimPy reference skipped` };
  const probe = spawnSync('python3', ['-c', 'import simpy'], { encoding: 'utf8' });
  if (probe.status !== 0) return { note: 'python3 with simpy not found (pip install simpy): SimPy reference skipped' };
  return { run: (records, lambda, k) => { const r = timed('python3', [src, String(records), String(lambda), String(k)]); return parse(r.out, r.cpuS); } };
}
