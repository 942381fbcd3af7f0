/**
 * Periodic watermarks (Flink's pipeline.auto-watermark-interval): each source subtask emits its watermark on a
 * timer of its own phase, and a window fires on the first tick after its end. Hand-computed on one source subtask.
 */
import { describe, expect, it } from 'vitest';
import type { ScenarioSpec } from '../../src/scenario/scenario.js';
import { runScenario } from '../../src/experiment/runner.js';
import { scenario } from '../helpers/scenarios.js';
import { RandomStreams } from '../../src/engine/random.js';

/**
 * source (1 subtask, 500 records/s, one every 2 ms, no service time) → hash → 1 s tumbling window → sink (chained),
 * 10 keys, flush after every record (buffer timeout 0), 0.5 ms between the tasks, watermark every 200 ms at phase 31.
 */
function windowJob(over: Partial<ScenarioSpec> = {}): ScenarioSpec {
  return {
    name: 'watermark-hand',
    seed: 3,
    duration_s: 5,
    drain_s: 5,
    time_resolution_ms: 0,
    workload: { trace: 'constant-500.csv', arrivals: 'uniform', record_bytes: 100, keys: { count: 10 } },
    network: { buffer_timeout_ms: 0, latency_ms: 0.5 },
    watermark: { interval_ms: 200, phase_ms: 31 },
    vertices: [
      { id: 'source', kind: 'source', parallelism: 1, service_ms: { type: 'deterministic', value: 0 } },
      { id: 'win', kind: 'window', parallelism: 1, service_ms: { type: 'deterministic', value: 0 }, window: { size_ms: 1000 }, output_bytes: 50 },
      { id: 'sink', kind: 'sink', parallelism: 1, service_ms: { type: 'deterministic', value: 0 } },
    ],
    edges: [
      { from: 'source', to: 'win', partitioning: 'hash' },
      { from: 'win', to: 'sink', partitioning: 'forward' },
    ],
    ...over,
  };
}

describe('periodic watermarks at the source', () => {
  // Windows [0, 1 s) … [3 s, 4 s): the tick at end + 31 ms emits a watermark ≥ the end (a record every 2 ms), the
  // flush-always writer sends it at once on the idle channel, 0.5 ms later the window fires and its 10 results leave
  // the chained sink at once: 31.5 ms each (HDR's bucket reads 31.503). The last window [4 s, 5 s) fires at the end
  // of input (the source's end of partition, ~0 ms). Old model (a watermark with every record): under 2.5 ms.
  it('a window result leaves at the first watermark tick after the window end plus the network: 31.5 ms', () => {
    const r = runScenario(scenario(windowJob()));
    expect(r.summary.records.lost).toBe(0);
    expect(r.summary.records.results).toBe(50);
    expect(r.summary.latency_ms.max).toBe(31.5);
    expect(r.summary.latency_ms.p50).toBe(31.503);
    expect(r.latencyCdf.filter(([, ms]) => ms > 1).length).toBeGreaterThan(0);
    const at = (pct: number) => r.latencyCdf.find(([p]) => p >= pct)![1];
    expect(at(19)).toBeLessThan(0.01); // the last window's 10 of 50 results
    expect(at(21)).toBe(31.503);
  });

  it('the phase moves the result: tick at end + 131 ms gives 131.5 ms; interval 0 (every record) gives under 2.5 ms (a record gap + the network)', () => {
    const later = runScenario(scenario(windowJob({ watermark: { interval_ms: 200, phase_ms: 131 } })));
    expect(later.summary.latency_ms.max).toBe(131.5);
    const perRecord = runScenario(scenario(windowJob({ watermark: { interval_ms: 0 } })));
    expect(perRecord.summary.records.lost).toBe(0);
    expect(perRecord.summary.latency_ms.max).toBeLessThan(2.5);
  });

  // Timeout 100 ms: the watermark of the tick at end + 31 ms waits in the source's buffer for its flusher, whose first
  // tick is at its seeded phase ψ = 100 × (the first draw of stream task:source:0:phases), then every 100 ms. The
  // window (its sink chained) fires when that buffer arrives, 0.5 ms later: latency = first ψ + 100k ≥ 1031, + 0.5 − 1000.
  // Seed 3: ψ = 62.36 ms, so every result (but the last window's) 62.86 ms.
  it('at buffer timeout 100 the watermark leaves on the source flusher\'s seeded tick: latency from its phase', () => {
    const psi = 100 * new RandomStreams(3).stream('task:source:0:phases')();
    const tick = psi + 100 * Math.ceil((1031 - psi) / 100);
    const r = runScenario(scenario(windowJob({ network: { buffer_timeout_ms: 100, latency_ms: 0.5 } })));
    expect(r.summary.records.lost).toBe(0);
    expect(psi).toBeGreaterThan(0);
    expect(r.summary.latency_ms.max).toBeCloseTo(tick + 0.5 - 1000, 3);
    expect(r.summary.latency_ms.max).toBeCloseTo(62.864, 3);
    expect(r.summary.latency_ms.max).not.toBeCloseTo(100.5, 1); // phase 0 (the old aligned flusher): 1100.5 − 1000
  });

  // Seeded phases (flusher and watermark timers per subtask) from the subtasks' own streams: same seed, same bytes.
  it('seeded phases are deterministic: same seed same bytes, and the seed moves the result latency', () => {
    const seeded = (seed: number) => runScenario(scenario(windowJob({ seed, watermark: undefined, network: { buffer_timeout_ms: 100, latency_ms: 0.5 } })));
    const a = seeded(1);
    const b = seeded(1);
    expect(a.summary.records.lost).toBe(0);
    expect(JSON.stringify(b.summary)).toBe(JSON.stringify(a.summary));
    expect(b.latencyHistogram).toBe(a.latencyHistogram);
    const maxes = new Set([1, 2, 3, 4].map((s) => seeded(s).summary.latency_ms.max));
    expect(maxes.size).toBeGreaterThan(1);
  });

  it('a phase outside its interval is one clear line naming the field', () => {
    expect(() => scenario(windowJob({ watermark: { interval_ms: 200, phase_ms: 200 } }))).toThrow(
      'inline: watermark.phase_ms: must be less than watermark.interval_ms (a phase within one interval)',
    );
  });
});
