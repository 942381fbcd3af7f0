/**
 * Keep-alive from idle gaps. For each function's invocations in time order, the idle gap before an invocation is
 * its send time minus the previous invocation's send time plus round trip. A warm invocation after a gap g shows
 * keep-alive > g; a cold one after g shows keep-alive ≤ g (one environment, sequential calls, as the probe makes
 * them). Only gaps of at least `minGapS` (60 s) count: the probe forces its cold starts with configuration
 * updates a few seconds apart, and those say nothing about keep-alive. With a lower bound L (the longest warm gap)
 * and an upper bound U (the shortest cold gap longer than L), both ≥ minGapS, keep-alive is modelled as
 * uniform(L, U) (interval-censored: all we know is that it lies between them).
 */
import type { ShiftedSpec } from '../engine/distributions.js';
import { sig } from './families.js';
import type { ProbeSample } from './inputs.js';

export interface KeepAliveResult {
  /** Longest idle gap (≥ minGapS) after which an environment was still warm, s; null if none. */
  lower_s: number | null;
  /** Shortest idle gap (≥ minGapS, > lower) after which the invocation was cold, s; null if none. */
  upper_s: number | null;
  warm_gaps: number;
  cold_gaps: number;
  min_gap_s: number;
  /** uniform(lower, upper) when both bounds exist, else null (the base model's keep-alive is kept). */
  spec: ShiftedSpec | null;
  note: string;
}

export function observeKeepAlive(samples: readonly ProbeSample[], minGapS = 60): KeepAliveResult {
  const groups = new Map<string, ProbeSample[]>();
  for (const s of samples) {
    const k = `${s.file}\u0000${s.function}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(s);
  }
  const warm: number[] = [];
  const cold: number[] = [];
  for (const g of groups.values()) {
    g.sort((a, b) => a.t - b.t);
    for (let i = 1; i < g.length; i++) {
      const gap = (g[i].t - (g[i - 1].t + g[i - 1].client_ms)) / 1000;
      if (gap < minGapS) continue;
      (g[i].kind === 'warm' ? warm : cold).push(gap);
    }
  }
  const lower = warm.length ? Math.max(...warm) : null;
  const beyond = cold.filter((g) => lower === null || g > lower);
  const upper = beyond.length ? Math.min(...beyond) : null;
  let spec: ShiftedSpec | null = null;
  let note: string;
  if (lower !== null && upper !== null) {
    spec = { type: 'uniform', min: sig(lower, 4), max: sig(upper, 4) };
    note = `warm after ${lower.toFixed(0)} s idle, cold after ${upper.toFixed(0)} s idle: uniform(${lower.toFixed(0)}, ${upper.toFixed(0)}) s`;
  } else if (lower !== null) {
    note = `still warm after ${lower.toFixed(0)} s idle (no cold start after a longer gap): keep-alive > ${lower.toFixed(0)} s; base model kept`;
  } else if (upper !== null) {
    note = `cold after ${upper.toFixed(0)} s idle but no warm invocation after a gap of ${minGapS} s or more: keep-alive ≤ ${upper.toFixed(0)} s; base model kept`;
  } else {
    note = `no idle gaps of ${minGapS} s or more between invocations: keep-alive not observed; base model kept`;
  }
  return { lower_s: lower, upper_s: upper, warm_gaps: warm.length, cold_gaps: cold.length, min_gap_s: minGapS, spec, note };
}
