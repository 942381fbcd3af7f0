/**
 * Flink's network stack, checked by counting records: how many a backpressured hop holds (output pool, receiver
 * buffers, local vs remote channels) and what a flush does when the receiver has no credit.
 */
import { describe, expect, it } from 'vitest';
import type { ScenarioSpec } from '../../src/scenario/scenario.js';
import { runScenario } from '../../src/experiment/runner.js';
import { scenario } from '../helpers/scenarios.js';

/** source → sink over one channel; 2,000 records/s against a sink that takes 1 ms each (1,000/s). */
function hop(network: ScenarioSpec['network'], recordBytes = 100): ScenarioSpec {
  return {
    name: 'one-hop',
    seed: 1,
    duration_s: 10,
    drain_s: 0,
    time_resolution_ms: 0,
    workload: { trace: 'constant-500.csv', rate_scale: 4, arrivals: 'uniform', record_bytes: recordBytes },
    network: { segment_size_bytes: 1000, buffer_timeout_ms: -1, latency_ms: 0, ...network },
    vertices: [
      { id: 'source', kind: 'source', parallelism: 1, service_ms: { type: 'deterministic', value: 0 } },
      { id: 'sink', kind: 'sink', parallelism: 1, service_ms: { type: 'deterministic', value: 1 } },
    ],
    edges: [{ from: 'source', to: 'sink', partitioning: 'forward', chain: false }],
  };
}

/** The source's queue (pending_records) at the end of each second. */
function pendingSeries(spec: ScenarioSpec): number[] {
  const r = runScenario(scenario(spec));
  expect(r.summary.records.lost).toBe(0);
  const col = r.timeseries.columns.indexOf('pending_records');
  return r.timeseries.rows.map((row) => row[col]);
}

describe('network buffers under backpressure', () => {
  // 10 records per 1,000-byte buffer. Output pool: 1 subpartition x 2 + 8 floating = 10 buffers. A remote receiver
  // adds 2 exclusive + 8 floating buffers; a local one (same TaskManager) reads the sender's buffers in place.
  // Once saturated, the source's queue grows by 1,000 a second, offset by what the hop holds: 20 or 10 buffers.
  it('a local channel holds only the sender\'s pool: exactly 10 buffers (100 records) less than a remote one', () => {
    const remote = pendingSeries(hop({}));
    const local = pendingSeries(hop({ task_managers: 1 }));
    for (const s of [5, 8, 9]) expect(local[s - 1] - remote[s - 1]).toBe(100);
    expect(remote[7] - remote[4]).toBe(3000);
    // By 5 s: 10,000 arrived; the sink, started by the first full buffer (5 ms), has finished 4,994 to 5,000; the hop
    // holds 18 full buffers plus the sender's partly written one and the sink's partly read one (181 to 200 records);
    // the rest waits at the source.
    expect(remote[4]).toBeGreaterThanOrEqual(10_000 - 5_000 - 200);
    expect(remote[4]).toBeLessThanOrEqual(10_000 - 4_994 - 181);
  });

  // 1,100 records/s against 1,000/s: 100/s of excess fills the hop. 328 records fill a 32 KiB buffer; 110 arrive per
  // 100 ms buffer timeout. Flink's flush ships a partly filled buffer only when the receiver has credit; without
  // credit the buffer keeps filling, so a backpressured hop holds full buffers whatever the timeout.
  const slowFill = (network: ScenarioSpec['network'], durationS: number): ScenarioSpec => ({
    ...hop({ segment_size_bytes: 32768, ...network }),
    duration_s: durationS,
    workload: { trace: 'constant-500.csv', rate_scale: 2.2, arrivals: 'uniform', record_bytes: 100 },
  });

  it('a flush without credit keeps filling the buffer: the timeout does not shrink what a backpressured hop holds', () => {
    for (const timeout of [100, -1]) {
      // Local: at most 10 buffers x 328 = 3,280 records in flight, less what the sink has read of its current one.
      // By 60 s: 66,000 arrived; the sink has served 60 s less its start (the first buffer ships at the first flush,
      // 100 ms, or when full, 298 ms).
      const local = pendingSeries(slowFill({ buffer_timeout_ms: timeout, task_managers: 1 }, 61));
      const served = 60_000 - (timeout === 100 ? 100 : 298);
      expect(local[59]).toBeGreaterThanOrEqual(66_000 - served - 3_280);
      expect(local[59]).toBeLessThanOrEqual(66_000 - served - 2_952);
    }
    // Remote: the sender's 10 full buffers and the receiver's 2 exclusive ones (12 x 328 = 3,936 records, less one
    // partly read) fill before the source's queue can grow: not before 36 s. Finishing each flushed buffer as the
    // old model did made it grow from 21 s, with buffers a third full.
    const remote = pendingSeries(slowFill({ buffer_timeout_ms: 100 }, 40));
    expect(remote.findIndex((p) => p > 0) + 1).toBeGreaterThanOrEqual(36);
  });
});
