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
import { specMean, type ShiftedSpec } from '../engine/distributions.js';
import { checkScenario } from '../scenario/load.js';
import { withScenarioPaths } from '../scenario/paths.js';
import type { ScenarioSpec } from '../scenario/scenario.js';
import { checkPlatformModel, loadPlatformModel } from '../serverless/model-file.js';
import { environmentVcpus, type ParameterProvenance, type PlatformModel } from '../serverless/model.js';
import { UserError } from '../util/errors.js';
import { sig } from './families.js';
import { readMeasurements, type Measurements, type MetricSample, type ProbeSample } from './inputs.js';
import { observeKeepAlive, type KeepAliveResult } from './keep-alive.js';
import { fitLinear, type LinearFit } from './linear.js';
import { withMean } from './scale.js';
import { fitDistribution, fitMethodLine, type DistributionFit, type FitOptions } from './select.js';
import { normalizeSharing, sharedHostVcpus, type SharingResult } from './sharing.js';

/** Minimum sample counts (docs/CALIBRATION.md explains each). */
export const MIN_SAMPLES = {
  /** Values behind a fitted distribution (cold start, round trip, overhead, per-record service time). */
  distribution: 20,
  /** Warm samples behind the batch model (with at least 2 distinct batch sizes). */
  batch: 10,
  /** Flink metric samples with records flowing, behind a busy-time service mean. */
  metrics: 10,
} as const;

export interface CalibrateOptions {
  /** Base platform model (path or object) whose unmeasured fields are kept; default models/aws-lambda-nodejs-1024.json. */
  base?: string | PlatformModel;
  /** id of the new model (default: the --out file name without .json, else `<base id>-calibrated`). */
  id?: string;
  /** Where the model will be written (names it and anchors the scenario's platform path). */
  modelOut?: string;
  /** Use only probe samples at this memory size (required when the probe has several). */
  memoryMb?: number;
  /** Scenario file to calibrate a copy of. */
  scenario?: string;
  /** Where the scenario copy will be written (anchors its relative paths; default next to the original). */
  scenarioOut?: string;
  /** Scenario vertex whose service time to calibrate (default: the vertex of the scenario's offload point). */
  vertex?: string;
  /** Name of that vertex in the Flink measurements (default: the only one, or the one containing the vertex id). */
  flinkVertex?: string;
  /** Fitting options (families, α, bootstrap, test, seed). */
  fit?: FitOptions;
  /** Provenance date, YYYY-MM-DD (default today, UTC). */
  date?: string;
  /** Shortest idle gap that counts as keep-alive evidence, s (default 60). */
  keepAliveMinGapS?: number;
}

export interface QuantityFit {
  /** Model field (`cold_start_ms`, `network.rtt_ms`, `warm_overhead_ms`) or `service_ms`. */
  field: string;
  label: string;
  sources: string[];
  /** The values fitted (for plots). */
  values: number[];
  fit: DistributionFit;
  before: ShiftedSpec | null;
  after: ShiftedSpec;
}

export interface BatchModel extends LinearFit {
  memory_mb: number;
  /** Slope b, ms per record at this memory size. */
  per_record_ms: number;
  /** Intercept a, ms. */
  per_batch_ms: number;
  batch_sizes: number[];
  /** The points fitted: [records, duration_ms]. */
  points: [number, number][];
}

export interface ServiceResult {
  vertex: string;
  flink_vertex: string | null;
  method: 'per-record timings' | 'busy time / records in';
  n: number;
  mean_ms: number;
  /** Standard error of the mean (ratio estimator for busy time), ms. */
  se_ms: number;
  /** The per-sample ratios busy/rate (busy-time method) or the timings (for plots). */
  values: number[];
  fit: DistributionFit | null;
  before: ShiftedSpec | null;
  after: ShiftedSpec | null;
}

export interface CalibrationResult {
  model: PlatformModel;
  base: { id: string; file: string | null };
  memory_mb: number | null;
  /** Fitted model fields, in file order. */
  fits: QuantityFit[];
  batch: BatchModel | null;
  keep_alive: KeepAliveResult | null;
  service: ServiceResult | null;
  /** The calibrated scenario copy (paths relative to scenarioOut), when a scenario was given. */
  scenario: ScenarioSpec | null;
  /** On a shared-host base model: the probe samples reduced to solo times (sharing.ts); null otherwise. */
  sharing: (Omit<SharingResult, 'samples'> & { vcpus: number }) | null;
  /** Every change: field, before, after. */
  changes: { field: string; before: unknown; after: unknown }[];
  files: Measurements['files'];
  warnings: string[];
}

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

function fileList(samples: readonly { file: string }[]): string[] {
  return [...new Set(samples.map((s) => s.file))];
}

function need(n: number, min: number, label: string, files: readonly string[]): void {
  if (n < min) throw new UserError(`${n} samples of ${label} in ${files.join(', ')}, need at least ${min}`);
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function posixRel(from: string, to: string): string {
  const r = relative(from, to).split(sep).join('/');
  return r.startsWith('.') ? r : `./${r}`;
}

/** Pick the probe samples of one memory size. */
function selectMemory(probes: ProbeSample[], memoryMb: number | undefined): { samples: ProbeSample[]; memory: number | null } {
  if (probes.length === 0) return { samples: [], memory: null };
  const sizes = [...new Set(probes.map((p) => p.memory_mb))].sort((a, b) => a - b);
  if (memoryMb !== undefined) {
    const samples = probes.filter((p) => p.memory_mb === memoryMb);
    if (samples.length === 0) {
      throw new UserError(`${fileList(probes).join(', ')}: no probe samples at ${memoryMb} MB (the probes have ${sizes.join(', ')} MB)`);
    }
    return { samples, memory: memoryMb };
  }
  if (sizes.length > 1) {
    throw new UserError(`${fileList(probes).join(', ')}: probe samples at ${sizes.length} memory sizes (${sizes.join(', ')} MB); pick one with --memory`);
  }
  return { samples: probes, memory: sizes[0] };
}

function pickFlinkVertex(metrics: MetricSample[], wanted: string | undefined, scenarioVertex: string | undefined): string {
  const names = [...new Set(metrics.map((m) => m.vertex))];
  const files = fileList(metrics).join(', ');
  if (wanted !== undefined) {
    if (names.includes(wanted)) return wanted;
    throw new UserError(`${files}: no Flink vertex named ${JSON.stringify(wanted)} (found ${names.map((n) => JSON.stringify(n)).join(', ')})`);
  }
  if (names.length === 1) return names[0];
  if (scenarioVertex) {
    const hits = names.filter((n) => n.toLowerCase().includes(scenarioVertex.toLowerCase()));
    if (hits.length === 1) return hits[0];
  }
  throw new UserError(
    `${files}: metric samples of ${names.length} Flink vertices (${names.map((n) => JSON.stringify(n)).join(', ')}); name the one to calibrate with --flink-vertex`,
  );
}

/** The service mean from Flink's busy time: Σ busyTimeMsPerSecond / Σ numRecordsInPerSecond over samples with records. */
export function busyTimeService(samples: readonly MetricSample[], minRate = 1): { n: number; mean_ms: number; se_ms: number; ratios: number[]; dropped: number } {
  const use = samples.filter((s) => s.numRecordsInPerSecond >= minRate && s.busyTimeMsPerSecond > 0);
  const n = use.length;
  let sb = 0;
  let sx = 0;
  for (const s of use) {
    sb += s.busyTimeMsPerSecond;
    sx += s.numRecordsInPerSecond;
  }
  const r = sb / sx;
  let se2 = 0;
  for (const s of use) se2 += (s.busyTimeMsPerSecond - r * s.numRecordsInPerSecond) ** 2;
  const xbar = sx / n;
  const se = n > 1 ? Math.sqrt(se2 / (n - 1) / n) / xbar : NaN;
  return { n, mean_ms: r, se_ms: se, ratios: use.map((s) => s.busyTimeMsPerSecond / s.numRecordsInPerSecond), dropped: samples.length - n };
}

function getField(model: PlatformModel, field: string): ShiftedSpec | null {
  if (field === 'network.rtt_ms') return model.network.rtt_ms;
  return (model as unknown as Record<string, ShiftedSpec | null>)[field] ?? null;
}

function setField(model: PlatformModel, field: string, spec: ShiftedSpec): void {
  if (field === 'network.rtt_ms') model.network.rtt_ms = spec;
  else (model as unknown as Record<string, ShiftedSpec>)[field] = spec;
}

/**
 * Fit what the measurements allow and return the calibrated model (validated by checkPlatformModel), the
 * scenario copy, and every statistic. Throws UserError on bad or too few measurements.
 */
export function calibrate(inputs: readonly string[] | Measurements, options: CalibrateOptions = {}): CalibrationResult {
  const m = Array.isArray(inputs) ? readMeasurements(inputs as string[]) : (inputs as Measurements);
  const warnings: string[] = [];
  const date = options.date ?? today();
  const fitOpts = options.fit ?? {};

  const baseFile = typeof options.base === 'object' ? null : (options.base ?? defaultBasePath());
  const base = typeof options.base === 'object' ? checkPlatformModel(structuredClone(options.base), 'base model') : loadPlatformModel(baseFile!);
  const model: PlatformModel = structuredClone(base);
  const params: Record<string, ParameterProvenance> = { ...(model.provenance.parameters ?? {}) };
  const changes: CalibrationResult['changes'] = [];
  const fits: QuantityFit[] = [];

  // --- Lambda probe -----------------------------------------------------------------------------------------
  const selected = selectMemory(m.probes, options.memoryMb);
  const memory = selected.memory;
  let probes = selected.samples;
  let sharing: CalibrationResult['sharing'] = null;
  const hostVcpus = sharedHostVcpus(base);
  if (hostVcpus !== null && probes.length > 0) {
    const r = normalizeSharing(probes, hostVcpus);
    probes = r.samples;
    sharing = { vcpus: hostVcpus, meanFactor: r.meanFactor, maxOverlap: r.maxOverlap };
    if (r.maxOverlap > 1) {
      warnings.push(
        `${base.id} is one shared host (${hostVcpus} vCPU): durations and INIT times reduced to one execution alone (processor sharing; up to ${r.maxOverlap} at once, mean factor ${r.meanFactor.toFixed(3)})`,
      );
    }
  }
  const cold = probes.filter((p) => p.kind === 'cold');
  const warm = probes.filter((p) => p.kind === 'warm');
  let batch: BatchModel | null = null;
  let keepAlive: KeepAliveResult | null = null;

  const fitField = (field: string, label: string, samples: readonly { file: string }[], values: number[], extraMethod: string): void => {
    const files = fileList(samples);
    need(values.length, MIN_SAMPLES.distribution, label, files);
    const fit = fitDistribution(values, { ...fitOpts, seed: `${fitOpts.seed ?? 'spillway-calibrate'}/${field}` });
    const before = getField(model, field);
    setField(model, field, fit.spec);
    changes.push({ field, before, after: fit.spec });
    params[field] = {
      kind: 'measured',
      source: `${files.map((f) => basename(f)).join(', ')} (${values.length} samples${memory !== null ? ` at ${memory} MB` : ''})`,
      method: `${sharing && sharing.maxOverlap > 1 && field !== 'service_ms' ? `solo times on the shared host (processor sharing, ${sharing.vcpus} vCPU); ` : ''}${extraMethod}; ${fitMethodLine(fit)}`,
      date,
    };
    for (const w of fit.warnings) warnings.push(`${field}: ${w}`);
    fits.push({ field, label, sources: files, values, fit, before, after: fit.spec });
  };

  if (probes.length > 0) {
    if (memory !== null) {
      const mem = model.memory;
      if (memory >= mem.min_mb && memory <= mem.max_mb && (memory - mem.min_mb) % mem.step_mb === 0) {
        if (mem.default_mb !== memory) changes.push({ field: 'memory.default_mb', before: mem.default_mb, after: memory });
        mem.default_mb = memory;
      } else {
        warnings.push(`the probes ran at ${memory} MB, which ${model.id} does not allow; memory.default_mb kept at ${mem.default_mb}`);
      }
    }
    // Cold start.
    if (cold.length > 0) {
      fitField('cold_start_ms', 'cold start', cold, cold.map((s) => s.init_ms!), 'INIT duration (REPORT Init Duration, init_ms) of cold invocations');
    } else {
      warnings.push(`no cold samples in ${fileList(probes).join(', ')}: cold_start_ms kept from ${base.id}`);
    }
    // Batch model.
    let b = 0;
    if (warm.length > 0) {
      const sizes = [...new Set(warm.map((s) => s.batch_records))].sort((x, y) => x - y);
      if (sizes.length >= 2) {
        need(warm.length, MIN_SAMPLES.batch, 'warm invocations for the batch model', fileList(warm));
        const lf = fitLinear(
          warm.map((s) => s.batch_records),
          warm.map((s) => s.duration_ms),
        );
        batch = {
          ...lf,
          memory_mb: memory!,
          per_record_ms: lf.b,
          per_batch_ms: lf.a,
          batch_sizes: sizes,
          points: warm.map((s) => [s.batch_records, s.duration_ms]),
        };
        if (lf.b < 0) warnings.push(`batch model: negative slope b=${lf.b.toPrecision(3)} ms/record (R²=${lf.r2.toFixed(3)}); per-record work treated as 0`);
        if (lf.a < 0) warnings.push(`batch model: negative intercept a=${lf.a.toPrecision(3)} ms; the overhead is fitted to the residuals anyway`);
        if (lf.r2 < 0.5) warnings.push(`batch model: R²=${lf.r2.toFixed(3)}: duration hardly depends on the batch size`);
        b = Math.max(0, lf.b);
      } else {
        warnings.push(
          `only one batch size (${sizes[0]} records) among the warm samples: the per-record execution time is not separated from the per-invocation overhead (probe with --batch-records 1,100 or more sizes)`,
        );
      }
      // Warm overhead: duration minus the per-record part.
      const over = warm.map((s) => s.duration_ms - b * s.batch_records);
      const keptOver = over.filter((v) => v > 0);
      if (keptOver.length < over.length) warnings.push(`warm_overhead_ms: ${over.length - keptOver.length} of ${over.length} residuals ≤ 0 dropped`);
      // Enough warm samples but too few positive residuals (the batch model already explains the durations, as on a
      // shared host once its durations are reduced to solo times): the overhead is below what they resolve.
      if (over.length >= MIN_SAMPLES.distribution && keptOver.length < MIN_SAMPLES.distribution) {
        warnings.push(`warm_overhead_ms: only ${keptOver.length} positive residuals, need ${MIN_SAMPLES.distribution}: kept from ${base.id}`);
      } else fitField(
        'warm_overhead_ms',
        'warm overhead',
        warm,
        keptOver,
        b > 0 ? `duration_ms - ${sig(b, 4)} ms/record x batch_records on warm invocations` : 'duration_ms of warm invocations',
      );
      // Round trip.
      const bw = model.network.bandwidth_bytes_per_s;
      const rtt = warm.map((s) => s.client_ms - s.duration_ms - (s.payload_bytes / bw) * 1000);
      const keptRtt = rtt.filter((v) => v > 0);
      if (keptRtt.length < rtt.length) warnings.push(`network.rtt_ms: ${rtt.length - keptRtt.length} of ${rtt.length} values ≤ 0 dropped`);
      fitField('network.rtt_ms', 'warm round trip', warm, keptRtt, `client_ms - duration_ms - payload_bytes / ${bw} B/s on warm invocations`);
    } else {
      warnings.push(`no warm samples in ${fileList(probes).join(', ')}: warm_overhead_ms and network.rtt_ms kept from ${base.id}`);
    }
    // Keep-alive.
    keepAlive = observeKeepAlive(probes, options.keepAliveMinGapS ?? 60);
    if (keepAlive.spec) {
      changes.push({ field: 'keep_alive_s', before: model.keep_alive_s, after: keepAlive.spec });
      model.keep_alive_s = keepAlive.spec;
      params.keep_alive_s = {
        kind: 'measured',
        source: `${fileList(probes).map((f) => basename(f)).join(', ')} (${keepAlive.warm_gaps} warm and ${keepAlive.cold_gaps} cold invocations after idle gaps of ${keepAlive.min_gap_s} s or more)`,
        method: `interval-censored: ${keepAlive.note}`,
        date,
      };
    }
  }

  // --- Service time -------------------------------------------------------------------------------------------
  let scenarioJson: ScenarioSpec | null = null;
  let scenarioVertex: string | undefined = options.vertex;
  let scenarioAbs: string | null = null;
  if (options.scenario) {
    scenarioAbs = resolve(options.scenario);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(scenarioAbs, 'utf8'));
    } catch (err) {
      throw new UserError(`${options.scenario}: cannot read the scenario file: ${(err as Error).message}`);
    }
    checkScenario(raw, scenarioAbs, options.scenario);
    scenarioJson = structuredClone(raw) as ScenarioSpec;
    if (!scenarioVertex) {
      const offVertices = [...new Set((scenarioJson.offload ?? []).map((o) => o.vertex))];
      if (offVertices.length !== 1) {
        throw new UserError(`${options.scenario}: ${offVertices.length} offloaded vertices; name the one to calibrate with --vertex`);
      }
      scenarioVertex = offVertices[0];
    }
    if (!scenarioJson.vertices.some((v) => v.id === scenarioVertex)) {
      throw new UserError(`${options.scenario}: vertices: no vertex ${JSON.stringify(scenarioVertex)} (have ${scenarioJson.vertices.map((v) => v.id).join(', ')})`);
    }
  }
  const vertexSpec = scenarioJson?.vertices.find((v) => v.id === scenarioVertex);
  let service: ServiceResult | null = null;
  const timings = m.timings.filter((t) => t.vertex === null || options.flinkVertex === undefined || t.vertex === options.flinkVertex);
  if (timings.length > 0) {
    const files = fileList(timings);
    const values = timings.map((t) => t.service_ms).filter((v) => v > 0);
    if (values.length < timings.length) warnings.push(`service_ms: ${timings.length - values.length} zero timings dropped`);
    need(values.length, MIN_SAMPLES.distribution, 'per-record service time', files);
    const fit = fitDistribution(values, { ...fitOpts, seed: `${fitOpts.seed ?? 'spillway-calibrate'}/service_ms` });
    for (const w of fit.warnings) warnings.push(`service_ms: ${w}`);
    const mean = fit.summary.mean;
    service = {
      vertex: scenarioVertex ?? '(none)',
      flink_vertex: options.flinkVertex ?? null,
      method: 'per-record timings',
      n: values.length,
      mean_ms: mean,
      se_ms: fit.summary.sd / Math.sqrt(values.length),
      values,
      fit,
      before: vertexSpec?.service_ms ?? null,
      after: vertexSpec ? fit.spec : null,
    };
    fits.push({ field: 'service_ms', label: 'per-record service time', sources: files, values, fit, before: service.before, after: fit.spec });
  } else if (m.metrics.length > 0) {
    const fv = pickFlinkVertex(m.metrics, options.flinkVertex, scenarioVertex);
    const samples = m.metrics.filter((s) => s.vertex === fv);
    const files = fileList(samples);
    const st = busyTimeService(samples);
    need(st.n, MIN_SAMPLES.metrics, `Flink metrics with records flowing (numRecordsInPerSecond >= 1) for vertex ${JSON.stringify(fv)}`, files);
    const after = vertexSpec ? withMean(vertexSpec.service_ms, st.mean_ms) : null;
    service = {
      vertex: scenarioVertex ?? '(none)',
      flink_vertex: fv,
      method: 'busy time / records in',
      n: st.n,
      mean_ms: st.mean_ms,
      se_ms: st.se_ms,
      values: st.ratios,
      fit: null,
      before: vertexSpec?.service_ms ?? null,
      after,
    };
  }
  if (service && !vertexSpec) warnings.push(`service time measured (mean ${service.mean_ms.toPrecision(4)} ms) but no --scenario to write it to`);

  // --- Scenario copy --------------------------------------------------------------------------------------------
  if (scenarioJson && scenarioAbs) {
    const outAbs = resolve(options.scenarioOut ?? scenarioAbs);
    const outDir = dirname(outAbs);
    const srcDir = dirname(scenarioAbs);
    // Relative paths move with the copy.
    const originalPlatform = new Map((scenarioJson.offload ?? []).map((o) => [o.id, o.platform]));
    Object.assign(scenarioJson, withScenarioPaths(scenarioJson, (p) => posixRel(outDir, resolve(srcDir, p))));
    const v = scenarioJson.vertices.find((x) => x.id === scenarioVertex)!;
    if (service?.after) {
      changes.push({ field: `scenario.vertices[${v.id}].service_ms`, before: v.service_ms, after: service.after });
      v.service_ms = service.after;
    }
    const serviceMean = specMean(v.service_ms);
    for (const o of scenarioJson.offload ?? []) {
      if (o.vertex !== v.id) continue;
      if (options.modelOut) {
        const p = posixRel(outDir, resolve(options.modelOut));
        changes.push({ field: `scenario.offload[${o.id}].platform`, before: originalPlatform.get(o.id), after: p });
        o.platform = p;
      }
      if (memory !== null && o.memory_mb !== memory) {
        changes.push({ field: `scenario.offload[${o.id}].memory_mb`, before: o.memory_mb ?? null, after: memory });
        o.memory_mb = memory;
      }
      if (batch && batch.b > 0 && serviceMean > 0) {
        const speed = Math.min(1, environmentVcpus(model, batch.memory_mb));
        const wf = sig((batch.b * speed) / serviceMean, 4);
        changes.push({ field: `scenario.offload[${o.id}].work_factor`, before: o.work_factor ?? 1, after: wf });
        o.work_factor = wf;
      }
    }
    scenarioJson.description = `${scenarioJson.description ?? scenarioJson.name} [calibrated ${date} from ${m.files.map((f) => basename(f.path)).join(', ')}]`;
    checkScenario(scenarioJson, outAbs, options.scenarioOut ?? options.scenario);
  }

  // --- Model identity and provenance ----------------------------------------------------------------------------
  const sources = m.files.map((f) => `${f.path} (${f.kind}, ${f.records} records)`).join('; ');
  model.id = options.id ?? (options.modelOut ? basename(options.modelOut).replace(/\.json$/, '') : `${base.id}-calibrated`);
  model.description = `${base.description ?? base.id}; calibrated ${date} from ${m.files.map((f) => basename(f.path)).join(', ')}`;
  const fitted = fits.filter((f) => f.field !== 'service_ms').map((f) => f.field);
  if (keepAlive?.spec) fitted.push('keep_alive_s');
  model.provenance = {
    source: `spillway calibrate: ${sources}; base model ${base.id}`,
    date,
    method: `fitted from measurements (docs/CALIBRATION.md): ${fitted.length ? fitted.join(', ') : 'nothing fitted'}; MLE per family, parametric-bootstrap goodness of fit, AIC tie-break; other fields from ${base.id}`,
    parameters: params,
  };
  const checked = checkPlatformModel(model, options.modelOut ?? model.id);
  return {
    model: checked,
    base: { id: base.id, file: baseFile },
    memory_mb: memory,
    fits,
    batch,
    sharing,
    keep_alive: keepAlive,
    service,
    scenario: scenarioJson,
    changes,
    files: m.files,
    warnings,
  };
}
