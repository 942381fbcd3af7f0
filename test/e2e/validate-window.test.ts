/**
 * Stateful offload live (issue 16, items 1 and 2): a window scenario built by flink-validate from its graph, on a
 * MiniCluster, its window offloading half its records to the local Invoke-API endpoint (the real Node handler's
 * window_count or window_sum: partial aggregates merged into the window state). The real window results must equal a
 * local-only run's exactly (the sink's order-free digest over (window, key, count or sum)), with and without injected
 * function errors, with zero loss (every source record accounted for by weight), windows per key in order, and (sum)
 * every result's sum recomputed at the sink from its ledger of records.
 *   test/e2e/validate-window.json       aggregate count
 *   test/e2e/validate-window-sum.json   the same scenario with "aggregate": "sum" (record values 1 + seq mod 100)
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInvokeServer, type InvokeServer } from '../../src/endpoint/index.js';
import { loadScenario } from '../../src/experiment/runner.js';
import { ensureFlinkJar, runLocalJob, type FlinkRunSummary } from '../../src/live/flink-job.js';
import { scenarioToGraphJobConfig } from '../../src/live/validate/job-config.js';
import { tempDir } from '../helpers/tmp.js';

type GraphSummary = FlinkRunSummary & {
  /** The job's exit code (3: its own checks failed; the summary is still written, so the digest can be compared first). */
  exit_code: number | null;
  window_digest: string;
  window_records: number;
  window_sum?: number;
  window_sum_mismatches?: number;
  window_order_violations: number;
  window_count_mismatches: number;
};

interface Case {
  aggregate: 'count' | 'sum';
  scenario: string;
  /** The endpoint's seed for its injected errors. */
  seed: string;
}
const CASES: Case[] = [
  { aggregate: 'count', scenario: resolve(__dirname, 'validate-window.json'), seed: 'window-e2e' },
  { aggregate: 'sum', scenario: resolve(__dirname, 'validate-window-sum.json'), seed: 'window-sum-e2e' },
];

async function run(c: Case, dir: string, name: string, endpoint: InvokeServer | null): Promise<GraphSummary> {
  const { config } = scenarioToGraphJobConfig(loadScenario(c.scenario), {
    controlUrl: null,
    outputDir: join(dir, `${c.aggregate}-${name}`),
    endpointUrl: endpoint?.url ?? null,
    workMode: 'wait',
    lingerMs: 0,
  });
  if (!endpoint) config.offload = { enabled: false };
  // no controller here: half the window's records go to the function from the start
  config.initial_decision = { version: 1, share: 0.5, batchRecords: 50, maxWaitMs: 20, maxInFlight: 4 };
  const r = await runLocalJob(config, { startTimeoutMs: 180_000 });
  expect(r.summary).toBeTruthy();
  return { ...(r.summary as GraphSummary), exit_code: r.exitCode };
}

function expectExact(c: Case, s: GraphSummary): void {
  expect(s.exit_code).toBe(0);
  expect(s.ok).toBe(true);
  expect(s.records_generated).toBe(5000); // 2 s x 500 + 2 s x 1,500 + 2 s x 500
  expect(s.lost).toBe(0);
  expect(s.duplicated).toBe(0);
  expect(s.window_records).toBe(5000);
  expect(s.window_order_violations).toBe(0);
  expect(s.window_count_mismatches).toBe(0);
  if (c.aggregate === 'sum') {
    // values 1 + seq mod 100 over seqs 0..4999: 50 x (1 + 2 + ... + 100)
    expect(s.window_sum).toBe(50 * 5050);
    expect(s.window_sum_mismatches).toBe(0);
  }
}

describe.each(CASES)('stateful offload of a window $aggregate, live: results equal a local-only run', (c) => {
  const dir = tempDir('spillway-window-e2e-');
  let local: GraphSummary;
  const endpoints: InvokeServer[] = [];

  beforeAll(async () => {
    // as validate.e2e.test.ts: rebuilt unless SPILLWAY_E2E_REBUILD=0 (the files run one after another)
    await ensureFlinkJar({ rebuild: process.env.SPILLWAY_E2E_REBUILD !== '0', offline: true });
    local = await run(c, dir, 'local', null);
  });
  afterAll(async () => {
    for (const e of endpoints) await e.stop();
  });

  it('local only: every record in exactly one window result', () => {
    expectExact(c, local);
    expect(local.offloaded).toBe(0);
  });

  for (const errorRate of [0, 0.3]) {
    it(`offloading half the records (function error rate ${errorRate}): the same window results`, async () => {
      const endpoint = await startInvokeServer({ port: 0, functionName: 'spillway-offload', errorRate, seed: c.seed });
      endpoints.push(endpoint);
      const s = await run(c, dir, `offload-${errorRate}`, endpoint);
      // the digest first: a job whose own checks failed (exit 3) still wrote it, and a differing digest says more
      expect(s.window_digest).toBe(local.window_digest);
      expectExact(c, s);
      expect(s.offloaded).toBeGreaterThan(1000);
      if (errorRate > 0) expect(s.errors).toBeGreaterThan(0);
      else expect(s.errors).toBe(0);
    });
  }
});
