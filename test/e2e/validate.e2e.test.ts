/**
 * End-to-end live validation (npm run test:e2e): builds flink-validate with Maven, runs test/e2e/validate-spike.json
 * (one tokenizer subtask at 1 ms per line: 1,000 lines/s) on a Flink MiniCluster with the local Lambda endpoint and
 * the target-lag policy, then the simulator, and checks zero loss, offloading, the outputs, and fidelity.
 *
 * Variants (SPILLWAY_E2E_VARIANTS, comma-separated; default "wait,nab,cpu"):
 *   wait    the e2e trace (45 s: 300 lines/s, a 15 s spike to 1,800) in wait mode, calibrated: ASSERTS every judged
 *           metric of the calibrated copy within test/e2e/tolerances-wait.json (the goal tolerances widened by the
 *           real spread measured over 5 runs on a loaded and 5 on a quiet host, pooled: bench/validate-tolerances.mjs,
 *           each entry's `why`), the uncalibrated copy's throughput within its band, and that calibration holds or
 *           improves every judged metric
 *   nab     a real series (test/e2e/nab-taxi-window.csv, 60 s) in wait mode, offloading on both sides, calibrated:
 *           the same assertions against test/e2e/tolerances-wait-nab.json
 *   cpu     the e2e trace in cpu mode: run and reported (the verdict is printed), not asserted
 *   faults  error_rate=0.2, throttle_rate=0.3 at the endpoint: the job retries, then falls back; still zero loss
 *   crash   the endpoint crashes after 40 invocations (crash_after): every later batch falls back; still zero loss
 * SPILLWAY_E2E_REBUILD=0 skips the Maven build when the jar exists.
 *
 * Fault-free variants also check the defects issue 10 names: 0 function errors and 0 fallbacks, and the same number
 * of cold starts counted by the job and by the endpoint.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureFlinkJar } from '../../src/live/flink-job.js';
import type { WorkMode } from '../../src/live/flink-job.js';
import { COMPARISON_METRICS } from '../../src/live/validate/compare.js';
import { runValidation, type FaultOptions } from '../../src/live/validate/run.js';
import { judge, loadTolerances, verdictSentence } from '../../src/live/validate/tolerances.js';

const ROOT = resolve(__dirname, '../..');
const SCENARIO = join(ROOT, 'test', 'e2e', 'validate-spike.json');
const tolerances = (file: string) => loadTolerances(join(ROOT, 'test', 'e2e', file), COMPARISON_METRICS.map((m) => m.key));

interface Variant {
  mode: WorkMode;
  faults: FaultOptions;
  trace?: string;
  durationS?: number;
  arrived: number;
  /** Offloading must start after this (s), on the real side. */
  offloadAfterS: number;
  calibrate: boolean;
  /** Assert the tolerances (else only report them). */
  assert: boolean;
  /** test/e2e/<file>: the tolerances, each with why its width (the goal, or the goal widened by the real spread). */
  tolerances: string;
}
const E2E = { trace: undefined, durationS: undefined, arrived: 36_000, offloadAfterS: 15, tolerances: 'tolerances-wait.json' };
const VARIANTS: Record<string, Variant> = {
  wait: { ...E2E, mode: 'wait', faults: {}, calibrate: true, assert: true },
  nab: { mode: 'wait', faults: {}, trace: join(ROOT, 'test', 'e2e', 'nab-taxi-window.csv'), durationS: 60, arrived: 52_813, offloadAfterS: 10, calibrate: true, assert: true, tolerances: 'tolerances-wait-nab.json' },
  cpu: { ...E2E, mode: 'cpu', faults: {}, calibrate: false, assert: false },
  faults: { ...E2E, mode: 'wait', faults: { errorRate: 0.2, throttleRate: 0.3 }, calibrate: false, assert: false },
  crash: { ...E2E, mode: 'wait', faults: { crashAfter: 40 }, calibrate: false, assert: false },
};
const wanted = (process.env.SPILLWAY_E2E_VARIANTS ?? 'wait,nab,cpu').split(',').map((s) => s.trim()).filter(Boolean);
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

/**
 * The uncalibrated copy's metrics asserted within the bands: throughput only. Its service time is the scenario's, while
 * the real tokenizer's mean per-record time on this loaded host was 1.4-3.7x that (docs/VALIDATION.md, "What makes the real side
 * differ"); what the host adds is measured and fitted by calibration, so the calibrated copy is held to every band.
 */
const UNCALIBRATED_ASSERTED = ['throughput_rps'];

const faultFree = (v: Variant) => Object.keys(v.faults).length === 0;

describe.each(wanted)('spillway validate, MiniCluster + local Lambda endpoint (%s)', (name) => {
  it(
    'loses nothing, offloads, writes its outputs, and (wait mode) stays within the tolerances',
    async () => {
      const v = VARIANTS[name];
      const TOLERANCES = tolerances(v.tolerances);
      const out = join(ROOT, 'out', 'e2e-validate', name);
      // Spillway creates no missing parent folders for an explicit --out (docs/INPUTS.md): the test makes it.
      mkdirSync(dirname(out), { recursive: true });
      const t = Date.now();
      const r = await runValidation({
        scenario: SCENARIO,
        policy: 'target-lag',
        params: { target: 500 },
        out,
        faults: v.faults,
        calibrate: v.calibrate,
        workMode: v.mode,
        tracePath: v.trace,
        durationS: v.durationS,
        tolerances: TOLERANCES,
        log: (l) => process.stderr.write(`${l}\n`),
      });
      const wallS = (Date.now() - t) / 1000;
      process.stderr.write(`e2e (${name}, ${v.mode} mode): validation took ${wallS.toFixed(0)} s\n${r.table}`);

      // zero loss, real and simulated
      expect(r.workMode).toBe(v.mode);
      expect(r.real.records.lost).toBe(0);
      expect(r.real.records.duplicated).toBe(0);
      expect(r.real.records.emitted).toBe(r.real.records.arrived);
      expect(r.real.records.arrived).toBe(v.arrived);
      expect(r.zeroLoss).toBe(true);
      expect(r.simulatedOk).toBe(true);

      // offloading happened on both sides, not before the load rose
      expect(r.real.lambda.invocations).toBeGreaterThan(0);
      expect(r.real.offload.records).toBeGreaterThan(0);
      expect(r.simulated.offload.records).toBeGreaterThan(0);
      const ts = readFileSync(join(out, 'real', 'timeseries.csv'), 'utf8').trim().split('\n');
      const cols = ts[0].split(',');
      const firstOffload = ts
        .slice(1)
        .map((l) => l.split(','))
        .find((c) => Number(c[cols.indexOf('offloaded_rps')]) > 0);
      expect(firstOffload).toBeDefined();
      expect(Number(firstOffload![cols.indexOf('t_s')])).toBeGreaterThan(v.offloadAfterS);

      if (faultFree(v)) {
        // a fault-free run: no function errors, no fallbacks; one cold-start count on job and endpoint
        const ep = JSON.parse(readFileSync(join(out, 'real', 'endpoint-stats.json'), 'utf8')) as { coldStarts: number; functionErrors: number };
        expect(r.real.lambda.errors).toBe(0);
        expect(r.real.offload.fallbacks).toBe(0);
        expect(ep.functionErrors).toBe(0);
        expect(r.real.lambda.cold_starts).toBe(ep.coldStarts);
      }

      if (v.assert) {
        // every judged metric of the calibrated copy within the bands; the uncalibrated copy's throughput too (each
        // entry of the tolerances file says why its width)
        const unc = r.judgements.filter((j) => UNCALIBRATED_ASSERTED.includes(j.key) && j.verdict !== 'PASS');
        expect(unc.map((j) => `uncalibrated ${j.key} ${j.error}`)).toEqual([]);
        expect(r.calibrated).not.toBeNull();
        const cal = judge(r.rows.map((row) => ({ key: row.key, real: row.real, simulated: row.calibrated ?? null })), TOLERANCES);
        process.stderr.write(`e2e (${name}): calibrated copy: ${verdictSentence(cal)}\n`);
        expect(cal.filter((j) => j.verdict !== 'PASS').map((j) => `calibrated ${j.key} ${j.error}`)).toEqual([]);
      }

      if (v.calibrate) {
        // Calibration holds or improves every judged metric: within the band, or no further from the real run than the
        // uncalibrated copy.
        expect(r.calibrated).not.toBeNull();
        const cal = judge(r.rows.map((row) => ({ key: row.key, real: row.real, simulated: row.calibrated ?? null })), TOLERANCES);
        expect(cal.map((c) => c.key)).toEqual(TOLERANCES.map((t) => t.key));
        for (const c of cal) {
          const before = r.judgements.find((j) => j.key === c.key)!;
          const held = c.verdict === 'PASS' || (c.error !== null && before.error !== null && Math.abs(c.error) <= Math.abs(before.error));
          expect(held, `${c.key}: calibrated ${c.error}, uncalibrated ${before.error}`).toBe(true);
        }
        expect(existsSync(join(out, 'calibration', 'model.json'))).toBe(true);
        expect(r.calibration?.message).toContain('real/service_times.csv');
      }

      if (name === 'faults') {
        expect(r.real.lambda.throttles).toBeGreaterThan(0);
        expect(r.real.lambda.errors).toBeGreaterThan(0);
      }
      if (name === 'crash') {
        expect(r.real.offload.fallbacks).toBeGreaterThan(0);
      }

      // outputs: the comparison with its verdict, the report with its error table
      const comparison = JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8')) as { metrics: { key: string }[]; zero_loss: unknown; verdict: string; judgements: unknown[] };
      expect(comparison.metrics.map((m) => m.key)).toContain('latency_p99_ms');
      expect(comparison.zero_loss).toMatchObject({ real: { lost: 0, duplicated: 0 } });
      expect(comparison.verdict).toBe(r.verdict);
      expect(comparison.judgements).toHaveLength(TOLERANCES.length);
      const html = readFileSync(join(out, 'report.html'), 'utf8');
      expect(html).toContain('id="validation-errors"');
      expect(html).toContain(`<p id="verdict"><strong>${r.verdict}`);
      expect(existsSync(join(out, 'compare.json'))).toBe(true);
      for (const run of ['real', 'simulated']) {
        for (const f of ['summary.json', 'timeseries.csv', 'latency_cdf.csv']) expect(existsSync(join(out, run, f))).toBe(true);
      }
    },
    600_000,
  );
});
