/**
 * Ctrl-C end to end, on the built CLI (`npm test` builds it first): a `simulate` interrupted while its output is
 * staged exits 130 and leaves neither the staging copy nor a half-written target, and an earlier Spillway output
 * at the target exactly as it was; a `sweep` interrupted mid-way exits 130, and run again finishes with the same
 * results.json as an uninterrupted sweep. No timings: a test hook (SPILLWAY_TEST_HOLD) holds the process inside the
 * window and says so on stderr; each wait is a bounded poll for that line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { OUTPUT_MARKER } from '../../src/util/output.js';
import { treeHash } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const CLI = resolve('dist/src/cli/main.js');
/** Hidden copies the output helper makes beside a target: staging, the old output, temp files. */
const HIDDEN = /^\..+\.\d+\.(staging|old|tmp)$/;

interface Running {
  child: ChildProcess;
  exit: Promise<Ended>;
  /** What the process has written so far. */
  out: { stdout: string; stderr: string };
}

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: NodeJS.ProcessEnv = process.env): Running {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exit = new Promise<Ended>((res) => child.on('close', (code) => res({ code, ...out })));
  return { child, exit, out };
}

/** Poll (at most ~2 minutes) until `ready()` holds; false if the process ended first. */
async function waitFor(r: Running, ready: () => boolean): Promise<boolean> {
  for (let i = 0; i < 12_000; i++) {
    if (ready()) return true;
    if (r.child.exitCode !== null || r.child.signalCode !== null) return false;
    await sleep(10);
  }
  return false;
}

const hidden = (dir: string): string[] => readdirSync(dir).filter((n) => HIDDEN.test(n));

/**
 * Simulate the default scenario into `target` and send SIGINT while its output is staged: the test hook holds the
 * process after the build, before the swap, and says so on stderr, so the signal cannot come too late.
 */
async function interruptSimulate(target: string): Promise<Ended> {
  const parent = resolve(target, '..');
  const r = start(['simulate', 'examples/default.json', '--out', target], { ...process.env, SPILLWAY_TEST_HOLD: 'staging' });
  const held = await waitFor(r, () => r.out.stderr.includes('held at staging'));
  expect(held, 'simulate reached its swap while running').toBe(true);
  expect(hidden(parent).filter((n) => n.endsWith('.staging')), 'the staging copy is there').toHaveLength(1);
  r.child.kill('SIGINT');
  return r.exit;
}

describe('Ctrl-C while simulate stages its output', () => {
  it('into a new folder: exit 130, no staging copy, no target', async () => {
    const parent = tempDir('spillway-int-sim-');
    const target = join(parent, 'run');
    const { code } = await interruptSimulate(target);
    expect(code).toBe(130);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('over an earlier Spillway output: exit 130, the earlier output byte for byte as it was', async () => {
    const parent = tempDir('spillway-int-sim-');
    const target = join(parent, 'run');
    mkdirSync(join(target, 'charts'), { recursive: true });
    writeFileSync(join(target, OUTPUT_MARKER), 'written by spillway\n');
    writeFileSync(join(target, 'summary.json'), '{"earlier": true}\n');
    writeFileSync(join(target, 'charts', 'a.svg'), '<svg/>\n');
    const before = treeHash(target, true);
    const { code } = await interruptSimulate(target);
    expect(code).toBe(130);
    expect(readdirSync(parent)).toEqual(['run']);
    expect(treeHash(target, true)).toBe(before);
  });
});

describe('Ctrl-C during a sweep', () => {
  it('exit 130, finished runs kept, nothing half-written; run again, it resumes to the same results.json', async () => {
    const dir = tempDir('spillway-int-sweep-');
    const sweep = join(dir, 'sweep.json');
    writeFileSync(
      sweep,
      JSON.stringify({
        name: 'interrupted',
        scenario: resolve('examples/default.json'),
        duration_s: 120,
        seeds: 3,
        policies: [{ name: 'backpressure' }, { name: 'static', params: { share: [0.5] } }],
        objective: { minimize: 'latency_p99_ms' },
      }),
    );
    const args = (out: string): string[] => ['sweep', sweep, '--workers', '1', '--no-report', '--out', out];
    const runsOf = (out: string): string[] => {
      const f = join(out, 'runs.jsonl');
      return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : [];
    };

    const cut = join(dir, 'cut');
    const r = start(args(cut), { ...process.env, SPILLWAY_TEST_HOLD: 'first-run' });
    expect(await waitFor(r, () => r.out.stderr.includes('held at first-run')), 'a first run was recorded while the sweep was running').toBe(true);
    expect(runsOf(cut)).toHaveLength(1);
    r.child.kill('SIGINT');
    const { code, stderr } = await r.exit;
    expect(code).toBe(130);
    expect(stderr).toMatch(/sweep interrupted interrupted: \d of 6 runs recorded/);
    const recorded = runsOf(cut).length;
    expect(recorded).toBeGreaterThanOrEqual(1);
    expect(recorded).toBeLessThan(6);
    expect(existsSync(join(cut, 'results.json'))).toBe(false);
    expect(hidden(cut)).toEqual([]);
    expect(hidden(dir)).toEqual([]);

    const resumed = await start(args(cut)).exit;
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`6 runs (${6 - recorded} run now, ${recorded} already recorded)`);
    expect(runsOf(cut)).toHaveLength(6);
    const whole = join(dir, 'whole');
    expect((await start(args(whole)).exit).code).toBe(0);
    expect(readFileSync(join(cut, 'results.json'), 'utf8')).toBe(readFileSync(join(whole, 'results.json'), 'utf8'));
  });
});
