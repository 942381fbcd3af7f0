/**
 * End-to-end live validation (npm run test:e2e): builds flink-validate with Maven, runs test/e2e/validate-spike.json
 * (45 s: 300 lines/s, a 15 s spike to 1,800 lines/s against a 1,000 lines/s tokenizer) on a Flink MiniCluster with
 * the local Lambda endpoint and the target-lag policy, then the simulator, and checks zero loss, that offloading
 * happened during the spike, and that comparison.json and report.html were written.
 *
 * Variants (SPILLWAY_E2E_VARIANTS, comma-separated; default "plain"):
 *   plain   no faults
 *   faults  error_rate=0.2, throttle_rate=0.3 at the endpoint: the job retries, then falls back; still zero loss
 *   crash   the endpoint crashes after 40 invocations (crash_after): every later batch falls back; still zero loss
 * SPILLWAY_E2E_REBUILD=0 skips the Maven build when the jar exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureFlinkJar } from '../../src/live/flink-job.js';
import { runValidation, type FaultOptions } from '../../src/live/validate/run.js';

const ROOT = resolve(__dirname, '../..');
const SCENARIO = join(ROOT, 'test', 'e2e', 'validate-spike.json');
const SPIKE_START_S = 15;
const VARIANTS: Record<string, FaultOptions> = {
  plain: {},
  faults: { errorRate: 0.2, throttleRate: 0.3 },
  crash: { crashAfter: 40 },
};
const wanted = (process.env.SPILLWAY_E2E_VARIANTS ?? 'plain').split(',').map((s) => s.trim()).filter(Boolean);
for (const v of wanted) if (!(v in VARIANTS)) throw new Error(`SPILLWAY_E2E_VARIANTS: unknown variant "${v}" (known: ${Object.keys(VARIANTS).join(', ')})`);

beforeAll(async () => {
  const rebuild = process.env.SPILLWAY_E2E_REBUILD !== '0';
  const t = Date.now();
  try {
    await ensureFlinkJar({ rebuild, offline: true });
  } catch {
    await ensureFlinkJar({ rebuild, offline: false }); // first build: dependencies not downloaded yet
  }
  process.stderr.write(`e2e: flink-validate jar ${rebuild ? 'built' : 'present'} in ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
}, 900_000);

describe.each(wanted)('spillway validate, MiniCluster + local Lambda endpoint (%s)', (variant) => {
  it(
    'loses nothing, offloads during the spike, writes comparison.json and report.html',
    async () => {
      const faults = VARIANTS[variant];
      const out = join(ROOT, 'out', 'e2e-validate', variant);
      const t = Date.now();
      // The plain run also calibrates from its own measurements and re-simulates (issue 6's loop).
      const calibrate = variant === 'plain';
      const r = await runValidation({ scenario: SCENARIO, policy: 'target-lag', params: { target: 500 }, out, faults, calibrate, log: (l) => process.stderr.write(`${l}\n`) });
      const wallS = (Date.now() - t) / 1000;
      process.stderr.write(`e2e (${variant}): validation took ${wallS.toFixed(0)} s\n${r.table}`);

      // zero loss, real and simulated
      expect(r.real.records.lost).toBe(0);
      expect(r.real.records.duplicated).toBe(0);
      expect(r.real.records.emitted).toBe(r.real.records.arrived);
      expect(r.real.records.arrived).toBe(36_000);
      expect(r.zeroLoss).toBe(true);
      expect(r.simulatedOk).toBe(true);

      // offloading happened, during the spike
      expect(r.real.lambda.invocations).toBeGreaterThan(0);
      expect(r.real.offload.records).toBeGreaterThan(0);
      const ts = readFileSync(join(out, 'real', 'timeseries.csv'), 'utf8').trim().split('\n');
      const cols = ts[0].split(',');
      const firstOffload = ts
        .slice(1)
        .map((l) => l.split(','))
        .find((c) => Number(c[cols.indexOf('offloaded_rps')]) > 0);
      expect(firstOffload).toBeDefined();
      expect(Number(firstOffload![cols.indexOf('t_s')])).toBeGreaterThan(SPIKE_START_S);

      if (calibrate) {
        // The loop runs: a model and a scenario fitted to this run (the job's per-record timings and its own offload
        // batches, on models/local-endpoint.json), re-simulated, compared side by side with the uncalibrated default
        // (the scenario's own published-figures Lambda model). Calibration must bring the simulated p99 closer to the
        // real one than that default does; docs/VALIDATION.md, "Does calibration reduce the p99 error?", has the runs.
        const p99 = r.rows.find((row) => row.key === 'latency_p99_ms')!;
        expect(r.calibrated).not.toBeNull();
        expect(p99.rel_error_calibrated).not.toBeNull();
        expect(r.published).not.toBeNull();
        expect(p99.rel_error_published).not.toBeNull();
        expect(Math.abs(p99.rel_error_calibrated!)).toBeLessThan(Math.abs(p99.rel_error_published!));
        expect(existsSync(join(out, 'calibration', 'model.json'))).toBe(true);
        expect(existsSync(join(out, 'calibration', 'scenario.json'))).toBe(true);
        // calibrated from the job's own measurements, not from busy time or a separate probe alone
        expect(existsSync(join(out, 'real', 'service_times.csv'))).toBe(true);
        expect(r.calibration?.message).toContain('real/service_times.csv');
        expect(r.calibration?.message).toContain('real/offload_batches.jsonl');
      }

      if (variant === 'faults') {
        expect(r.real.lambda.throttles).toBeGreaterThan(0);
        expect(r.real.lambda.errors).toBeGreaterThan(0);
      }
      if (variant === 'crash') {
        expect(r.real.offload.fallbacks).toBeGreaterThan(0);
      }

      // outputs
      const comparison = JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8')) as { metrics: { key: string }[]; zero_loss: unknown };
      expect(comparison.metrics.map((m) => m.key)).toContain('latency_p99_ms');
      expect(comparison.zero_loss).toMatchObject({ real: { lost: 0, duplicated: 0 } });
      expect(existsSync(join(out, 'report.html'))).toBe(true);
      expect(existsSync(join(out, 'compare.json'))).toBe(true);
      for (const run of ['real', 'simulated']) {
        for (const f of ['summary.json', 'timeseries.csv', 'latency_cdf.csv']) expect(existsSync(join(out, run, f))).toBe(true);
      }
      expect(wallS).toBeLessThan(300);
    },
    600_000,
  );
});
