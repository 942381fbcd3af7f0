/**
 * Adapting the simulator's run API (src/experiment/runner.ts: loadScenario, runScenario) to the sweep's RunFn.
 * The module is loaded by specifier so worker threads and tests can substitute another module with the same
 * two functions (tests use a fast fake). Per thread, each scenario file is loaded once, each trace parsed once
 * (the runner accepts a parsed trace), and each user policy module imported once.
 */
import type { RunSummary } from '../../metrics/summary.js';
import { looksLikeModulePath } from '../../policy/loader.js';
import { loadPolicyFactory } from '../../policy/registry.js';
import type { PolicyFactory } from '../../policy/contract.js';
import { loadTrace } from '../../workload/parse.js';
import type { RunOptions } from '../runner.js';
import type { RunFn } from './executor.js';
import type { RunOutput, SweepRunOptions } from './types.js';

/** The part of runner.ts the sweep uses, plus an optional trace parser to share one parse across runs. */
export interface RunnerModule {
  loadScenario(path: string): unknown;
  runScenario(scenario: never, options?: RunOptions): { summary: RunSummary; wallMs?: number; latencyCdf?: [number, number][] };
  loadTrace?(path: string, opts: { durationS?: number }): unknown;
}

// Compile-time check that the real runner fits.
type RealRunner = typeof import('../runner.js');
export const realRunnerFits = (m: RealRunner): RunnerModule => m;

/** The simulator's runner, next to this directory (runner.js in dist/). */
export const DEFAULT_RUNNER_MODULE = new URL('../runner.js', import.meta.url).href;

export async function importRunner(specifier: string = DEFAULT_RUNNER_MODULE): Promise<RunnerModule> {
  const mod = (await import(specifier)) as Partial<RunnerModule>;
  if (typeof mod.loadScenario !== 'function' || typeof mod.runScenario !== 'function') {
    throw new Error(`${specifier}: does not export loadScenario and runScenario`);
  }
  const runner: RunnerModule = { loadScenario: mod.loadScenario, runScenario: mod.runScenario };
  if (typeof mod.loadTrace === 'function') runner.loadTrace = mod.loadTrace;
  else if (specifier === DEFAULT_RUNNER_MODULE) runner.loadTrace = loadTrace;
  return runner;
}

/** A RunFn over a runner module, caching scenarios, parsed traces and policy modules. */
export function makeRunFn(runner: RunnerModule): RunFn {
  const scenarios = new Map<string, unknown>();
  const traces = new Map<string, unknown>();
  const policies = new Map<string, PolicyFactory>();
  return async (scenarioPath: string, options: SweepRunOptions): Promise<RunOutput> => {
    let scenario = scenarios.get(scenarioPath);
    if (scenario === undefined) {
      // The runner applies the base scenario's params to the scenario's own policy only (scenarioPolicyParams), the
      // rule simulate and validate follow too; the sweep's grid params override them.
      scenario = runner.loadScenario(scenarioPath);
      scenarios.set(scenarioPath, scenario);
    }
    const runOptions: RunOptions = { ...options };
    if (looksLikeModulePath(options.policy)) {
      let factory = policies.get(options.policy);
      if (!factory) {
        factory = await loadPolicyFactory(options.policy);
        policies.set(options.policy, factory);
      }
      runOptions.policy = factory;
    }
    if (runner.loadTrace) {
      const s = scenario as { workload?: { trace?: unknown }; duration_s?: unknown };
      const path = options.tracePath ?? (typeof s.workload?.trace === 'string' ? s.workload.trace : undefined);
      const durationS = options.durationS ?? (typeof s.duration_s === 'number' ? s.duration_s : undefined);
      if (path !== undefined) {
        const key = `${path}\u0000${durationS ?? ''}`;
        let trace = traces.get(key);
        if (trace === undefined) {
          trace = runner.loadTrace(path, durationS === undefined ? {} : { durationS });
          traces.set(key, trace);
        }
        runOptions.trace = trace as RunOptions['trace'];
      }
    }
    const started = performance.now();
    const result = runner.runScenario(scenario as never, runOptions);
    const output: RunOutput = { summary: result.summary, wallMs: result.wallMs ?? performance.now() - started };
    if (Array.isArray(result.latencyCdf)) output.latencyCdf = result.latencyCdf;
    return output;
  };
}
