/** The offload layer end to end in the simulator: fallback, ordering, stateful merge, exact counts. */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/experiment/runner.js';
import { scenario, tokenizerSpec, LAMBDA_MODEL } from '../helpers/scenarios.js';

describe('offload', () => {
  it('sends the decided share and merges every result back exactly once', () => {
    const r = runScenario(scenario(tokenizerSpec()));
    const s = r.summary;
    expect(s.records.lost).toBe(0);
    expect(s.records.duplicated).toBe(0);
    expect(s.drained).toBe(true);
    expect(s.records.emitted).toBe(s.records.arrived);
    // Deterministic selectivity 3: exactly three results per line, wherever the line was tokenized.
    expect(s.records.results).toBe(3 * s.records.arrived);
    // The static policy asks for half from the first decision (t = 1 s) on: the credit router is exact.
    expect(s.offload.share).toBeGreaterThan(0.45);
    expect(s.offload.share).toBeLessThan(0.5);
    expect(s.lambda.invocations).toBeGreaterThanOrEqual(s.offload.batches);
    expect(s.offload.fallbacks).toBe(0);
    expect(s.cost_usd.total).toBeGreaterThan(0);
    expect(s.cost_usd.total).toBeCloseTo(s.cost_usd.requests + s.cost_usd.duration + s.cost_usd.provisioned, 8);
  });

  it('retries failing batches three times, then falls back to local processing without loss', () => {
    const spec = tokenizerSpec();
    spec.offload = [{ id: 'burst', vertex: 'tokenizer', platform: LAMBDA_MODEL, error_rate: 1 }];
    const s = runScenario(scenario(spec)).summary;
    expect(s.offload.batches).toBeGreaterThan(10);
    expect(s.offload.fallbacks).toBe(s.offload.batches);
    expect(s.lambda.errors).toBe(3 * s.offload.batches);
    expect(s.lambda.invocations).toBe(3 * s.offload.batches);
    expect(s.records.lost).toBe(0);
    expect(s.records.duplicated).toBe(0);
    expect(s.records.results).toBe(3 * s.records.arrived);
  });

  it('with an async capacity, batches beyond maxInFlight wait for a slot instead of the records staying local', () => {
    const run = (asyncCapacity?: number) => {
      const spec = tokenizerSpec({ policy: { name: 'static', params: { threshold: 0, share: 1, batchRecords: 50, maxInFlight: 1 } } });
      spec.offload = [{ id: 'burst', vertex: 'tokenizer', platform: LAMBDA_MODEL, ...(asyncCapacity ? { async_capacity: asyncCapacity } : {}) }];
      return runScenario(scenario(spec)).summary;
    };
    const local = run();
    const queued = run(10_000);
    for (const s of [local, queued]) {
      expect(s.records.lost).toBe(0);
      expect(s.records.results).toBe(3 * s.records.arrived);
      expect(s.lambda.max_concurrency).toBe(2);
    }
    // One batch out per subtask: without a queue, records arriving while it is out stay local (under half go);
    // with one, every record from the first decision (1 s of 20 s) on goes out, in batches that waited their turn.
    expect(local.offload.share).toBeLessThan(0.5);
    expect(queued.offload.share).toBeGreaterThan(0.94);
    expect(queued.offload.fallbacks).toBe(0);
  });

  it('ordered merge never reorders; unordered merge does', () => {
    const run = (merge: 'ordered' | 'unordered') => {
      const spec = tokenizerSpec();
      spec.offload = [{ id: 'burst', vertex: 'tokenizer', platform: LAMBDA_MODEL, merge }];
      return runScenario(scenario(spec)).summary;
    };
    const ordered = run('ordered');
    const unordered = run('unordered');
    expect(ordered.order_violations).toBe(0);
    expect(unordered.order_violations).toBeGreaterThan(0);
    for (const s of [ordered, unordered]) {
      expect(s.records.lost).toBe(0);
      expect(s.records.duplicated).toBe(0);
      expect(s.records.results).toBe(3 * s.records.arrived);
    }
    // Holding results behind slow batches costs latency.
    expect(ordered.latency_ms.p50).toBeGreaterThan(unordered.latency_ms.p50);
  });

  it('a keyed window merges the functions\' partial aggregates into exactly the local-only results', () => {
    const windowSpec = (offload: boolean, errorRate = 0) =>
      scenario({
        name: 'window-merge',
        seed: 3,
        duration_s: 30,
        time_resolution_ms: 0,
        workload: { trace: 'constant-500.csv', arrivals: 'poisson', record_bytes: 50, keys: { count: 40, zipf_s: 1 } },
        vertices: [
          { id: 'source', kind: 'source', parallelism: 2, service_ms: { type: 'deterministic', value: 0.01 } },
          { id: 'count', kind: 'window', parallelism: 2, service_ms: { type: 'exponential', mean: 1.5 }, window: { size_ms: 2000 }, output_bytes: 24 },
          { id: 'sink', kind: 'sink', parallelism: 1, service_ms: { type: 'deterministic', value: 0.01 } },
        ],
        edges: [
          { from: 'source', to: 'count', partitioning: 'hash' },
          { from: 'count', to: 'sink', partitioning: 'rebalance' },
        ],
        offload: [{ id: 'partial', vertex: 'count', platform: LAMBDA_MODEL, error_rate: errorRate }],
        policy: offload ? { name: 'static', params: { threshold: 0, share: 0.6 } } : { name: 'backpressure' },
        controller: { interval_ms: 1000, reporting_delay_ms: 0 },
      });
    const local = runScenario(windowSpec(false));
    const burst = runScenario(windowSpec(true));
    const faulty = runScenario(windowSpec(true, 0.4));
    expect(burst.summary.offload.records).toBeGreaterThan(burst.summary.records.arrived / 3);
    expect(faulty.summary.offload.fallbacks).toBeGreaterThan(0);
    expect(local.summary.records.arrived).toBe(burst.summary.records.arrived);
    for (const r of [burst, faulty]) {
      expect(r.windows.fired).toBe(local.windows.fired);
      expect(r.windows.results).toBe(local.windows.results);
      expect(r.windows.records).toBe(local.summary.records.arrived);
      expect(r.windows.digest).toBe(local.windows.digest);
      expect(r.summary.records.results).toBe(local.summary.records.results);
      expect(r.summary.records.lost).toBe(0);
      expect(r.summary.records.duplicated).toBe(0);
    }
  });

  it("applies the scenario's policy parameters only to the scenario's own policy", () => {
    const sc = scenario(tokenizerSpec({ duration_s: 3 }));
    // The scenario says static with share 0.5; a run under threshold starts from threshold's defaults.
    const s = runScenario(sc, { policy: 'threshold' }).summary;
    expect(s.policy).toBe('threshold');
    expect(s.params).not.toHaveProperty('share');
    expect(runScenario(sc).summary.params.share).toBe(0.5);
  });
});

describe('offload wiring', () => {
  it('a task takes one offload hook: a second point on the same vertex is refused before the run', () => {
    const spec = tokenizerSpec();
    const first = spec.offload![0];
    spec.offload = [first, { ...first, id: 'second' }];
    expect(() => runScenario(scenario(spec))).toThrow('vertex tokenizer has two offload points; one per task is supported');
  });
});
