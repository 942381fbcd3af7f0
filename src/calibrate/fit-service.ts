/**
 * calibrate()'s scenario phases: reading the scenario to calibrate (and which vertex), then the vertex's service time
 * from the job's per-record timings (a fitted family) or, without them, from Flink's busy time over records in (the
 * mean, the scenario's shape kept).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ShiftedSpec } from '../engine/distributions.js';
import { checkScenario } from '../scenario/load.js';
import type { ScenarioSpec } from '../scenario/scenario.js';
import { UserError } from '../util/errors.js';
import type { CalibrateOptions, QuantityFit, ServiceResult } from './types.js';
import { fileList, MIN_SAMPLES, need } from './fit-probe.js';
import type { Measurements, MetricSample } from './inputs.js';
import { withMean } from './scale.js';
import { fitDistribution, type FitOptions } from './select.js';

/** The scenario to calibrate a copy of, checked, with the vertex to calibrate. */
export interface ScenarioInput {
  json: ScenarioSpec;
  abs: string;
  vertex: string;
}

/** Reads options.scenario and picks the vertex (--vertex, else the one offloaded vertex); null without a scenario. */
export function readScenarioInput(options: CalibrateOptions): ScenarioInput | null {
  if (!options.scenario) return null;
  const abs = resolve(options.scenario);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(abs, 'utf8'));
  } catch (err) {
    throw new UserError(`${options.scenario}: cannot read the scenario file: ${(err as Error).message}`);
  }
  checkScenario(raw, abs, options.scenario);
  const json = structuredClone(raw) as ScenarioSpec;
  let vertex = options.vertex;
  if (!vertex) {
    const offVertices = [...new Set((json.offload ?? []).map((o) => o.vertex))];
    if (offVertices.length !== 1) throw new UserError(`${options.scenario}: ${offVertices.length} offloaded vertices; name the one to calibrate with --vertex`);
    vertex = offVertices[0];
  }
  if (!json.vertices.some((v) => v.id === vertex)) {
    throw new UserError(`${options.scenario}: vertices: no vertex ${JSON.stringify(vertex)} (have ${json.vertices.map((v) => v.id).join(', ')})`);
  }
  return { json, abs, vertex };
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

export interface ServiceFit {
  service: ServiceResult;
  /** The distribution fit, for calibrate()'s list of fits (timings only). */
  fit: QuantityFit | null;
}

/** A family fitted to the per-record timings (zeros dropped). */
function serviceFromTimings(m: Measurements, options: CalibrateOptions, vertex: string | undefined, before: ShiftedSpec | null, fitOpts: FitOptions, warnings: string[]): ServiceFit | null {
  const timings = m.timings.filter((t) => t.vertex === null || options.flinkVertex === undefined || t.vertex === options.flinkVertex);
  if (timings.length === 0) return null;
  const files = fileList(timings);
  const values = timings.map((t) => t.service_ms).filter((v) => v > 0);
  if (values.length < timings.length) warnings.push(`service_ms: ${timings.length - values.length} zero timings dropped`);
  need(values.length, MIN_SAMPLES.distribution, 'per-record service time', files);
  const fit = fitDistribution(values, { ...fitOpts, seed: `${fitOpts.seed ?? 'spillway-calibrate'}/service_ms` });
  for (const w of fit.warnings) warnings.push(`service_ms: ${w}`);
  const service: ServiceResult = {
    vertex: vertex ?? '(none)',
    flink_vertex: options.flinkVertex ?? null,
    method: 'per-record timings',
    n: values.length,
    mean_ms: fit.summary.mean,
    se_ms: fit.summary.sd / Math.sqrt(values.length),
    values,
    fit,
    before,
    after: before !== null ? fit.spec : null,
  };
  return { service, fit: { field: 'service_ms', label: 'per-record service time', sources: files, values, fit, before, after: fit.spec } };
}

/** The mean from busy time / records in, the scenario's distribution scaled to it. */
function serviceFromBusyTime(m: Measurements, options: CalibrateOptions, vertex: string | undefined, before: ShiftedSpec | null): ServiceFit | null {
  if (m.metrics.length === 0) return null;
  const fv = pickFlinkVertex(m.metrics, options.flinkVertex, vertex);
  const samples = m.metrics.filter((s) => s.vertex === fv);
  const st = busyTimeService(samples);
  need(st.n, MIN_SAMPLES.metrics, `Flink metrics with records flowing (numRecordsInPerSecond >= 1) for vertex ${JSON.stringify(fv)}`, fileList(samples));
  const service: ServiceResult = {
    vertex: vertex ?? '(none)',
    flink_vertex: fv,
    method: 'busy time / records in',
    n: st.n,
    mean_ms: st.mean_ms,
    se_ms: st.se_ms,
    values: st.ratios,
    fit: null,
    before,
    after: before !== null ? withMean(before, st.mean_ms) : null,
  };
  return { service, fit: null };
}

/** The vertex's service time: timings first, else busy time; null when the measurements have neither. */
export function fitService(m: Measurements, options: CalibrateOptions, scenario: ScenarioInput | null, fitOpts: FitOptions, warnings: string[]): ServiceFit | null {
  const vertex = scenario?.vertex ?? options.vertex;
  const before = scenario?.json.vertices.find((v) => v.id === vertex)?.service_ms ?? null;
  const r = serviceFromTimings(m, options, vertex, before, fitOpts, warnings) ?? serviceFromBusyTime(m, options, vertex, before);
  if (r && !scenario) warnings.push(`service time measured (mean ${r.service.mean_ms.toPrecision(4)} ms) but no --scenario to write it to`);
  return r;
}
