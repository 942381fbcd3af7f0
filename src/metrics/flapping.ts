/**
 * Flapping as figures, from a run's decisions and time series (the summary's `flapping` block):
 *
 * - share_switches_per_min: reversals of the share's direction (rising → falling or back) per minute of replay;
 *   a limit cycle between 0 and 1 counts two per period, one spike handled smoothly counts about one;
 * - share_variance: population variance of the share over the decisions of the replay;
 * - time_to_react_s: end of the first offloaded interval − end of the first overloaded one (the offloaded
 *   vertex's busy time ≥ 950 ms/s averaged over subtasks), at the time series' resolution; negative when
 *   offloading started before the vertex saturated; null when it never saturated or nothing was offloaded.
 */
export interface FlappingSummary {
  share_switches_per_min: number;
  share_variance: number;
  time_to_react_s: number | null;
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

/** First offloaded interval end − first overloaded interval end, s; null when either never happened. */
export function timeToReact(columns: readonly string[], rows: readonly number[][], vertex: string): number | null {
  const t = columns.indexOf('t_s');
  const busy = columns.indexOf(`${vertex}.busyTimeMsPerSecond`);
  const off = columns.indexOf('offloaded_rps');
  if (t < 0 || busy < 0 || off < 0) return null;
  const overloaded = rows.find((r) => r[busy] >= OVERLOADED_BUSY_MS);
  const offloaded = rows.find((r) => r[off] > 0);
  return overloaded && offloaded ? offloaded[t] - overloaded[t] : null;
}

export function flappingSummary(
  decisions: readonly { tMs: number; point: string; share: number }[],
  timeseries: { columns: readonly string[]; rows: readonly number[][] },
  point: { id: string; vertex: string } | undefined,
  replayMs: number,
): FlappingSummary {
  if (!point) return { share_switches_per_min: 0, share_variance: 0, time_to_react_s: null };
  const shares = decisions.filter((d) => d.point === point.id && d.tMs <= replayMs).map((d) => d.share);
  const minutes = replayMs / 60_000;
  return {
    share_switches_per_min: minutes > 0 ? Math.round((shareReversals(shares) / minutes) * 1000) / 1000 : 0,
    share_variance: Math.round(variance(shares) * 1e6) / 1e6,
    time_to_react_s: timeToReact(timeseries.columns, timeseries.rows, point.vertex),
  };
}
