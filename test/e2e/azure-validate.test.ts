/**
 * `spillway validate --platform azure --target local` end to end (npm run test:e2e:azure): the e2e spike scenario
 * offloading to Azure Functions (test/e2e/azure-validate-spike.json: models/azure-functions-consumption.json) on a
 * Flink MiniCluster whose job calls the local endpoint's Azure Functions app (the v4 app of lambda/azure behind
 * POST /api/spillway-offload with a function key) through its Azure HTTP invoker, then the simulator on the local
 * Azure model and on the published Consumption model. Asserts zero loss, that every batch went through the Azure
 * route (the endpoint's counters match the job's), the outputs, and that no key was written; the fidelity verdict
 * is printed, not asserted (one measured run: docs/AZURE.md).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureFlinkJar } from '../../src/live/flink-job.js';
import { runValidation } from '../../src/live/validate/run.js';

const ROOT = resolve(__dirname, '../..');
const SCENARIO = join(ROOT, 'test', 'e2e', 'azure-validate-spike.json');

beforeAll(async () => {
  const rebuild = process.env.SPILLWAY_E2E_REBUILD !== '0';
  try {
    await ensureFlinkJar({ rebuild, offline: true });
  } catch {
    await ensureFlinkJar({ rebuild, offline: false });
  }
}, 900_000);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? filesUnder(join(dir, f)) : [join(dir, f)]));
}

describe('spillway validate --platform azure --target local', () => {
  it('loses nothing, offloads through the Azure HTTP trigger, writes its outputs and no key', async () => {
    const out = join(ROOT, 'out', 'e2e-validate', 'azure');
    mkdirSync(dirname(out), { recursive: true });
    const lines: string[] = [];
    // The local app takes its key from the variable when set (else a random one): a known key to look for below.
    const key = `e2e-${Date.now().toString(36)}-not-a-real-key`;
    process.env.SPILLWAY_AZURE_FUNCTION_KEY = key;
    const r = await runValidation({
      scenario: SCENARIO,
      platform: 'azure',
      target: 'local',
      policy: 'target-lag',
      params: { target: 500 },
      out,
      workMode: 'wait',
      log: (l) => {
        lines.push(l);
        process.stderr.write(`${l}\n`);
      },
    });
    process.stderr.write(`e2e (azure): ${r.verdictSentence}\n${r.table}`);

    expect(r.real.records.lost).toBe(0);
    expect(r.real.records.duplicated).toBe(0);
    expect(r.real.records.arrived).toBe(36_000);
    expect(r.real.records.emitted).toBe(36_000);
    expect(r.zeroLoss).toBe(true);
    expect(r.simulatedOk).toBe(true);

    // every invocation the job made is one the Azure app admitted: none failed, none fell back
    const ep = JSON.parse(readFileSync(join(out, 'real', 'endpoint-stats.json'), 'utf8')) as Record<string, number>;
    expect(r.real.lambda.invocations).toBeGreaterThan(0);
    expect(ep.invocations).toBe(r.real.lambda.invocations);
    expect(ep.functionErrors).toBe(0);
    expect(r.real.offload.fallbacks).toBe(0);
    expect(r.real.lambda.cold_starts).toBe(ep.coldStarts);
    expect(r.simulated.offload.records).toBeGreaterThan(0);

    // the job was configured for the Azure route, with the key's variable name only
    const job = JSON.parse(readFileSync(join(out, 'real', 'flink', 'job.json'), 'utf8')) as { offload: Record<string, unknown> };
    expect(job.offload.platform).toBe('azure');
    expect(String(job.offload.function_url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/spillway-offload$/);
    expect(job.offload.function_key_env).toBe('SPILLWAY_AZURE_FUNCTION_KEY');
    expect(r.notes.some((n) => n.includes('local-endpoint-azure-wait.json'))).toBe(true);
    expect(lines.some((l) => l.includes('local Azure Functions endpoint'))).toBe(true);
    // the key reached the job through its environment only: no file written holds it, nor any line printed
    for (const f of filesUnder(out)) expect(readFileSync(f, 'latin1').includes(key), f).toBe(false);
    expect(lines.some((l) => l.includes(key))).toBe(false);

    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(existsSync(join(out, 'published', 'summary.json'))).toBe(true);
  }, 600_000);
});
