/**
 * Stateful offload of a window sum, live (issue 16, items 1 and 2): test/e2e/validate-window-sum.json (the window
 * scenario with `"aggregate": "sum"`) built by flink-validate, on a MiniCluster, offloading half its records to the
 * local Invoke-API endpoint (the real Node handler's window_sum: partial sums merged into the window state). The real
 * window results must equal a local-only run's exactly (the sink's order-free digest over (window, key, sum)), with
 * and without injected function errors; every result's sum is recomputed at the sink from its ledger of records.
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInvokeServer, type InvokeServer } from '../../src/endpoint/index.js';
import { loadScenario } from '../../src/experiment/runner.js';
import { ensureFlinkJar, runLocalJob, type FlinkRunSummary } from '../../src/live/flink-job.js';
import { scenarioToGraphJobConfig } from '../../src/live/validate/job-config.js';
import { tempDir } from '../helpers/tmp.js';

const SCENARIO = resolve(__dirname, 'validate-window-sum.json');
type GraphSummary = FlinkRunSummary & {
  /** The job's exit code (3: its own checks failed; the summary is still written, so the digest can be compared first). */
  exit_code: number | null;
  window_digest: string;
  window_records: number;
  window_sum: number;
  window_sum_mismatches: number;
  window_order_violations: number;
  window_count_mismatches: number;
};

async function run(dir: string, name: string, endpoint: InvokeServer | null): Promise<GraphSummary> {
  const { config } = scenarioToGraphJobConfig(loadScenario(SCENARIO), {
    controlUrl: null,
    outputDir: join(dir, name),
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

function expectExact(s: GraphSummary): void {
  expect(s.exit_code).toBe(0);
  expect(s.ok).toBe(true);
  expect(s.records_generated).toBe(5000); // 2 s x 500 + 2 s x 1,500 + 2 s x 500
  expect(s.lost).toBe(0);
  expect(s.duplicated).toBe(0);
  expect(s.window_records).toBe(5000);
  // values 1 + seq mod 100 over seqs 0..4999: 50 x (1 + 2 + ... + 100)
  expect(s.window_sum).toBe(50 * 5050);
  expect(s.window_sum_mismatches).toBe(0);
  expect(s.window_order_violations).toBe(0);
  expect(s.window_count_mismatches).toBe(0);
}

describe('stateful offload of a window sum, live: results equal a local-only run', () => {
  const dir = tempDir('spillway-window-sum-e2e-');
  let local: GraphSummary;
  const endpoints: InvokeServer[] = [];

  beforeAll(async () => {
    // as validate-window.test.ts: rebuilt unless SPILLWAY_E2E_REBUILD=0
    await ensureFlinkJar({ rebuild: process.env.SPILLWAY_E2E_REBUILD !== '0', offline: true });
    local = await run(dir, 'local', null);
  });
  afterAll(async () => {
    for (const e of endpoints) await e.stop();
  });

  it('local only: every record in exactly one window result, every sum as its ledger says', () => {
    expectExact(local);
    expect(local.offloaded).toBe(0);
  });

  for (const errorRate of [0, 0.3]) {
    it(`offloading half the records (function error rate ${errorRate}): the same window sums`, async () => {
      const endpoint = await startInvokeServer({ port: 0, functionName: 'spillway-offload', errorRate, seed: 'window-sum-e2e' });
      endpoints.push(endpoint);
      const s = await run(dir, `offload-${errorRate}`, endpoint);
      expect(s.window_digest).toBe(local.window_digest);
      expectExact(s);
      expect(s.offloaded).toBeGreaterThan(1000);
      if (errorRate > 0) expect(s.errors).toBeGreaterThan(0);
      else expect(s.errors).toBe(0);
    });
  }
});
