/**
 * Flapping as figures, from a run's decisions and time series (the summary's `flapping` block):
 *
 * - share_switches_per_min: reversals of the share's direction (rising → falling or back) per minute of replay;
 *   a limit cycle between 0 and 1 counts two per period, one spike handled smoothly counts about one;
 * - share_variance: population variance of the share over the decisions of the replay;
 * - time_to_react_s: the time of the first record routed to a function − the end of the first overloaded interval
 *   (the offloaded vertex's busy time ≥ 950 ms/s averaged over subtasks; its end is the earliest a controller
 *   could see it), at record resolution: the record's time is exact, not rounded to an interval; negative when
 *   offloading started before the vertex saturated; null when it never saturated or nothing was offloaded;
 * - first_overloaded_s, first_offloaded_s: the two ends of it (s after the run's start; null when absent).
 */
export interface FlappingSummary {
  share_switches_per_min: number;
  share_variance: number;
  time_to_react_s: number | null;
  first_overloaded_s?: number | null;
  first_offloaded_s?: number | null;
}

/** Busy time at which an interval counts as overloaded, ms per second. */
export const OVERLOADED_BUSY_MS = 950;

export function shareReversals(shares: readonly number[]): number {
  let direction = 0;
  let reversals = 0;
  for (let i = 1; i < shares.length; i++) {
    const d = Math.sign(shares[i] - shares[i - 1]);
    if (d === 0) continue;
    if (direction !== 0 && d !== direction) reversals++;
    direction = d;
  }
  return reversals;
}

export function variance(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= xs.length;
  let v = 0;
  for (const x of xs) v += (x - mean) * (x - mean);
  return v / xs.length;
}

/** End of the first interval with the vertex busy ≥ OVERLOADED_BUSY_MS, s (the column's t_s); null when none. */
export function firstOverloadedS(columns: readonly string[], rows: readonly number[][], vertex: string): number | null {
  const t = columns.indexOf('t_s');
  const busy = columns.indexOf(`${vertex}.busyTimeMsPerSecond`);
  if (t < 0 || busy < 0) return null;
  const overloaded = rows.find((r) => r[busy] >= OVERLOADED_BUSY_MS);
  return overloaded ? overloaded[t] : null;
}

/** First offloaded record − end of the first overloaded interval, s (ms-exact); null when either is absent. */
export function timeToReact(firstOverloadedS: number | null, firstOffloadedMs: number | null): number | null {
  if (firstOverloadedS === null || firstOffloadedMs === null) return null;
  if (!Number.isFinite(firstOverloadedS) || !Number.isFinite(firstOffloadedMs)) return null;
  return Math.round(firstOffloadedMs - firstOverloadedS * 1000) / 1000;
}

/** Reversals per minute and variance of one point's shares, decisions at or before `replayMs` only. */
export function shareFlapping(decisions: readonly { tMs: number; point: string; share: number }[], pointId: string, replayMs: number): { share_switches_per_min: number; share_variance: number } {
  const shares = decisions.filter((d) => d.point === pointId && d.tMs <= replayMs).map((d) => d.share);
  const minutes = replayMs / 60_000;
  return {
    share_switches_per_min: minutes > 0 ? Math.round((shareReversals(shares) / minutes) * 1000) / 1000 : 0,
    share_variance: Math.round(variance(shares) * 1e6) / 1e6,
  };
}

/** `firstOffloadedMs`: when the point routed its first record out (the simulator's lanes know it exactly). */
export function flappingSummary(
  decisions: readonly { tMs: number; point: string; share: number }[],
  timeseries: { columns: readonly string[]; rows: readonly number[][] },
  point: { id: string; vertex: string } | undefined,
  replayMs: number,
  firstOffloadedMs: number | null = null,
): FlappingSummary {
  if (!point) return { share_switches_per_min: 0, share_variance: 0, time_to_react_s: null, first_overloaded_s: null, first_offloaded_s: null };
  const overloaded = firstOverloadedS(timeseries.columns, timeseries.rows, point.vertex);
  return {
    ...shareFlapping(decisions, point.id, replayMs),
    time_to_react_s: timeToReact(overloaded, firstOffloadedMs),
    first_overloaded_s: overloaded,
    first_offloaded_s: firstOffloadedMs === null ? null : Math.round(firstOffloadedMs) / 1000,
  };
}
