/**
 * The live half computes the same fast signals as the simulator: two REST readings (counters as Flink reports
 * them) become snapshots whose differences, through the shared src/policy/fast-signals.ts, give exact rates.
 */
import { describe, expect, it } from 'vitest';
import { LiveController, type LiveReading, type MappedVertex, type VertexReading } from '../../src/live/validate/controller.js';
import { readCounters, signalsBetween } from '../../src/policy/fast-signals.js';
import { createPolicy, getPolicyFactory } from '../../src/policy/registry.js';

const MAPPED: MappedVertex[] = [
  { id: 'source', role: 'source', parallelism: 2 },
  { id: 'router', role: 'router', parallelism: 2 },
  { id: 'tokenizer', role: 'tokenizer', parallelism: 2 },
  { id: 'sink', role: 'sink', parallelism: 1 },
];
const POINT = { id: 'burst', vertex: 'tokenizer' };
const total = (sum: number) => ({ min: sum / 2, max: sum / 2, avg: sum / 2, sum });

function reading(epochMs: number, read: number, pending: number, routerOut: number, local: number, busyMs: number, routed: number): LiveReading {
  const vertices: VertexReading[] = [
    { name: 'Source: source', parallelism: 2, metrics: { numRecordsOut: total(read), pendingRecords: total(pending), accumulateBackPressuredTimeMs: total(0) } },
    { name: 'router', parallelism: 2, metrics: { numRecordsOut: total(routerOut), routedOffload: total(routed) } },
    { name: 'tokenizer', parallelism: 2, metrics: { numRecordsIn: total(local), accumulateBusyTimeMs: total(busyMs) } },
    { name: 'offload-batcher -> offload-invoke', parallelism: 2, metrics: {} },
  ];
  return { epochMs, vertices, endpoint: null };
}

describe('fast signals from live readings', () => {
  it('counter differences between two polls give exact arrival, slope, capacity and queue', () => {
    const ctx = LiveController.context(MAPPED, POINT, 1000);
    const ctl = new LiveController(createPolicy(getPolicyFactory('feed-forward'), {}, ctx), { vertices: MAPPED, offloadPoint: POINT, originEpochMs: 0 });
    const a = ctl.step(reading(10_000, 50_000, 100, 49_000, 40_000, 20_000, 8_000)).snapshot;
    // 2 s later: 24,000 read, backlog +2,000, 16,000 processed locally in 3.2 busy s, 6,000 routed
    const b = ctl.step(reading(12_000, 74_000, 2_100, 73_000, 56_000, 23_200, 14_000)).snapshot;
    const scope = { vertex: 'tokenizer', sources: ['source'], upstream: 'router', pointIds: ['burst'] };
    const s = signalsBetween(readCounters(a, scope), readCounters(b, scope));
    expect(s.readRps).toBe(12_000);
    expect(s.pendingSlopeRps).toBe(1000);
    expect(s.arrivalRps).toBe(13_000);
    expect(s.localRps).toBe(8000);
    expect(s.offloadedRps).toBe(3000);
    expect(s.busyFraction).toBeCloseTo(3200 / 4000, 12);
    expect(s.capacityRps).toBeCloseTo((2 * 16_000) / 3.2, 9);
    expect(s.queuedRecords).toBe(73_000 - 56_000 - 14_000);
    // and the policy running live used them: its note names the arrival it read
    expect(ctl.decisions[1].note).toContain('arrival=13000');
  });
});
