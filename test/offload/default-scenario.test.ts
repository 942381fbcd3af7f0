/** The shipped default scenario: the burst policy must cut p99 latency by at least 80% against backpressure. */
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario } from '../../src/experiment/runner.js';

describe('default scenario (examples/default.json on traces/spike.csv)', () => {
  it('its burst policy cuts p99 latency by at least 80% against backpressure, losing nothing', () => {
    const scenario = loadScenario('examples/default.json');
    const bp = runScenario(scenario, { policy: 'backpressure' }).summary;
    const burst = runScenario(scenario).summary;
    expect(burst.policy).toBe('target-lag');
    const cut = 1 - burst.latency_ms.p99 / bp.latency_ms.p99;
    expect(cut).toBeGreaterThanOrEqual(0.8);
    // Backpressure queues the spike's excess in the external queue: ~5,300 lines/s over ~2 minutes.
    expect(bp.max_pending_records).toBeGreaterThan(400_000);
    expect(burst.max_pending_records).toBeLessThan(bp.max_pending_records / 10);
    expect(burst.offload.records).toBeGreaterThan(0);
    expect(burst.cost_usd.total).toBeGreaterThan(0);
    for (const s of [bp, burst]) {
      expect(s.records.lost).toBe(0);
      expect(s.records.duplicated).toBe(0);
      expect(s.records.arrived).toBe(bp.records.arrived);
    }
  });
});
