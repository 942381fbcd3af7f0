/** The types of calibrate()'s options and result, shared by its phases (calibrate.ts, fit-probe.ts, fit-service.ts). */
import type { ShiftedSpec } from '../engine/distributions.js';
import type { ScenarioSpec } from '../scenario/scenario.js';
import type { PlatformModel } from '../serverless/model.js';
import type { Measurements } from './inputs.js';
import type { KeepAliveResult } from './keep-alive.js';
import type { LinearFit } from './linear.js';
import type { DistributionFit, FitOptions } from './select.js';
import type { SharingResult } from './sharing.js';

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
