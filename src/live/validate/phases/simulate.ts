/**
 * Phase 3, simulate the copies: the simulated scenario (the input one with the job's shape, DIR/simulated-scenario.json)
 * and, with --target local, the same on the scenario's own published platform model; same policy, params, duration.
 * Also the one way every phase loads a copy of the scenario with validate's adjustments (Adjust).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InvariantError, loadScenario, runScenario, type RunResult } from '../../../experiment/runner.js';
import type { Scenario } from '../../../experiment/scenario.js';
import { writeRunFiles } from '../../../experiment/run-output.js';
import type { Prepared } from './prepare.js';

/** What validate changes in every copy of the scenario it loads: the options that apply to both sides. */
export interface Adjust {
  rateScale?: number;
  faults?: { errorRate?: number };
  seed?: number;
  drainS?: number;
}

export function loadScaled(path: string, a: Adjust): Scenario {
  const scenario = loadScenario(path);
  if (a.seed !== undefined) scenario.seed = a.seed;
  if (a.drainS !== undefined) scenario.drain_s = a.drainS;
  if (a.rateScale !== undefined) scenario.workload = { ...scenario.workload, rate_scale: (scenario.workload.rate_scale ?? 1) * a.rateScale };
  // The endpoint's injected function errors have a simulator counterpart (the offload point's error_rate).
  const errorRate = a.faults?.errorRate;
  if (errorRate !== undefined && scenario.offload) scenario.offload = scenario.offload.map((o) => ({ ...o, error_rate: errorRate }));
  return scenario;
}

export interface SimulatedCopy {
  result: RunResult;
  ok: boolean;
  error?: string;
}

/** Simulates one copy into DIR/<name>/; a broken zero-loss invariant is returned (ok false), not thrown. */
export function simulateCopy(p: Prepared, scenarioPath: string, name: string, durationS: number): SimulatedCopy {
  const scenario = loadScaled(scenarioPath, p.adjust);
  let copy: SimulatedCopy;
  try {
    copy = { result: runScenario(scenario, { policy: p.factory, params: p.params, durationS, tracePath: p.tracePath }), ok: true };
  } catch (err) {
    if (!(err instanceof InvariantError)) throw err;
    copy = { result: err.result, ok: false, error: err.message };
  }
  mkdirSync(join(p.dir, name), { recursive: true });
  writeRunFiles(join(p.dir, name), copy.result, { scenario_file: scenarioPath });
  return copy;
}

export interface SimulatedCopies {
  simulated: SimulatedCopy;
  /** --target local: the scenario's own platform model (published figures); else null. */
  published: SimulatedCopy | null;
}

export function simulateCopies(p: Prepared, durationS: number): SimulatedCopies {
  p.log('validate: simulating the same scenario, policy, parameters and duration');
  const simulated = simulateCopy(p, p.simScenarioPath, 'simulated', durationS);
  if (!simulated.ok) p.notes.push(`simulator: ${simulated.error}`);
  const published = p.publishedScenarioPath ? simulateCopy(p, p.publishedScenarioPath, 'published', durationS) : null;
  if (published && !published.ok) p.notes.push(`simulator (published model): ${published.error}`);
  return { simulated, published };
}
