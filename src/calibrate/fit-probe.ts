/**
 * calibrate()'s probe phases: the samples of one memory size (reduced to solo times on a shared-host model), then the
 * platform model's fields fitted from them: cold start, batch model, warm overhead, round trip, keep-alive. Each phase
 * writes its fit into the shared FitContext (the model, its provenance, the changes, the warnings).
 */
import { basename } from 'node:path';
import type { ShiftedSpec } from '../engine/distributions.js';
import type { ParameterProvenance, PlatformModel } from '../serverless/model.js';
import { UserError } from '../util/errors.js';
import type { BatchModel, CalibrationResult, QuantityFit } from './types.js';
import { sig } from './families.js';
import type { ProbeSample } from './inputs.js';
import { observeKeepAlive, type KeepAliveResult } from './keep-alive.js';
import { fitLinear } from './linear.js';
import { fitDistribution, fitMethodLine, type FitOptions } from './select.js';
import { normalizeSharing, sharedHostVcpus } from './sharing.js';

/** Minimum sample counts (docs/CALIBRATION.md explains each). */
export const MIN_SAMPLES = {
  /** Values behind a fitted distribution (cold start, round trip, overhead, per-record service time). */
  distribution: 20,
  /** Warm samples behind the batch model (with at least 2 distinct batch sizes). */
  batch: 10,
  /** Flink metric samples with records flowing, behind a busy-time service mean. */
  metrics: 10,
} as const;

/** What every fitting phase reads and adds to. */
export interface FitContext {
  base: PlatformModel;
  model: PlatformModel;
  params: Record<string, ParameterProvenance>;
  changes: CalibrationResult['changes'];
  fits: QuantityFit[];
  warnings: string[];
  date: string;
  fitOpts: FitOptions;
  memory: number | null;
  sharing: CalibrationResult['sharing'];
}

export function fileList(samples: readonly { file: string }[]): string[] {
  return [...new Set(samples.map((s) => s.file))];
}

export function need(n: number, min: number, label: string, files: readonly string[]): void {
  if (n < min) throw new UserError(`${n} samples of ${label} in ${files.join(', ')}, need at least ${min}`);
}

/** Pick the probe samples of one memory size. */
export function selectMemory(probes: ProbeSample[], memoryMb: number | undefined): { samples: ProbeSample[]; memory: number | null } {
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

/** On a shared-host base model, the samples reduced to solo times (sharing.ts); sets ctx.sharing. */
export function soloProbes(ctx: FitContext, probes: ProbeSample[]): ProbeSample[] {
  const hostVcpus = sharedHostVcpus(ctx.base);
  if (hostVcpus === null || probes.length === 0) return probes;
  const r = normalizeSharing(probes, hostVcpus);
  ctx.sharing = { vcpus: hostVcpus, meanFactor: r.meanFactor, maxOverlap: r.maxOverlap };
  if (r.maxOverlap > 1) {
    ctx.warnings.push(
      `${ctx.base.id} is one shared host (${hostVcpus} vCPU): durations and INIT times reduced to one execution alone (processor sharing; up to ${r.maxOverlap} at once, mean factor ${r.meanFactor.toFixed(3)})`,
    );
  }
  return r.samples;
}

function getField(model: PlatformModel, field: string): ShiftedSpec | null {
  if (field === 'network.rtt_ms') return model.network.rtt_ms;
  return (model as unknown as Record<string, ShiftedSpec | null>)[field] ?? null;
}

function setField(model: PlatformModel, field: string, spec: ShiftedSpec): void {
  if (field === 'network.rtt_ms') model.network.rtt_ms = spec;
  else (model as unknown as Record<string, ShiftedSpec>)[field] = spec;
}

/** Fits one model field's distribution to `values` and records the fit, the change and the provenance. */
function fitField(ctx: FitContext, field: string, label: string, samples: readonly { file: string }[], values: number[], extraMethod: string): void {
  const files = fileList(samples);
  need(values.length, MIN_SAMPLES.distribution, label, files);
  const fit = fitDistribution(values, { ...ctx.fitOpts, seed: `${ctx.fitOpts.seed ?? 'spillway-calibrate'}/${field}` });
  const before = getField(ctx.model, field);
  setField(ctx.model, field, fit.spec);
  ctx.changes.push({ field, before, after: fit.spec });
  const shared = ctx.sharing && ctx.sharing.maxOverlap > 1 && field !== 'service_ms';
  ctx.params[field] = {
    kind: 'measured',
    source: `${files.map((f) => basename(f)).join(', ')} (${values.length} samples${ctx.memory !== null ? ` at ${ctx.memory} MB` : ''})`,
    method: `${shared ? `solo times on the shared host (processor sharing, ${ctx.sharing!.vcpus} vCPU); ` : ''}${extraMethod}; ${fitMethodLine(fit)}`,
    date: ctx.date,
  };
  for (const w of fit.warnings) ctx.warnings.push(`${field}: ${w}`);
  ctx.fits.push({ field, label, sources: files, values, fit, before, after: fit.spec });
}

/** The probes' memory size becomes the model's default when the model allows it. */
function applyMemory(ctx: FitContext): void {
  const memory = ctx.memory;
  if (memory === null) return;
  const mem = ctx.model.memory;
  if (memory >= mem.min_mb && memory <= mem.max_mb && (memory - mem.min_mb) % mem.step_mb === 0) {
    if (mem.default_mb !== memory) ctx.changes.push({ field: 'memory.default_mb', before: mem.default_mb, after: memory });
    mem.default_mb = memory;
  } else {
    ctx.warnings.push(`the probes ran at ${memory} MB, which ${ctx.model.id} does not allow; memory.default_mb kept at ${mem.default_mb}`);
  }
}

function fitColdStart(ctx: FitContext, probes: ProbeSample[]): void {
  const cold = probes.filter((p) => p.kind === 'cold');
  if (cold.length > 0) {
    fitField(ctx, 'cold_start_ms', 'cold start', cold, cold.map((s) => s.init_ms!), 'INIT duration (REPORT Init Duration, init_ms) of cold invocations');
  } else {
    ctx.warnings.push(`no cold samples in ${fileList(probes).join(', ')}: cold_start_ms kept from ${ctx.base.id}`);
  }
}

/** Least squares duration = a + b·records over the warm samples; null with one batch size (warned). */
function fitBatchModel(ctx: FitContext, warm: ProbeSample[]): BatchModel | null {
  const sizes = [...new Set(warm.map((s) => s.batch_records))].sort((x, y) => x - y);
  if (sizes.length < 2) {
    ctx.warnings.push(
      `only one batch size (${sizes[0]} records) among the warm samples: the per-record execution time is not separated from the per-invocation overhead (probe with --batch-records 1,100 or more sizes)`,
    );
    return null;
  }
  need(warm.length, MIN_SAMPLES.batch, 'warm invocations for the batch model', fileList(warm));
  const lf = fitLinear(
    warm.map((s) => s.batch_records),
    warm.map((s) => s.duration_ms),
  );
  if (lf.b < 0) ctx.warnings.push(`batch model: negative slope b=${lf.b.toPrecision(3)} ms/record (R²=${lf.r2.toFixed(3)}); per-record work treated as 0`);
  if (lf.a < 0) ctx.warnings.push(`batch model: negative intercept a=${lf.a.toPrecision(3)} ms; the overhead is fitted to the residuals anyway`);
  if (lf.r2 < 0.5) ctx.warnings.push(`batch model: R²=${lf.r2.toFixed(3)}: duration hardly depends on the batch size`);
  return { ...lf, memory_mb: ctx.memory!, per_record_ms: lf.b, per_batch_ms: lf.a, batch_sizes: sizes, points: warm.map((s) => [s.batch_records, s.duration_ms]) };
}

/** Warm overhead (duration minus the per-record part b) and the round trip, from the warm samples. */
function fitWarmFields(ctx: FitContext, warm: ProbeSample[], b: number): void {
  const over = warm.map((s) => s.duration_ms - b * s.batch_records);
  const keptOver = over.filter((v) => v > 0);
  if (keptOver.length < over.length) ctx.warnings.push(`warm_overhead_ms: ${over.length - keptOver.length} of ${over.length} residuals ≤ 0 dropped`);
  // Enough warm samples but too few positive residuals (the batch model already explains the durations, as on a
  // shared host once its durations are reduced to solo times): the overhead is below what they resolve.
  if (over.length >= MIN_SAMPLES.distribution && keptOver.length < MIN_SAMPLES.distribution) {
    ctx.warnings.push(`warm_overhead_ms: only ${keptOver.length} positive residuals, need ${MIN_SAMPLES.distribution}: kept from ${ctx.base.id}`);
  } else {
    const method = b > 0 ? `duration_ms - ${sig(b, 4)} ms/record x batch_records on warm invocations` : 'duration_ms of warm invocations';
    fitField(ctx, 'warm_overhead_ms', 'warm overhead', warm, keptOver, method);
  }
  const bw = ctx.model.network.bandwidth_bytes_per_s;
  const rtt = warm.map((s) => s.client_ms - s.duration_ms - (s.payload_bytes / bw) * 1000);
  const keptRtt = rtt.filter((v) => v > 0);
  if (keptRtt.length < rtt.length) ctx.warnings.push(`network.rtt_ms: ${rtt.length - keptRtt.length} of ${rtt.length} values ≤ 0 dropped`);
  fitField(ctx, 'network.rtt_ms', 'warm round trip', warm, keptRtt, `client_ms - duration_ms - payload_bytes / ${bw} B/s on warm invocations`);
}

function fitKeepAlive(ctx: FitContext, probes: ProbeSample[], minGapS: number): KeepAliveResult {
  const keepAlive = observeKeepAlive(probes, minGapS);
  if (keepAlive.spec) {
    ctx.changes.push({ field: 'keep_alive_s', before: ctx.model.keep_alive_s, after: keepAlive.spec });
    ctx.model.keep_alive_s = keepAlive.spec;
    ctx.params.keep_alive_s = {
      kind: 'measured',
      source: `${fileList(probes).map((f) => basename(f)).join(', ')} (${keepAlive.warm_gaps} warm and ${keepAlive.cold_gaps} cold invocations after idle gaps of ${keepAlive.min_gap_s} s or more)`,
      method: `interval-censored: ${keepAlive.note}`,
      date: ctx.date,
    };
  }
  return keepAlive;
}

/** Every probe phase in order; returns the batch model and the keep-alive observation (null without probes). */
export function fitProbes(ctx: FitContext, probes: ProbeSample[], keepAliveMinGapS: number): { batch: BatchModel | null; keepAlive: KeepAliveResult | null } {
  if (probes.length === 0) return { batch: null, keepAlive: null };
  applyMemory(ctx);
  fitColdStart(ctx, probes);
  const warm = probes.filter((p) => p.kind === 'warm');
  let batch: BatchModel | null = null;
  if (warm.length > 0) {
    batch = fitBatchModel(ctx, warm);
    fitWarmFields(ctx, warm, batch ? Math.max(0, batch.b) : 0);
  } else {
    ctx.warnings.push(`no warm samples in ${fileList(probes).join(', ')}: warm_overhead_ms and network.rtt_ms kept from ${ctx.base.id}`);
  }
  return { batch, keepAlive: fitKeepAlive(ctx, probes, keepAliveMinGapS) };
}
