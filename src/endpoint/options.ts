/** Options of the local Lambda endpoint, their defaults, and their validation (mistakes are UserErrors). */
import { UserError } from '../util/errors.js';
import { validateFaults, type FaultSettings } from './faults.js';
import { MEMORY_MAX_MB, MEMORY_MIN_MB } from './functions.js';
import type { AzureEndpointOptions } from './azure/setup.js';

export type LocalRuntime = 'node' | 'python' | 'java';

/** The Lambda runtime id of the function created at start, per local runtime. */
export const LOCAL_RUNTIME_IDS: Record<LocalRuntime, string> = { node: 'nodejs20.x', python: 'python3.12', java: 'java17' };

export interface InvokeServerOptions {
  /** TCP port on 127.0.0.1; 0 (the default here) picks a free one. The CLI defaults to 9001. */
  port?: number;
  /** Account-level concurrency limit across all functions (AWS default 1,000). */
  concurrency?: number;
  /** Seconds an idle environment is kept warm before it is killed (AWS: ~5-10 min, measured). */
  keepWarmS?: number;
  /** Runtime of the function created at start. */
  runtime?: LocalRuntime;
  /** Name of the function created at start from this repository's handler; null creates none. */
  functionName?: string | null;
  memoryMb?: number;
  timeoutS?: number;
  /** Reserved concurrency of the function created at start (a per-function cap). */
  reservedConcurrency?: number;
  errorRate?: number;
  throttleRate?: number;
  addedLatencyMs?: number;
  /** Exit abruptly when an invoke arrives after this many invocations (tests a client's fallback). */
  crashAfter?: number | null;
  /** Seed of the fault draws. */
  seed?: string;
  /** Count a cold start's init in Billed Duration (AWS does since August 2025). */
  billInit?: boolean;
  initTimeoutMs?: number;
  region?: string;
  accountId?: string;
  /** Pin every environment's process to these CPUs with taskset (e.g. "1"; Linux with util-linux). */
  cpus?: string;
  /** Also serve an Azure Functions app (HTTP trigger, function key, Consumption plan limits): src/endpoint/azure/. */
  azure?: AzureEndpointOptions;
  /** Lifecycle messages (never payloads, never credentials). */
  log?: (line: string) => void;
  /** Called after a --crash-after crash has closed everything; the CLI exits the process here. */
  onCrash?: () => void;
}

export interface ResolvedOptions {
  port: number;
  concurrency: number;
  keepWarmMs: number;
  runtime: LocalRuntime;
  functionName: string | null;
  memoryMb: number;
  timeoutS: number;
  reservedConcurrency: number | undefined;
  faults: FaultSettings;
  seed: string;
  billInit: boolean;
  initTimeoutMs: number;
  region: string;
  accountId: string;
  cpus: string | undefined;
  azure: AzureEndpointOptions | undefined;
  log: (line: string) => void;
  onCrash: () => void;
}

export const DEFAULT_FUNCTION_NAME = 'spillway-offload';

function int(name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new UserError(`--${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
  return v;
}

function cpuList(v: string): string {
  if (!/^\d+([-,]\d+)*$/.test(v)) throw new UserError(`--cpus must be a CPU list like 1 or 0-1 or 1,3, got ${JSON.stringify(v)}`);
  return v;
}

export function resolveOptions(o: InvokeServerOptions): ResolvedOptions {
  const keepWarmS = o.keepWarmS ?? 600;
  if (typeof keepWarmS !== 'number' || !(keepWarmS >= 0) || !Number.isFinite(keepWarmS)) {
    throw new UserError(`--keep-warm must be a number of seconds >= 0, got ${String(keepWarmS)}`);
  }
  const runtime = o.runtime ?? 'node';
  if (!(runtime in LOCAL_RUNTIME_IDS)) throw new UserError(`--runtime must be node, python or java, got ${String(runtime)}`);
  let faults: FaultSettings;
  try {
    faults = validateFaults({
      errorRate: o.errorRate ?? 0,
      throttleRate: o.throttleRate ?? 0,
      addedLatencyMs: o.addedLatencyMs ?? 0,
      crashAfter: o.crashAfter ?? null,
    });
  } catch (err) {
    throw new UserError(`--${(err as Error).message}`);
  }
  return {
    port: int('port', o.port ?? 0, 0, 65535),
    concurrency: int('concurrency', o.concurrency ?? 1000, 1),
    keepWarmMs: Math.round(keepWarmS * 1000),
    runtime,
    functionName: o.functionName === undefined ? DEFAULT_FUNCTION_NAME : o.functionName,
    memoryMb: int('memory', o.memoryMb ?? 1024, MEMORY_MIN_MB, MEMORY_MAX_MB),
    timeoutS: int('timeout', o.timeoutS ?? 30, 1, 900),
    reservedConcurrency: o.reservedConcurrency === undefined ? undefined : int('reserved-concurrency', o.reservedConcurrency, 0),
    faults,
    seed: o.seed ?? 'spillway',
    billInit: o.billInit ?? true,
    initTimeoutMs: int('init-timeout', o.initTimeoutMs ?? 10_000, 1),
    region: o.region ?? 'us-east-1',
    accountId: o.accountId ?? '000000000000',
    cpus: o.cpus === undefined ? undefined : cpuList(o.cpus),
    azure: o.azure,
    log: o.log ?? (() => undefined),
    onCrash: o.onCrash ?? (() => undefined),
  };
}
