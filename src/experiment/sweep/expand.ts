/**
 * Expanding a sweep into configurations (policy + params + trace: the rows of the results) and run specs
 * (a configuration and a seed). Ids are hashes of the configuration, so they do not depend on the order of the
 * file or on which other configurations it lists: a resumed or extended sweep finds its recorded runs.
 */
import { resolve } from 'node:path';
import seedrandom from 'seedrandom';
import { looksLikeModulePath } from '../../policy/loader.js';
import { UserError, where } from '../../util/errors.js';
import { stableId } from './ids.js';
import { readScenarioRefs, relPath } from './inputs.js';
import type { ConfigSpec, ParamValue, Params, RunSpec, SweepSpec } from './types.js';

/** Refuse sweeps larger than this many configurations (a typo in a grid, most likely). */
export const MAX_CONFIGS = 1_000_000;

interface Candidate {
  policy: string;
  params: Params;
  trace: string;
  tracePath?: string;
  /** Index of the policy entry it came from, for messages. */
  entry: number;
}

/** Cross product of the parameter lists, keys in the order written, last key varying fastest. */
export function crossProduct(grid: Record<string, ParamValue[]>): Params[] {
  let out: Params[] = [{}];
  for (const [name, values] of Object.entries(grid)) {
    const next: Params[] = [];
    for (const partial of out) for (const v of values) next.push({ ...partial, [name]: v });
    out = next;
  }
  return out;
}

export function configId(policy: string, params: Params, trace: string): string {
  return stableId({ policy, params, trace });
}

/** Number of configurations the full grid has (before random sampling). */
export function gridSize(spec: SweepSpec): number {
  const traces = spec.traces ? spec.traces.length : 1;
  let total = 0;
  for (const p of spec.policies) {
    total += Object.values(p.params).reduce((n, values) => n * values.length, 1) * traces;
  }
  return total;
}

function allCandidates(spec: SweepSpec): Candidate[] {
  const size = gridSize(spec);
  if (size > MAX_CONFIGS) {
    throw new UserError(where(spec.file, 'policies', `the grid has ${size} configurations, more than ${MAX_CONFIGS}; use mode "random" or fewer values`));
  }
  let traces: { trace: string; tracePath?: string }[];
  if (spec.traces) traces = spec.traces.map((t) => ({ trace: relPath(spec.dir, t), tracePath: t }));
  else {
    const own = readScenarioRefs(spec.scenario).trace;
    traces = [{ trace: own ? relPath(spec.dir, own) : '(scenario)' }];
  }
  const out: Candidate[] = [];
  spec.policies.forEach((p, entry) => {
    for (const params of crossProduct(p.params)) {
      for (const t of traces) out.push({ policy: p.name, params, ...t, entry });
    }
  });
  return out;
}

/** Pick `n` of `total` indices without replacement (seeded partial Fisher–Yates), returned in ascending order. */
export function sampleIndices(total: number, n: number, seed: number): number[] {
  const idx = Array.from({ length: total }, (_, i) => i);
  if (n >= total) return idx;
  const rng = seedrandom.alea(`sweep-sample/${seed}`);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rng() * (total - i));
    const tmp = idx[i];
    idx[i] = idx[j];
    idx[j] = tmp;
  }
  return idx.slice(0, n).sort((a, b) => a - b);
}

/** The configurations of a sweep, in a deterministic order, with row ids r1, r2, ... */
export function expandConfigs(spec: SweepSpec): ConfigSpec[] {
  const all = allCandidates(spec);
  const seen = new Map<string, Candidate>();
  for (const c of all) {
    const id = configId(c.policy, c.params, c.trace);
    const prev = seen.get(id);
    if (prev) {
      throw new UserError(
        where(spec.file, `policies[${c.entry}]`, `repeats the configuration ${JSON.stringify({ policy: c.policy, params: c.params, trace: c.trace })} of policies[${prev.entry}]`),
      );
    }
    seen.set(id, c);
  }
  const chosen = spec.mode === 'random' ? sampleIndices(all.length, spec.samples ?? all.length, spec.sampleSeed).map((i) => all[i]) : all;
  return chosen.map((c, i) => {
    const config: ConfigSpec = { rowId: `r${i + 1}`, configId: configId(c.policy, c.params, c.trace), policy: c.policy, params: c.params, trace: c.trace };
    if (c.tracePath !== undefined) config.tracePath = c.tracePath;
    return config;
  });
}

export function runId(spec: SweepSpec, config: ConfigSpec, seed: number): string {
  return stableId({ config: config.configId, seed, scenario: relPath(spec.dir, spec.scenario), duration_s: spec.durationS ?? null });
}

/** Every run of the sweep: configurations in order, seeds in the order given. */
export function expandRuns(spec: SweepSpec, configs: ConfigSpec[] = expandConfigs(spec)): RunSpec[] {
  const runs: RunSpec[] = [];
  for (const c of configs) {
    for (const seed of spec.seeds) {
      const run: RunSpec = {
        id: runId(spec, c, seed),
        configId: c.configId,
        rowId: c.rowId,
        scenarioPath: spec.scenario,
        // A policy module path is relative to the sweep file; the runner gets it absolute.
        options: { seed, policy: looksLikeModulePath(c.policy) ? resolve(spec.dir, c.policy) : c.policy, params: { ...c.params } },
      };
      if (c.tracePath !== undefined) run.options.tracePath = c.tracePath;
      if (spec.durationS !== undefined) run.options.durationS = spec.durationS;
      runs.push(run);
    }
  }
  return runs;
}
