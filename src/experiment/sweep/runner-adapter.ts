/**
 * Adapting the simulator's run API (src/experiment/runner.ts: loadScenario, runScenario) to the sweep's RunFn.
 * The module is loaded by specifier so worker threads and tests can substitute another module with the same
 * two functions (tests use a fast fake).
 */
import type { RunSummary } from '../../metrics/summary.js';
import type { RunFn } from './executor.js';
import type { RunOutput, SweepRunOptions } from './types.js';

/** The part of runner.ts the sweep uses. */
export interface RunnerModule {
  loadScenario(path: string): unknown;
  runScenario(
    scenario: never,
    options?: SweepRunOptions,
  ): { summary: RunSummary; wallMs?: number; latencyCdf?: [number, number][] | undefined };
}

/** The simulator's runner, next to this directory (runner.js in dist/, runner.ts under vitest). */
export const DEFAULT_RUNNER_MODULE = new URL('../runner.js', import.meta.url).href;

export async function importRunner(specifier: string = DEFAULT_RUNNER_MODULE): Promise<RunnerModule> {
  const mod = (await import(specifier)) as Partial<RunnerModule>;
  if (typeof mod.loadScenario !== 'function' || typeof mod.runScenario !== 'function') {
    throw new Error(`${specifier}: does not export loadScenario and runScenario`);
  }
  return mod as RunnerModule;
}

/** A RunFn over a runner module; each scenario file is loaded (and validated) once and reused. */
export function makeRunFn(runner: RunnerModule): RunFn {
  const scenarios = new Map<string, unknown>();
  return (scenarioPath: string, options: SweepRunOptions): RunOutput => {
    let scenario = scenarios.get(scenarioPath);
    if (scenario === undefined) {
      scenario = runner.loadScenario(scenarioPath);
      scenarios.set(scenarioPath, scenario);
    }
    const started = performance.now();
    const result = runner.runScenario(scenario as never, options);
    const output: RunOutput = { summary: result.summary, wallMs: result.wallMs ?? performance.now() - started };
    if (Array.isArray(result.latencyCdf)) output.latencyCdf = result.latencyCdf;
    return output;
  };
}
