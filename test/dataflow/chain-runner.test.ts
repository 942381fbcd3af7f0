/**
 * The chain runner on its own: one subtask with no inputs or outputs, fed mailbox work, and what its one chain
 * walk does with a run — service time summed over the chain, results leaving the sink with their latency spread,
 * a filter's empty output completing its origins, the walk resuming at the work's chain position.
 */
import { describe, expect, it } from 'vitest';
import { EventCalendar } from '../../src/engine/calendar.js';
import { makeCountSampler, makeSampler, type CountSampler, type CountSpec } from '../../src/engine/distributions.js';
import { RandomStreams } from '../../src/engine/random.js';
import type { OperatorDef, TaskDef } from '../../src/dataflow/graph.js';
import { BufferPool } from '../../src/dataflow/runs.js';
import { EV_BUFFER, Subtask, type JobContext } from '../../src/dataflow/subtask.js';
import type { Ledger } from '../../src/metrics/ledger.js';
import type { LatencyRecorder } from '../../src/metrics/latency.js';

const op = (id: string, kind: OperatorDef['kind'], serviceMs: number, outputBytes: number, selectivity?: CountSpec): OperatorDef => ({
  id,
  kind,
  service: { type: 'deterministic', value: serviceMs },
  selectivity,
  outputBytes,
  windowSizeMs: 0,
  outOfOrdernessMs: 0,
});

/** A selectivity that passes exactly `k` of any run (k ≤ its count): hand-computable filter outcomes. */
const passes = (k: number): CountSampler => ({ mean: 0, variance: 0, sample: () => 0, sumOf: (n: number) => Math.min(n, k) });

function setup(ops: OperatorDef[], counts?: (CountSampler | null)[], resolutionMs = 0) {
  const calendar = new EventCalendar(16);
  const completed: [number, number, string][] = [];
  const latency: [number, number, number, number][] = [];
  const ctx = {
    calendar,
    buffers: new BufferPool(),
    ledger: { complete: (seq: number, n: number, how: string) => completed.push([seq, n, how]) } as unknown as Ledger,
    latency: { recordSpread: (lo: number, hi: number, c: number, p: number) => latency.push([lo, hi, c, p]) } as unknown as LatencyRecorder,
    segmentBytes: 32768,
    bufferTimeoutMs: 100,
    maxBuffersPerChannel: 10,
    resolutionMs,
    watermarks: false,
    watermarkIntervalMs: 200,
    stopping: false,
    subtaskFinished: () => {},
  } satisfies JobContext;
  const task: TaskDef = { index: 0, id: ops.map((o) => o.id).join(' -> '), operators: ops, parallelism: 1, isSource: false, isSink: true, inputs: [], outputs: [] };
  const streams = new RandomStreams(1);
  const rng = streams.stream('t');
  const s = new Subtask(task, 0, ctx, ops.map((o) => makeSampler(o.service, rng)), counts ?? ops.map((o) => (o.selectivity ? makeCountSampler(o.selectivity, rng) : null)), null, rng, 1000);
  s.target = calendar.register(s);
  return { s, calendar, completed, latency, ctx };
}

describe('the chain walk', () => {
  it('serves a run through map and sink for the sum of their services, then records its results at the sink', () => {
    const { s, calendar, completed, latency } = setup([op('m', 'map', 1, 50), op('k', 'sink', 0.5, 0)]);
    s.enqueueWork(10, 100, 0, 9, 40, 10, -1, 0, 0);
    calendar.run();
    expect(calendar.now).toBe(15); // 10 × 1 ms + 10 × 0.5 ms, one FINISH
    expect(calendar.eventsProcessed).toBe(1);
    expect(latency).toEqual([[15 - 9, 15 - 0, 10, 4]]); // spread over [aFirst, aLast], 4 points at q = 0
    expect(completed).toEqual([[40, 10, 'emitted']]);
    expect(s.resultsEmitted).toBe(10);
  });

  it('counts every result leaving the sink in the meter, runs of one record included (in the interval they leave)', () => {
    const { s, calendar } = setup([op('k', 'sink', 400, 0)]);
    s.enqueueWork(1, 100, 0, 0, 0, 1, -1, 0, 0);
    s.enqueueWork(1, 100, 0, 0, 1, 1, -1, 0, 0);
    s.enqueueWork(3, 100, 0, 0, 2, 3, -1, 0, 0);
    calendar.run();
    // Services of 400, 400 and 1,200 ms end at 400, 800 and 2,000: intervals 0, 0 and 2 of 1,000 ms.
    expect(s.meter.totalOut).toBe(5);
    expect([s.meter.recordsOut.get(0), s.meter.recordsOut.get(1), s.meter.recordsOut.get(2)]).toEqual([2, 0, 3]);
  });

  it("completes a filter's origins when nothing passes, and serves no operator after it", () => {
    const { s, calendar, completed, latency } = setup([op('f', 'filter', 2, 50, { type: 'deterministic', value: 0 }), op('k', 'sink', 0.5, 0)]);
    s.enqueueWork(3, 100, 5, 5, 7, 3, -1, 0, 0);
    calendar.run();
    expect(calendar.now).toBe(6); // 3 × 2 ms: the sink's service is not paid
    expect(latency).toEqual([]);
    expect(completed).toEqual([[7, 3, 'filtered']]);
  });

  it("ends a partly passing filter's dropped records as filtered there, each one source record; the survivors carry the rest", () => {
    const filter = { ...op('f', 'filter', 1, 50, { type: 'bernoulli', p: 0.4 }), dropsEndOrigins: true };
    const { s, calendar, completed, latency } = setup([filter, op('k', 'sink', 0.5, 0)], [passes(4), null]);
    s.enqueueWork(10, 100, 0, 9, 40, 10, -1, 0, 0); // records 40..49, one origin each
    calendar.run();
    expect(calendar.now).toBe(10 * 1 + 4 * 0.5);
    // 6 dropped: origins 40..45 filtered; 4 pass: 46..49 leave the sink
    expect(completed).toEqual([
      [40, 6, 'filtered'],
      [46, 4, 'emitted'],
    ]);
    expect(latency).toEqual([[12 - 9, 12 - 0, 4, 4]]);
    expect(s.resultsEmitted).toBe(4);
  });

  it('keeps every origin with the survivors when records are not one source record each, or the filter is not marked', () => {
    const marked = { ...op('f', 'filter', 1, 50, { type: 'bernoulli', p: 0.4 }), dropsEndOrigins: true };
    // 10 tokens of 2 lines (behind a flatMap): which lines lost all their tokens is unknown, both go on
    const a = setup([marked, op('k', 'sink', 0.5, 0)], [passes(4), null]);
    a.s.enqueueWork(10, 100, 0, 9, 40, 2, -1, 0, 0);
    a.calendar.run();
    expect(a.completed).toEqual([[40, 2, 'emitted']]);
    const b = setup([op('f', 'filter', 1, 50, { type: 'bernoulli', p: 0.4 }), op('k', 'sink', 0.5, 0)], [passes(4), null]);
    b.s.enqueueWork(10, 100, 0, 9, 40, 10, -1, 0, 0);
    b.calendar.run();
    expect(b.completed).toEqual([[40, 10, 'emitted']]);
  });

  it("resumes mailbox work at its chain position, multiplying by a flatMap's selectivity before the sink", () => {
    const { s, calendar, completed, latency } = setup([op('a', 'map', 100, 50), op('t', 'flatMap', 1, 20, { type: 'deterministic', value: 3 }), op('k', 'sink', 0.25, 0)]);
    s.enqueueWork(2, 100, 0, 0, 0, 2, 5, 1, 0); // starts at the flatMap: the map's 100 ms are not paid
    calendar.run();
    expect(calendar.now).toBe(2 * 1 + 6 * 0.25);
    expect(latency).toEqual([[3.5, 3.5, 6, 1]]);
    expect(completed).toEqual([[0, 2, 'emitted']]);
    expect(s.resultsEmitted).toBe(6);
  });

  it('serves a sink-only chain at q > 0 in batches from the input buffer: each batch under q, results at its end', () => {
    // q = 10 ms, 1 ms a record: runs of 3, 0, 4, 5, 2 and 6 records make batches 3 + 0 + 4 + 5 = 12 ms, then 2 + 6.
    const { s, calendar, completed, latency, ctx } = setup([op('k', 'sink', 1, 0)], undefined, 10);
    const sender = calendar.register({ onEvent: () => {} });
    s.addChannel(s.addGate(0), 1, sender, 0, false, 0);
    const buf = ctx.buffers.take();
    const counts = [3, 0, 4, 5, 2, 6];
    counts.forEach((c, i) => buf.runs.push(c, 100, i, i + 0.5, 100 * i, c, -1));
    calendar.schedule(0, s.target, EV_BUFFER, buf.id);
    calendar.run(5);
    expect(s.originsHeld()).toBe(12); // the first batch, in service: still in the buffer, behind its read position
    calendar.run();
    expect(calendar.now).toBe(20);
    expect(latency).toEqual([
      [12 - 0.5, 12, 3, 1],
      [12 - 2.5, 12 - 2, 4, 1],
      [12 - 3.5, 12 - 3, 5, 1],
      [20 - 4.5, 20 - 4, 2, 1],
      [20 - 5.5, 20 - 5, 6, 1],
    ]);
    expect(completed.map((x) => x[0])).toEqual([0, 200, 300, 400, 500]);
    expect(s.meter.totalIn).toBe(20);
    expect(s.meter.totalOut).toBe(20);
    expect(s.resultsEmitted).toBe(20);
  });
});
