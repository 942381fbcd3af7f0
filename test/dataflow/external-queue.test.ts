/**
 * Latency counts from a record's intended arrival, not from when the source read it: here every wait is in
 * the source's external queue, so measuring from read time would give 1 ms for every record.
 *
 * By hand (test/fixtures/external-queue.json): arrivals evenly spaced at 2 per ms for 1 s, t_i = (i + 1 − φ)/2
 * ms for a phase φ in [0, 1), 2,000 records; the source takes 1 ms per record and starts with the first, so
 * record i leaves it (and the zero-time sink) at t_0 + (i + 1) ms. Latency_i = t_0 + i + 1 − t_i = (i + 2)/2 ms:
 * 1 ms for the first, 1,000.5 ms for the last, mean (999.5 + 2)/2 = 500.75 ms, whatever the phase (seed). The
 * backlog peaks at the end of the second: 2,000 arrived, 1,000 read.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario } from '../../src/experiment/runner.js';

describe('a wait in the external queue', () => {
  const scenario = loadScenario('test/fixtures/external-queue.json');
  for (const seed of [1, 7]) {
    it(`latency from intended arrival, computed by hand (seed ${seed})`, () => {
      const s = runScenario(scenario, { seed }).summary;
      expect(s.records.arrived).toBe(2000);
      expect(s.latency_ms.count).toBe(2000);
      expect(s.latency_ms.max).toBeCloseTo(1000.5, 1);
      // The HdrHistogram keeps 3 significant digits: within 0.1%.
      expect(Math.abs(s.latency_ms.mean - 500.75) / 500.75).toBeLessThan(1e-3);
      expect(Math.abs(s.latency_ms.p50 - 500.75) / 500.75).toBeLessThan(2e-3);
      expect(Math.abs(s.latency_ms.p99 - 0.5 * (1980 + 2)) / 991).toBeLessThan(2e-3);
      expect(s.max_pending_records).toBe(1000);
      expect(s.drained).toBe(true);
    });
  }
});
