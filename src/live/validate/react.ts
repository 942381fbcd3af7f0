/**
 * The real run's flapping figures (src/metrics/flapping.ts), computed as the simulator's are: share reversals and
 * variance from the decisions; time to react from the first overloaded interval to the job's first offloaded record.
 *
 * The overloaded interval comes from the task counters in the polls (Δ accumulateBusyTimeMs over the interval, the
 * same fast-signals.ts code the policies use), not from Flink's busyTimeMsPerSecond gauge, a 60 s average that
 * rises late (docs/VALIDATION.md); stale polls (cached counters) are skipped, so an interval ends at the poll that
 * carried its counters. The first offloaded record is the router's `firstOffloadEpochMs` gauge (wall time of the
 * first record sent to the offload path, min over subtasks), exact to the millisecond.
 */
import { OVERLOADED_BUSY_MS, shareFlapping, timeToReact, type FlappingSummary } from '../../metrics/flapping.js';
import { isStale, readCounters, signalsBetween, type CounterReading } from '../../policy/fast-signals.js';
import type { LiveSample, MappedVertex } from './controller.js';

/** Epoch ms of the poll ending the first interval with the vertex's mean busy fraction ≥ the overload mark; null if none. */
export function firstOverloadedEpochMs(samples: readonly LiveSample[], vertex: string, sources: readonly string[]): number | null {
  const scope = { vertex, sources, upstream: '', pointIds: [] };
  let prev: CounterReading | null = null;
  for (const s of samples) {
    const cur = readCounters(s.snapshot, scope);
    if (prev && cur.tMs > prev.tMs && !isStale(prev, cur)) {
      if (signalsBetween(prev, cur).busyFraction * 1000 >= OVERLOADED_BUSY_MS) return s.epochMs;
    }
    if (!prev || (cur.tMs > prev.tMs && !isStale(prev, cur))) prev = cur;
  }
  return null;
}

/** The job's first offloaded record, epoch ms, from the last poll that read it; null when nothing was offloaded. */
export function firstOffloadEpochMs(samples: readonly LiveSample[]): number | null {
  for (let i = samples.length - 1; i >= 0; i--) {
    const v = samples[i].offload.firstOffloadEpochMs;
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  }
  return null;
}

/** The real run's `flapping` block; times relative to the job's t0 (epoch ms). */
export function liveFlapping(
  samples: readonly LiveSample[],
  decisions: readonly { tMs: number; point: string; share: number }[],
  vertices: readonly MappedVertex[],
  point: { id: string } | null,
  replayMs: number,
  t0EpochMs: number,
): FlappingSummary {
  if (!point) return { share_switches_per_min: 0, share_variance: 0, time_to_react_s: null, first_overloaded_s: null, first_offloaded_s: null };
  const tokenizer = vertices.find((v) => v.role === 'tokenizer')?.id ?? '';
  const sources = vertices.filter((v) => v.role === 'source').map((v) => v.id);
  const over = firstOverloadedEpochMs(samples, tokenizer, sources);
  const off = firstOffloadEpochMs(samples);
  const overS = over === null ? null : (over - t0EpochMs) / 1000;
  return {
    ...shareFlapping(decisions, point.id, replayMs),
    time_to_react_s: timeToReact(overS, off === null ? null : off - t0EpochMs),
    first_overloaded_s: overS,
    first_offloaded_s: off === null ? null : (off - t0EpochMs) / 1000,
  };
}
