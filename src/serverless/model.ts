/**
 * The platform model: what a serverless platform does, as data. Field names are snake_case because the same
 * shape is the model file (`models/*.json`); `model-file.ts` validates it, `platform.ts` runs it.
 * Every field is documented in docs/SERVERLESS.md and every default number's source in models/README.md.
 */
import type { ShiftedSpec } from '../engine/distributions.js';

export const MODEL_FORMAT = 'spillway-platform-model/1';

export type PlatformKind = 'aws-lambda' | 'azure-functions-consumption';
export type Architecture = 'x86_64' | 'arm64';
export type ProvenanceKind = 'official' | 'measured' | 'assumption';

export interface Provenance {
  /** Where the numbers come from (document title or URL). */
  source: string;
  /** When they were taken or checked, ISO date. */
  date: string;
  /** How: read from documentation, fitted to published bands, measured with our harness, ... */
  method: string;
}

export interface ParameterProvenance {
  kind: ProvenanceKind;
  source: string;
  method?: string;
  date?: string;
}

/** CPU: proportional to memory (Lambda) or a fixed number of vCPUs per instance (Azure Consumption). */
export type CpuModel =
  | { mb_per_vcpu: number; max_vcpus: number }
  | { vcpus_per_instance: number };

export interface BillingModel {
  currency: 'USD';
  /** The region whose price list this is. */
  region: string;
  per_request_usd: number;
  /** On-demand duration price per GB-second (GB = 1024 MB). */
  per_gb_s_usd: number;
  /** Duration is rounded up to a multiple of this (1 ms on both platforms). */
  granularity_ms: number;
  /** Shortest billed duration of one execution (Lambda 1 ms, Azure 100 ms). */
  min_billed_ms: number;
  /**
   * Which memory is billed: the configured size (Lambda) or the observed working set (Azure Consumption),
   * in which case `observed_mb` is the modelled observation.
   */
  memory_basis: 'configured' | 'observed';
  observed_mb?: number;
  /** Billed memory is rounded up to a multiple of this (Lambda 1 MB, Azure 128 MB). */
  memory_rounding_mb: number;
  /** Smallest billed memory (128 MB on both). */
  min_memory_mb: number;
  /** Largest billed memory (Azure 1,536 MB), null for none. */
  max_memory_mb: number | null;
  /** Whether the INIT phase of a cold start is billed as duration (Lambda since 2025-08-01: yes). */
  bill_init: boolean;
  /** Provisioned concurrency prices, null where the platform has none. */
  provisioned: null | {
    /** Price per GB-second of each provisioned environment while it is configured, used or not. */
    per_gb_s_usd: number;
    /** Duration price per GB-second of invocations served by provisioned environments. */
    duration_per_gb_s_usd: number;
    /** The configured period is rounded up to a multiple of this (Lambda: 5 minutes). */
    granularity_s: number;
  };
}

export interface PlatformModel {
  format: typeof MODEL_FORMAT;
  id: string;
  description?: string;
  platform: PlatformKind;
  runtime: string;
  architecture: Architecture;
  provenance: Provenance & { parameters?: Record<string, ParameterProvenance> };
  memory: { default_mb: number; min_mb: number; max_mb: number; step_mb: number };
  cpu: CpuModel;
  /**
   * Executions one environment (Lambda execution environment, Azure host instance) runs at once, and the
   * per-instance load at which the platform asks for a new instance instead of adding to existing ones.
   */
  instance: { max_concurrency: number; scale_target_concurrency: number };
  /** INIT duration of a new environment, ms. */
  cold_start_ms: ShiftedSpec;
  /** Per-invocation platform and runtime overhead inside the environment, ms (billed). */
  warm_overhead_ms: ShiftedSpec;
  network: {
    /** Client ↔ platform round trip, ms (half each way). */
    rtt_ms: ShiftedSpec;
    /** Payload and response transfer rate, bytes per second. */
    bandwidth_bytes_per_s: number;
  };
  concurrency: {
    /** Concurrent executions allowed in the account (Lambda: per Region), null for no such limit. */
    account_limit: number | null;
    /** Reserved concurrency of this function (a guarantee and a cap), null for none. */
    reserved: number | null;
    /** Provisioned (always-initialised) environments of this function. */
    provisioned: number;
    /** Most environments/instances of one function or app, null for no limit besides concurrency. */
    max_instances: number | null;
  };
  /** How fast new environments may be created: `max_new` per `window_s`. */
  scale_out: {
    max_new: number;
    window_s: number;
    /** `continuous`: token bucket (capacity max_new, refill max_new/window_s per second); `window`: reset every window. */
    refill: 'continuous' | 'window';
  };
  /** How long an idle environment stays warm, drawn each time it becomes idle, seconds. */
  keep_alive_s: ShiftedSpec;
  /** Hard lifetime of an environment from its creation, seconds; null for none. */
  max_lifetime_s: ShiftedSpec | null;
  limits: {
    max_request_bytes: number;
    max_response_bytes: number;
    /** The function's configured timeout. */
    timeout_s: number;
    /** The platform's largest allowed timeout. */
    max_timeout_s: number;
  };
  faults: {
    /** Probability an execution ends in a function error (after doing its work). */
    error_rate: number;
    /** Probability an execution hangs until the timeout. */
    timeout_rate: number;
  };
  billing: BillingModel;
}

/** The vCPUs one environment of `memoryMb` has (Lambda: memory / 1,769 MB, at most max_vcpus). */
export function environmentVcpus(model: PlatformModel, memoryMb: number): number {
  const cpu = model.cpu;
  if ('vcpus_per_instance' in cpu) return cpu.vcpus_per_instance;
  return Math.min(cpu.max_vcpus, memoryMb / cpu.mb_per_vcpu);
}
