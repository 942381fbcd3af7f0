/**
 * Ranking by the sweep's objective and the Pareto front of cost against p99 latency.
 *
 * Order: feasible rows (every constraint met by the mean, and a score) by score; then infeasible rows by how
 * far they miss their constraints (sum of relative violations), then by score; ties keep expansion order.
 */
import type { Objective } from './types.js';

export type Means = Record<string, number | null>;

/** The value to rank on (lower is better for minimize and weighted, higher for maximize); null when unknown. */
export function scoreOf(objective: Objective, means: Means): number | null {
  if ('minimize' in objective) return means[objective.minimize] ?? null;
  if ('maximize' in objective) return means[objective.maximize] ?? null;
  let total = 0;
  for (const [metric, weight] of Object.entries(objective.weighted)) {
    const v = means[metric];
    if (v === null || v === undefined) return null;
    total += weight * v;
  }
  return total;
}

/** Sum over constraints of how far the mean lies outside its bound, relative to the bound; 0 = all met. */
export function violation(objective: Objective, means: Means): number {
  let total = 0;
  for (const [metric, bound] of Object.entries(objective.subject_to ?? {})) {
    const v = means[metric];
    if (v === null || v === undefined) return Number.POSITIVE_INFINITY;
    if (bound.max !== undefined && v > bound.max) total += (v - bound.max) / (Math.abs(bound.max) > 0 ? Math.abs(bound.max) : 1);
    if (bound.min !== undefined && v < bound.min) total += (bound.min - v) / (Math.abs(bound.min) > 0 ? Math.abs(bound.min) : 1);
  }
  return total;
}

export interface Rankable {
  means: Means;
}

export interface Ranked {
  score: number | null;
  feasible: boolean;
  /** 1 = best. */
  rank: number;
}

/** Score, feasibility and rank of each item (same order as given; the given order breaks ties). */
export function rank(objective: Objective, items: readonly Rankable[]): Ranked[] {
  const sign = 'maximize' in objective ? -1 : 1;
  const info = items.map((it, index) => {
    const score = scoreOf(objective, it.means);
    const v = violation(objective, it.means);
    return { index, score, violation: v, feasible: v === 0 && score !== null };
  });
  const byScore = (a: (typeof info)[number], b: (typeof info)[number]): number => {
    if (a.score === null || b.score === null) return (a.score === null ? 1 : 0) - (b.score === null ? 1 : 0);
    return sign * (a.score - b.score);
  };
  const order = [...info].sort((a, b) => {
    if (a.feasible !== b.feasible) return a.feasible ? -1 : 1;
    if (!a.feasible && a.violation !== b.violation) return a.violation < b.violation ? -1 : 1;
    return byScore(a, b) || a.index - b.index;
  });
  const ranks = new Array<number>(items.length);
  order.forEach((it, i) => (ranks[it.index] = i + 1));
  return info.map((it) => ({ score: it.score, feasible: it.feasible, rank: ranks[it.index] }));
}

/**
 * Non-dominated points when minimising both coordinates. A point with a null coordinate is never on the front;
 * equal points are all on it (neither dominates the other).
 */
export function paretoFront(points: readonly { x: number | null; y: number | null }[]): boolean[] {
  const out = new Array<boolean>(points.length).fill(false);
  const known = points
    .map((p, i) => ({ x: p.x, y: p.y, i }))
    .filter((p): p is { x: number; y: number; i: number } => p.x !== null && p.y !== null && Number.isFinite(p.x) && Number.isFinite(p.y))
    .sort((a, b) => a.x - b.x || a.y - b.y || a.i - b.i);
  let bestY = Number.POSITIVE_INFINITY; // lowest y among points with a strictly smaller x
  for (let g = 0; g < known.length; ) {
    let h = g;
    while (h < known.length && known[h].x === known[g].x) h++;
    const groupMinY = known[g].y; // sorted by y within equal x
    if (groupMinY < bestY) {
      for (let k = g; k < h && known[k].y === groupMinY; k++) out[known[k].i] = true;
      bestY = groupMinY;
    }
    g = h;
  }
  return out;
}
