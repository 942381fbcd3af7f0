import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { calibrate, fitLinear, writeCalibration } from '../../src/calibrate/index.js';
import { specMean } from '../../src/engine/distributions.js';
import { seededRng } from '../../src/engine/random.js';
import { loadScenario } from '../../src/scenario/load.js';
import { loadPlatformModel } from '../../src/serverless/model-file.js';
import { metricsFixture, probeFixture, TRUTH } from './fixtures/make-fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const here = dirname(fileURLToPath(import.meta.url));
const FIX = join(here, 'fixtures');
const PROBE = join(FIX, 'probe.jsonl');
const METRICS = join(FIX, 'flink-metrics.csv');
const FAST = { bootstrap: 49, seed: 'test' };

function scratch(): string {
  return tempDir('spillway-cal-');
}

describe('fixtures', () => {
  it('are what the seeded generator makes', () => {
    expect(readFileSync(PROBE, 'utf8')).toBe(probeFixture());
    expect(readFileSync(METRICS, 'utf8')).toBe(metricsFixture());
  });
});

describe('linear batch model', () => {
  it('recovers a and b within 4 standard errors and reports R²', () => {
    const rng = seededRng('lin');
    const xs: number[] = [];
    const ys: number[] = [];
    for (const n of [1, 10, 50, 100, 500]) {
      for (let i = 0; i < 40; i++) {
        xs.push(n);
        ys.push(2 + 0.03 * n + (rng() - 0.5)); // uniform noise, sd 1/√12
      }
    }
    const f = fitLinear(xs, ys);
    expect(Math.abs(f.a - 2)).toBeLessThan(4 * f.se_a);
    expect(Math.abs(f.b - 0.03)).toBeLessThan(4 * f.se_b);
    // The SEs themselves are right: sd(noise) = 1/√12.
    expect(f.residual_sd).toBeGreaterThan(0.25);
    expect(f.residual_sd).toBeLessThan(0.33);
    expect(f.r2).toBeGreaterThan(0.95);
    expect(f.distinct_x).toBe(5);
  });
});

describe('calibrate() from the probe fixture', () => {
  it('fits cold start, round trip, overhead and the batch model, and the loader accepts the model', () => {
    const dir = scratch();
    const out = join(dir, 'local-1024.json');
    const r = calibrate([PROBE], { modelOut: out, date: '2026-11-20', fit: FAST });
    writeFileSync(out, JSON.stringify(r.model, null, 2));
    const m = loadPlatformModel(out);
    expect(m.id).toBe('local-1024');
    expect(m.memory.default_mb).toBe(1024);
    expect(m.provenance.date).toBe('2026-11-20');
    expect(m.provenance.parameters!.cold_start_ms.kind).toBe('measured');
    expect(m.provenance.parameters!.cold_start_ms.method).toMatch(/KS D=.* AD A2=.* AIC=/);
    // Cold start: 36 lognormal draws; μ within 4σ/√n.
    const cold = r.fits.find((f) => f.field === 'cold_start_ms')!;
    expect(cold.fit.n).toBe(36);
    const ln = cold.fit.candidates.find((c) => c.family === 'lognormal')!;
    expect(Math.abs(ln.params.mu - TRUTH.init.mu)).toBeLessThan((4 * TRUTH.init.sigma) / Math.sqrt(36));
    // Round trip: 60 warm samples, lognormal median 6 ms.
    const rtt = r.fits.find((f) => f.field === 'network.rtt_ms')!;
    expect(rtt.fit.n).toBe(60);
    expect(Math.abs(Math.log(rtt.fit.summary.p50) - TRUTH.rtt.mu)).toBeLessThan((4 * 1.2533 * TRUTH.rtt.sigma) / Math.sqrt(60));
    // Batch model.
    expect(r.batch).not.toBeNull();
    expect(r.batch!.batch_sizes).toEqual([1, 10, 100]);
    expect(Math.abs(r.batch!.b - TRUTH.b)).toBeLessThan(4 * r.batch!.se_b);
    expect(Math.abs(r.batch!.a - TRUTH.a)).toBeLessThan(4 * r.batch!.se_a);
    expect(r.batch!.r2).toBeGreaterThan(0.99);
    // Warm overhead ≈ a.
    expect(specMean(m.warm_overhead_ms)).toBeGreaterThan(0.6);
    expect(specMean(m.warm_overhead_ms)).toBeLessThan(1.0);
    // Forced cold starts seconds apart are no keep-alive evidence: the base model's keep-alive is kept.
    expect(r.keep_alive!.spec).toBeNull();
    expect(m.keep_alive_s).toEqual({ type: 'uniform', min: 300, max: 420 });
  });

  it('is deterministic', () => {
    const a = calibrate([PROBE], { date: '2026-11-20', fit: FAST });
    const b = calibrate([PROBE], { date: '2026-11-20', fit: FAST });
    expect(JSON.stringify(a.model)).toBe(JSON.stringify(b.model));
  });

  it('observes keep-alive from idle gaps of minutes', () => {
    const dir = scratch();
    const lines = readFileSync(PROBE, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const last = lines[lines.length - 1];
    const t0 = last.t + 10_000;
    const extra = [
      { ...last, t: t0 + 200_000, kind: 'warm', init_ms: null }, // warm after ~210 s idle
      { ...last, t: t0 + 200_000 + 500_000, kind: 'cold', init_ms: 170 }, // cold after ~500 s idle
    ];
    const f = join(dir, 'ka.jsonl');
    writeFileSync(f, [...lines, ...extra].map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r = calibrate([f], { date: '2026-11-20', fit: FAST });
    expect(r.keep_alive!.spec).toEqual({ type: 'uniform', min: expect.closeTo(210, -1), max: expect.closeTo(500, -1) });
    expect(r.model.keep_alive_s.type).toBe('uniform');
    expect(r.model.provenance.parameters!.keep_alive_s.kind).toBe('measured');
  });
});

describe('calibrate() a scenario from Flink metrics', () => {
  it('rescales the tokenizer service time to Σbusy/Σrecords, keeps its shape, and points the offload at the new model', () => {
    const dir = scratch();
    const scen = join(dir, 'in', 'deeper', 'scenario.json');
    const src = JSON.parse(readFileSync(join(here, '../../examples/default.json'), 'utf8'));
    src.workload.trace = join(here, '../../examples/queues/constant-800.csv');
    src.offload[0].platform = join(here, '../../models/aws-lambda-nodejs-1024.json');
    // A path relative to the scenario's folder must move with the copy (out/ is elsewhere).
    const cluster = join(dirname(scen), 'cluster.json');
    src.cluster.model = 'cluster.json';
    mkdirSync(dirname(scen), { recursive: true });
    writeFileSync(cluster, readFileSync(join(here, '../../models/cluster-eks-m6i-large.json')));
    writeFileSync(scen, JSON.stringify(src));
    const outScen = join(dir, 'out', 'calibrated.json');
    const outModel = join(dir, 'models', 'cal.json');
    const r = calibrate([PROBE, METRICS], { modelOut: outModel, scenario: scen, scenarioOut: outScen, date: '2026-11-20', fit: FAST });
    expect(r.service!.flink_vertex).toBe('tokenizer');
    expect(r.service!.n).toBe(60);
    expect(Math.abs(r.service!.mean_ms - TRUTH.serviceMs)).toBeLessThan(4 * r.service!.se_ms);
    const v = r.scenario!.vertices.find((x) => x.id === 'tokenizer')!;
    expect(v.service_ms.type).toBe('lognormal');
    expect((v.service_ms as { cv: number }).cv).toBe(0.5);
    expect(specMean(v.service_ms)).toBeCloseTo(r.service!.mean_ms, 4);
    expect(r.scenario!.offload![0].platform).toBe('../models/cal.json');
    // work factor = b · min(1, 1024/1769) / mean service
    expect(r.scenario!.offload![0].work_factor).toBeCloseTo((r.batch!.b * (1024 / 1769)) / r.service!.mean_ms, 2);
    // The copy loads once the model exists.
    mkdirSync(dirname(outModel), { recursive: true });
    mkdirSync(dirname(outScen), { recursive: true });
    writeCalibration(r, { model: outModel, scenario: outScen });
    const loaded = loadScenario(outScen);
    expect(loaded.offload![0].platform).toBe(outModel);
    expect(loaded.cluster!.model).toBe(resolve(cluster));
  });
});
