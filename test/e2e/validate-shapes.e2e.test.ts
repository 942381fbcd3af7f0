/**
 * The benchmark shapes live (npm run test:e2e; issue 16, items 3, 4 and 6): each example scenario's shape runs as the
 * real job (flink-validate's shapes on a MiniCluster) on a 10 s slice of its trace at a tenth of its rate, and must
 * lose nothing and give window results equal to a local-only run (the sink's order-free digest); YSB with offload at
 * the source sends half the parses to the real Node handler behind the local endpoint. Fidelity is not asserted:
 * no shape meets the validation tolerances yet (docs/VALIDATION.md, "Benchmark shapes").
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInvokeServer, type InvokeServer } from '../../src/endpoint/index.js';
import { ensureFlinkJar } from '../../src/live/flink-job.js';
import { scenarioToShapeConfig } from '../../src/live/validate/shape-config.js';
import { checkScenario } from '../../src/scenario/load.js';

const ROOT = join(import.meta.dirname, '..', '..');
let jar = '';
let endpoint: InvokeServer | null = null;

beforeAll(async () => {
  jar = await ensureFlinkJar({ rebuild: process.env.SPILLWAY_E2E_REBUILD !== '0', offline: true });
  endpoint = await startInvokeServer({ port: 0, functionName: 'spillway-offload', keepWarmS: 600 });
});

afterAll(async () => {
  await endpoint?.stop();
});

/** Runs the jar without blocking this process's event loop: the local endpoint answers from it. */
function java(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((res, rej) => {
    const p = spawn('java', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-3000)));
    p.on('error', rej);
    p.on('close', (code) => res({ code, stderr }));
  });
}

async function runShape(name: string): Promise<{ summary: Record<string, unknown>; offloaded: number }> {
  const file = join(ROOT, 'examples', `${name}.json`);
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  raw.workload.rate_scale *= 0.1;
  const out = mkdtempSync(join(tmpdir(), `e2e-${name}-`));
  const cfg = scenarioToShapeConfig(checkScenario(raw, file), { outputDir: out, durationS: 10, sourceShare: 0.5, endpointUrl: endpoint!.url });
  writeFileSync(join(out, 'job.json'), JSON.stringify(cfg));
  const r = await java(['-jar', jar, '--config', join(out, 'job.json')]);
  expect(r.code, r.stderr).toBe(0);
  const parts = readdirSync(out).filter((f) => f.startsWith('source_offload-'));
  const offloaded = parts.reduce((n, f) => n + JSON.parse(readFileSync(join(out, f), 'utf8')).offloaded, 0);
  return { summary: JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')), offloaded };
}

describe('benchmark shapes, live', () => {
  it.each(['nexmark-q1', 'nexmark-q5-window', 'ysb', 'ysb-source-offload'])('%s: zero loss, results equal the local-only run', async (name) => {
    const { summary: s, offloaded } = await runShape(name);
    expect(s.ok).toBe(true);
    expect(s.lost).toBe(0);
    expect(s.duplicated).toBe(0);
    expect(s.digest).toBe(s.expected_digest);
    expect(s.results).toBe(s.expected_rows);
    expect(s.records_emitted).toBe(s.records_generated);
    if (name !== 'nexmark-q1') expect(s.hot_items_equal).toBe(true);
    // half the read records, exactly per subtask (to within one record each), went to the function
    if (name === 'ysb-source-offload') expect(Math.abs(offloaded - (s.records_generated as number) / 2)).toBeLessThanOrEqual(2);
  });
});
