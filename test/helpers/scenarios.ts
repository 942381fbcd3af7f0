/** Scenario builders for tests: small pipelines in code, checked by the real scenario loader. */
import { resolve } from 'node:path';
import { checkScenario } from '../../src/scenario/load.js';
import type { Scenario, ScenarioSpec } from '../../src/scenario/scenario.js';

/** Paths in the spec resolve against test/fixtures/. */
export function scenario(spec: ScenarioSpec): Scenario {
  return checkScenario(spec, resolve('test/fixtures/inline.json'), 'inline');
}

export const LAMBDA_MODEL = '../../models/aws-lambda-nodejs-1024.json';

/** source → tokenizer (flatMap, deterministic selectivity) → sink, with an offload point on the tokenizer. */
export function tokenizerSpec(overrides: Partial<ScenarioSpec> & { offload?: ScenarioSpec['offload'] } = {}): ScenarioSpec {
  return {
    name: 'tokenizer-test',
    seed: 7,
    duration_s: 20,
    time_resolution_ms: 1,
    workload: { trace: 'constant-500.csv', arrivals: 'poisson', record_bytes: 100, keys: { count: 100 } },
    vertices: [
      { id: 'source', kind: 'source', parallelism: 1, service_ms: { type: 'deterministic', value: 0.01 } },
      {
        id: 'tokenizer',
        kind: 'flatMap',
        parallelism: 2,
        service_ms: { type: 'exponential', mean: 2 },
        selectivity: { type: 'deterministic', value: 3 },
        output_bytes: 16,
      },
      { id: 'sink', kind: 'sink', parallelism: 1, service_ms: { type: 'deterministic', value: 0.001 } },
    ],
    edges: [
      { from: 'source', to: 'tokenizer', partitioning: 'rebalance' },
      { from: 'tokenizer', to: 'sink', partitioning: 'rebalance' },
    ],
    offload: [{ id: 'burst', vertex: 'tokenizer', platform: LAMBDA_MODEL }],
    policy: { name: 'static', params: { threshold: 0, share: 0.5 } },
    controller: { interval_ms: 1000, reporting_delay_ms: 0 },
    ...overrides,
  };
}
