/** Shared helpers for the sweep tests: a scratch directory with the fixtures, sweep files, the fake runner. */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InProcessExecutor, type RunFn } from '../../src/experiment/sweep/executor.js';
import { makeRunFn, type RunnerModule } from '../../src/experiment/sweep/runner-adapter.js';
// @ts-expect-error plain JS fixture without types
import * as fake from './sweep-fixtures/fake-runner.mjs';
import { tempDir } from '../helpers/tmp.js';

export const FIXTURES = fileURLToPath(new URL('./sweep-fixtures/', import.meta.url));
export const FAKE_RUNNER_URL = new URL('./sweep-fixtures/fake-runner.mjs', import.meta.url).href;

export const fakeRunner = fake as unknown as RunnerModule;

export function fakeRunFn(): RunFn {
  return makeRunFn(fakeRunner);
}

export function fakeExecutor(runFn: RunFn = fakeRunFn()): InProcessExecutor {
  return new InProcessExecutor(runFn);
}

/** A fresh directory holding copies of the fixture files. */
export function scratch(): string {
  const dir = tempDir('spillway-sweep-test-');
  for (const f of readdirSync(FIXTURES, { withFileTypes: true })) if (f.isFile()) cpSync(join(FIXTURES, f.name), join(dir, f.name));
  return dir;
}

export const BASE_SWEEP = {
  name: 'fixture',
  scenario: 'scenario.json',
  traces: ['trace.csv', 'trace2.csv'],
  seeds: 3,
  mode: 'grid',
  policies: [
    { name: 'backpressure' },
    { name: 'static', params: { share: [0.3, 0.5, 0.7], threshold: [100, 1000] } },
  ],
  objective: { minimize: 'latency_p99_ms', subject_to: { cost_usd_per_hour: { max: 2.0 } } },
};

export function writeSweep(dir: string, sweep: unknown, name = 'test-sweep.json'): string {
  const file = join(dir, name);
  writeFileSync(file, typeof sweep === 'string' ? sweep : `${JSON.stringify(sweep, null, 2)}\n`);
  return file;
}

export function read(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'utf8');
}
