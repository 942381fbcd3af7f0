/**
 * Ordered merge on the real tokenizer path (issue 16, item 2; npm run test:e2e): the tokenizer job of the e2e
 * scenario (test/e2e/validate-spike.json, 12 s of it, parallelism 2 on the tokenizer and its offload path) with
 * `merge: "ordered"` (Flink's orderedWait) sends half the lines to the real Node handler behind the local endpoint,
 * with injected function errors so retried batches come back after later ones. The sink checks the documented rule
 * (docs/VALIDATION.md, "Ordered merge"): each offload subtask's results leave in the input order of its batches;
 * zero loss and exact token counts as always. The unordered run of the same is printed, not asserted (its
 * violations depend on timing).
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInvokeServer, type InvokeServer } from '../../src/endpoint/index.js';
import { loadScenario } from '../../src/experiment/runner.js';
import { ensureFlinkJar, runLocalJob, type FlinkRunSummary } from '../../src/live/flink-job.js';
import { scenarioToJobConfig } from '../../src/live/validate/job-config.js';
import { tempDir } from '../helpers/tmp.js';

const SCENARIO = resolve(__dirname, 'validate-spike.json');

async function run(dir: string, merge: 'ordered' | 'unordered', endpoint: InvokeServer): Promise<FlinkRunSummary> {
  const scenario = loadScenario(SCENARIO);
  scenario.vertices[1].parallelism = 2;
  scenario.offload = scenario.offload!.map((o) => ({ ...o, merge }));
  const { config } = scenarioToJobConfig(scenario, { durationS: 12, controlUrl: null, outputDir: join(dir, merge), endpointUrl: endpoint.url, workMode: 'wait', lingerMs: 0 });
  // no controller: half the lines offloaded from the start, up to 8 batches out per subtask
  config.initial_decision = { version: 1, share: 0.5, batchRecords: 20, maxWaitMs: 20, maxInFlight: 8 };
  const r = await runLocalJob(config, { startTimeoutMs: 180_000 });
  expect(r.exitCode).toBe(0);
  return r.summary!;
}

describe('ordered merge on the real tokenizer path', () => {
  const dir = tempDir('spillway-ordered-e2e-');
  let endpoint: InvokeServer;

  beforeAll(async () => {
    await ensureFlinkJar({ rebuild: process.env.SPILLWAY_E2E_REBUILD !== '0', offline: true });
    endpoint = await startInvokeServer({ port: 0, functionName: 'spillway-offload', errorRate: 0.2, seed: 'ordered-e2e', keepWarmS: 600 });
  });
  afterAll(async () => {
    await endpoint?.stop();
  });

  it('merge ordered: each offload subtask\'s results leave in its batches\' input order, retries included', async () => {
    const s = await run(dir, 'ordered', endpoint);
    expect(s.ok).toBe(true);
    expect(s.records_generated).toBe(12 * 300); // 300 lines/s until the spike at 15 s
    expect(s.lost).toBe(0);
    expect(s.duplicated).toBe(0);
    expect(s.token_mismatches).toBe(0);
    expect(s.offloaded).toBeGreaterThan(1000);
    expect(s.errors).toBeGreaterThan(0); // retried batches were there to overtake
    expect(s.offload_order_violations).toBe(0);
  });

  it('merge unordered: the same run, violations printed', async () => {
    const s = await run(dir, 'unordered', endpoint);
    expect(s.ok).toBe(true);
    expect(s.lost).toBe(0);
    expect(s.duplicated).toBe(0);
    process.stderr.write(`unordered merge: ${s.offload_order_violations} offloaded results left after a later batch of their subtask (${s.errors} function errors)\n`);
  });
});
