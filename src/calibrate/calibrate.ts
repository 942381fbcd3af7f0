/**
 * calibrate(): measurements → a platform model file (and optionally a calibrated scenario), with every fit's
 * statistics. What is fitted from what (docs/CALIBRATION.md):
 *
 * | model field | from | values |
 * |---|---|---|
 * | `cold_start_ms` | probe, cold samples | `init_ms` |
 * | `network.rtt_ms` | probe, warm samples | `client_ms − duration_ms − payload_bytes / bandwidth` |
 * | batch model | probe, warm samples | least squares `duration_ms = a + b·batch_records` (R², SEs) |
 * | `warm_overhead_ms` | probe, warm samples | `duration_ms − b·batch_records` (the intercept's distribution) |
 * | `keep_alive_s` | probe, idle gaps ≥ 60 s | interval bounds (keep-alive.ts) |
 * | scenario vertex `service_ms` | per-record timings, else Flink metrics | fitted family; or the mean Σbusy/Σrecords with the scenario's shape kept |
 * | scenario offload `work_factor` | batch model slope and the service mean | b · min(1, vCPUs) / mean service |
 *
 * On a base model of one shared host (models/local-endpoint.json: one instance, executions sharing its vCPUs), the
 * probe samples' durations and INIT times are first reduced to what each would have taken alone (sharing.ts).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { specMean } from '../engine/distributions.js';
import { checkScenario } from '../scenario/load.js';
import { withScenarioPaths } from '../scenario/paths.js';
import { checkPlatformModel, loadPlatformModel } from '../serverless/model-file.js';
import { environmentVcpus, type PlatformModel } from '../serverless/model.js';
import { UserError } from '../util/errors.js';
import { sig } from './families.js';
import { fitProbes, selectMemory, soloProbes, type FitContext } from './fit-probe.js';
import { fitService, readScenarioInput, type ScenarioInput } from './fit-service.js';
import { readMeasurements, type Measurements } from './inputs.js';
import type { KeepAliveResult } from './keep-alive.js';

export { MIN_SAMPLES } from './fit-probe.js';
export { busyTimeService } from './fit-service.js';

export type { BatchModel, CalibrateOptions, CalibrationResult, QuantityFit, ServiceResult } from './types.js';
import type { BatchModel, CalibrateOptions, CalibrationResult, ServiceResult } from './types.js';

function defaultBasePath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'models', 'aws-lambda-nodejs-1024.json');
    try {
      readFileSync(p);
      return p;
    } catch {
      dir = dirname(dir);
    }
  }
  throw new UserError('cannot find models/aws-lambda-nodejs-1024.json; give a base model with --base');
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function posixRel(from: string, to: string): string {
  const r = relative(from, to).split(sep).join('/');
  return r.startsWith('.') ? r : `./${r}`;
}

/**
 * Fit what the measurements allow and return the calibrated model (validated by checkPlatformModel), the
 * scenario copy, and every statistic. Throws UserError on bad or too few measurements.
 */
export function calibrate(inputs: readonly string[] | Measurements, options: CalibrateOptions = {}): CalibrationResult {
  const m = Array.isArray(inputs) ? readMeasurements(inputs as string[]) : (inputs as Measurements);
  const { base, baseFile } = loadBase(options);
  const selected = selectMemory(m.probes, options.memoryMb);
  const ctx: FitContext = {
    base,
    model: structuredClone(base),
    params: { ...(base.provenance.parameters ?? {}) },
    changes: [],
    fits: [],
    warnings: [],
    date: options.date ?? today(),
    fitOpts: options.fit ?? {},
    memory: selected.memory,
    sharing: null,
  };
  const probes = soloProbes(ctx, selected.samples);
  const { batch, keepAlive } = fitProbes(ctx, probes, options.keepAliveMinGapS ?? 60);
  const scenario = readScenarioInput(options);
  const service = fitService(m, options, scenario, ctx.fitOpts, ctx.warnings);
  if (service?.fit) ctx.fits.push(service.fit);
  if (scenario) writeScenarioCopy(ctx, scenario, options, service?.service ?? null, batch, m);
  return {
    model: finishModel(ctx, options, m, keepAlive),
    base: { id: base.id, file: baseFile },
    memory_mb: ctx.memory,
    fits: ctx.fits,
    batch,
    sharing: ctx.sharing,
    keep_alive: keepAlive,
    service: service?.service ?? null,
    scenario: scenario?.json ?? null,
    changes: ctx.changes,
    files: m.files,
    warnings: ctx.warnings,
  };
}

function loadBase(options: CalibrateOptions): { base: PlatformModel; baseFile: string | null } {
  if (typeof options.base === 'object') return { base: checkPlatformModel(structuredClone(options.base), 'base model'), baseFile: null };
  const baseFile = options.base ?? defaultBasePath();
  return { base: loadPlatformModel(baseFile), baseFile };
}

/**
 * The calibrated scenario copy: relative paths re-anchored at scenarioOut, the vertex's fitted service time, and per
 * offload point on it the model's path, the probes' memory size and the work factor from the batch model's slope.
 */
function writeScenarioCopy(ctx: FitContext, sc: ScenarioInput, options: CalibrateOptions, service: ServiceResult | null, batch: BatchModel | null, m: Measurements): void {
  const json = sc.json;
  const outAbs = resolve(options.scenarioOut ?? sc.abs);
  const outDir = dirname(outAbs);
  const srcDir = dirname(sc.abs);
  const originalPlatform = new Map((json.offload ?? []).map((o) => [o.id, o.platform]));
  Object.assign(json, withScenarioPaths(json, (p) => posixRel(outDir, resolve(srcDir, p))));
  const v = json.vertices.find((x) => x.id === sc.vertex)!;
  if (service?.after) {
    ctx.changes.push({ field: `scenario.vertices[${v.id}].service_ms`, before: v.service_ms, after: service.after });
    v.service_ms = service.after;
  }
  const serviceMean = specMean(v.service_ms);
  for (const o of json.offload ?? []) {
    if (o.vertex !== v.id) continue;
    if (options.modelOut) {
      const p = posixRel(outDir, resolve(options.modelOut));
      ctx.changes.push({ field: `scenario.offload[${o.id}].platform`, before: originalPlatform.get(o.id), after: p });
      o.platform = p;
    }
    if (ctx.memory !== null && o.memory_mb !== ctx.memory) {
      ctx.changes.push({ field: `scenario.offload[${o.id}].memory_mb`, before: o.memory_mb ?? null, after: ctx.memory });
      o.memory_mb = ctx.memory;
    }
    if (batch && batch.b > 0 && serviceMean > 0) {
      const speed = Math.min(1, environmentVcpus(ctx.model, batch.memory_mb));
      const wf = sig((batch.b * speed) / serviceMean, 4);
      ctx.changes.push({ field: `scenario.offload[${o.id}].work_factor`, before: o.work_factor ?? 1, after: wf });
      o.work_factor = wf;
    }
  }
  json.description = `${json.description ?? json.name} [calibrated ${ctx.date} from ${m.files.map((f) => basename(f.path)).join(', ')}]`;
  checkScenario(json, outAbs, options.scenarioOut ?? options.scenario);
}

/** The model's identity and provenance (what was fitted from which files), checked. */
function finishModel(ctx: FitContext, options: CalibrateOptions, m: Measurements, keepAlive: KeepAliveResult | null): PlatformModel {
  const { model, base, date } = ctx;
  const sources = m.files.map((f) => `${f.path} (${f.kind}, ${f.records} records)`).join('; ');
  model.id = options.id ?? (options.modelOut ? basename(options.modelOut).replace(/\.json$/, '') : `${base.id}-calibrated`);
  model.description = `${base.description ?? base.id}; calibrated ${date} from ${m.files.map((f) => basename(f.path)).join(', ')}`;
  const fitted = ctx.fits.filter((f) => f.field !== 'service_ms').map((f) => f.field);
  if (keepAlive?.spec) fitted.push('keep_alive_s');
  model.provenance = {
    source: `spillway calibrate: ${sources}; base model ${base.id}`,
    date,
    method: `fitted from measurements (docs/CALIBRATION.md): ${fitted.length ? fitted.join(', ') : 'nothing fitted'}; MLE per family, parametric-bootstrap goodness of fit, AIC tie-break; other fields from ${base.id}`,
    parameters: ctx.params,
  };
  return checkPlatformModel(model, options.modelOut ?? model.id);
}
