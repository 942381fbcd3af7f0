/**
 * Phase 3, simulate the copies: the simulated scenario (the input one with the job's shape, DIR/simulated-scenario.json)
 * and, with --target local, the same on the scenario's own published platform model; same policy, params, duration.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvariantError, runScenario, type RunResult } from '../../../experiment/runner.js';
import { loadScaled } from './copies.js';
import { writeRunFiles } from '../../../experiment/run-output.js';
import { recordingFactory, signalSeries, signalsCsv, type Series, type SignalRoles } from '../signals.js';
import type { Prepared } from './prepare.js';

export interface SimulatedCopy {
  result: RunResult;
  ok: boolean;
  error?: string;
  /** What the copy's policy read in each snapshot it decided on (signals.ts). */
  signals: Series;
}

/** The vertices and point the policy's signals are read from, on both sides. */
export function signalRoles(p: Prepared): SignalRoles {
  return { source: p.vertices[0].id, tokenizer: p.shape.tokenizer.id, point: p.point?.id ?? null };
}

/** Simulates one copy into DIR/<name>/; a broken zero-loss invariant is returned (ok false), not thrown. */
export function simulateCopy(p: Prepared, scenarioPath: string, name: string, durationS: number): SimulatedCopy {
  const scenario = loadScaled(scenarioPath, p.adjust);
  const rows: number[][] = [];
  const policy = recordingFactory(p.factory, signalRoles(p), rows);
  let copy: SimulatedCopy;
  try {
    copy = { result: runScenario(scenario, { policy, params: p.params, durationS, tracePath: p.tracePath }), ok: true, signals: signalSeries(rows) };
  } catch (err) {
    if (!(err instanceof InvariantError)) throw err;
    copy = { result: err.result, ok: false, error: err.message, signals: signalSeries(rows) };
  }
  mkdirSync(join(p.dir, name), { recursive: true });
  writeRunFiles(join(p.dir, name), copy.result, { scenario_file: scenarioPath });
  writeFileSync(join(p.dir, name, 'policy-signals.csv'), signalsCsv(copy.signals));
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
