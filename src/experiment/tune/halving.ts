/**
 * Successive halving, the pure part: seeds per rung, a candidate's means over the training traces, and who
 * survives a rung. Rung r runs every surviving candidate with 2^r seeds (1, 2, 4, ... up to `maxSeeds`) on every
 * training trace; the best 1/eta go on. A candidate's metric is its mean over seeds, averaged over the traces,
 * and constraints hold on those averages; ranking is the sweep's (feasible by score, then least violation).
 */
import { rank } from '../sweep/rank.js';
import type { Objective, Params, ResultRow } from '../sweep/types.js';

export interface RankedCandidate {
  params: Params;
  means: Record<string, number | null>;
  score: number | null;
  feasible: boolean;
  rank: number;
}

export function rungSeeds(rung: number, maxSeeds: number): number[] {
  const n = Math.min(maxSeeds, 2 ** rung);
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** How many candidates each rung runs: n, ceil(n/eta), ... down to 1. */
export function rungSizes(n: number, eta: number): number[] {
  const sizes = [n];
  while (sizes[sizes.length - 1] > 1) sizes.push(Math.ceil(sizes[sizes.length - 1] / eta));
  return sizes;
}

function sameParams(a: Params, b: Params): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** Means over the rows of one candidate (one row per trace); null when any trace has no value. */
export function candidateMeans(rows: readonly ResultRow[], params: Params, metrics: readonly string[]): Record<string, number | null> {
  const mine = rows.filter((r) => sameParams(r.params, params));
  const out: Record<string, number | null> = {};
  for (const m of metrics) {
    const values = mine.map((r) => r.metrics[m]?.mean ?? null);
    out[m] = values.length > 0 && values.every((v) => v !== null) ? (values as number[]).reduce((s, v) => s + v, 0) / values.length : null;
  }
  return out;
}

/** Candidates ranked by the objective (best first). */
export function rankCandidates(objective: Objective, candidates: readonly Params[], rows: readonly ResultRow[], metrics: readonly string[]): RankedCandidate[] {
  const means = candidates.map((c) => candidateMeans(rows, c, metrics));
  const ranked = rank(objective, means.map((m) => ({ means: m })));
  return candidates
    .map((params, i) => ({ params, means: means[i], ...ranked[i] }))
    .sort((a, b) => a.rank - b.rank);
}
