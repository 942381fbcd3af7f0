/**
 * The policies' view of Flink's time gauges: a 60 s TimerGauge window refreshed every 5 s (Flink's ViewUpdater),
 * averaged over the updates so far until the window is full (TimerGauge.updateCurrentValue). M/D/1 at 800/s with a
 * 1 ms service: the server is busy 800 ms per second on average.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/experiment/runner.js';
import type { MetricsSnapshot, PolicyFactory } from '../../src/policy/contract.js';
import { loadScenario } from '../../src/scenario/load.js';

function recording(into: MetricsSnapshot[]): PolicyFactory {
  return {
    name: 'recording',
    description: 'test: keeps every snapshot',
    params: [],
    create: () => ({ name: 'recording', decide: (snap) => (into.push(snap), { points: {} }) }),
  };
}

describe('time gauges with a 60 s window', () => {
  const snaps: MetricsSnapshot[] = [];
  const sc = loadScenario('examples/queues/md1.json');
  sc.controller = { ...sc.controller, interval_ms: 1000, timer_window_ms: 60_000 };
  runScenario(sc, { durationS: 70, policy: recording(snaps) });
  const at = (tMs: number) => snaps.find((s) => s.tMs === tMs)!;
  const busy = (s: MetricsSnapshot) => s.vertices.find((v) => v.id === 'server')!.metrics.busyTimeMsPerSecond!.max;

  it('move every 5 s from the start, over the time so far, not once a minute', () => {
    expect(at(10_000).windowMs).toBe(10_000);
    expect(at(12_000).windowMs).toBe(10_000); // the last update was at 10 s
    expect(busy(at(12_000))).toBe(busy(at(10_000)));
    expect(busy(at(10_000))).toBeGreaterThan(740);
    expect(busy(at(10_000))).toBeLessThan(860);
  });

  it('average the last 60 s once the window is full', () => {
    expect(at(65_000).windowMs).toBe(60_000);
    expect(at(69_000).windowMs).toBe(60_000);
    expect(busy(at(65_000))).toBeGreaterThan(770);
    expect(busy(at(65_000))).toBeLessThan(830);
  });
});
