/**
 * The real run's time to react, from hand-made REST readings: the first overloaded interval from the tokenizer's
 * busy-time counter (stale polls skipped), the first offloaded record from the router's firstOffloadEpochMs gauge.
 */
import { describe, expect, it } from 'vitest';
import { LiveController, type LiveReading, type MappedVertex, type VertexReading } from '../../src/live/validate/controller.js';
import { firstOffloadEpochMs, firstOverloadedEpochMs, liveFlapping } from '../../src/live/validate/react.js';
import { createPolicy, getPolicyFactory } from '../../src/policy/registry.js';

const MAPPED: MappedVertex[] = [
  { id: 'source', role: 'source', parallelism: 1 },
  { id: 'router', role: 'router', parallelism: 1 },
  { id: 'tokenizer', role: 'tokenizer', parallelism: 2 },
  { id: 'sink', role: 'sink', parallelism: 1 },
];
const POINT = { id: 'burst', vertex: 'tokenizer' };
const agg = (sum: number) => ({ min: sum, max: sum, avg: sum, sum });

/** One poll: source records read, tokenizer busy ms (sum over its 2 subtasks), the router's gauge when set. */
function reading(epochMs: number, read: number, busyMs: number, firstOffload?: number): LiveReading {
  const router: VertexReading['metrics'] = { routedOffload: agg(0) };
  if (firstOffload !== undefined) router.firstOffloadEpochMs = { min: firstOffload, max: firstOffload + 40, avg: firstOffload + 20, sum: 2 * firstOffload + 40 };
  const vertices: VertexReading[] = [
    { name: 'Source: source', parallelism: 1, metrics: { numRecordsOut: agg(read), pendingRecords: agg(0) } },
    { name: 'router', parallelism: 1, metrics: router },
    { name: 'tokenizer', parallelism: 2, metrics: { numRecordsIn: agg(read), accumulateBusyTimeMs: agg(busyMs), accumulateIdleTimeMs: agg(0) } },
    { name: 'offload-batcher -> offload-invoke', parallelism: 2, metrics: {} },
  ];
  return { epochMs, vertices, endpoint: null };
}

function samplesOf(readings: LiveReading[]) {
  const ctx = LiveController.context(MAPPED, POINT, 1000);
  const ctl = new LiveController(createPolicy(getPolicyFactory('backpressure'), {}, ctx), { vertices: MAPPED, offloadPoint: POINT, originEpochMs: 100_000 });
  for (const r of readings) ctl.step(r);
  return ctl.samples;
}

describe('time to react, live', () => {
  // Busy ms summed over 2 subtasks: 1 s of wall time is 2,000 busy ms at full load.
  const readings = [
    reading(100_000, 0, 0),
    reading(101_000, 500, 1_000), // 0.5
    reading(102_000, 1_400, 2_800), // 0.9
    reading(103_000, 1_400, 2_800), // stale: nothing moved (the REST fetcher's cache)
    reading(104_000, 3_100, 6_200), // over 2 s: 3,400 / 4,000 = 0.85 (read over the stale poll's 1 s: 1.7)
    reading(105_000, 4_100, 8_200), // 1.0: the first overloaded interval, ends at this poll
    reading(106_000, 5_000, 9_900, 105_730), // the router sent its first record out at 105,730
    reading(107_000, 5_900, 11_600, 105_730),
  ];

  it('the first overloaded interval ends at the poll that carried its counters (stale polls skipped)', () => {
    const samples = samplesOf(readings);
    expect(firstOverloadedEpochMs(samples, 'tokenizer', ['source'])).toBe(105_000);
    // without the stale poll the same interval reads the same
    expect(firstOverloadedEpochMs(samplesOf(readings.filter((_, i) => i !== 3)), 'tokenizer', ['source'])).toBe(105_000);
    // 0.9 everywhere: never overloaded
    expect(firstOverloadedEpochMs(samplesOf([reading(0, 0, 0), reading(1000, 900, 1_800), reading(2000, 1_800, 3_600)]), 'tokenizer', ['source'])).toBeNull();
  });

  it('the first offloaded record is the gauge\'s min over subtasks, from the last poll that read it', () => {
    expect(firstOffloadEpochMs(samplesOf(readings))).toBe(105_730);
    expect(firstOffloadEpochMs(samplesOf(readings.slice(0, 6)))).toBeNull();
  });

  it('the real run\'s flapping block: times after the job\'s t0, time to react to the millisecond', () => {
    const decisions = [0, 0.4, 0.6, 0.5].map((share, i) => ({ tMs: i * 1000, point: 'burst', share }));
    const f = liveFlapping(samplesOf(readings), decisions, MAPPED, POINT, 60_000, 100_000);
    expect(f).toEqual({ share_switches_per_min: 1, share_variance: 0.051875, time_to_react_s: 0.73, first_overloaded_s: 5, first_offloaded_s: 5.73 });
    expect(liveFlapping(samplesOf(readings), decisions, MAPPED, null, 60_000, 100_000).time_to_react_s).toBeNull();
  });
});
