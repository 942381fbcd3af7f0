/** Shared helpers for the serverless tests: deterministic model variants and a tiny driver. */
import { join } from 'node:path';
import { EventCalendar } from '../../src/engine/calendar.js';
import { RandomStreams } from '../../src/engine/random.js';
import { loadPlatformModel } from '../../src/serverless/model-file.js';
import type { PlatformModel } from '../../src/serverless/model.js';
import { Platform, type AttemptResult, type InvocationRequest, type PlatformOptions } from '../../src/serverless/platform.js';

export const MODELS_DIR = join(import.meta.dirname, '..', '..', 'models');

export function model(name: string): PlatformModel {
  return loadPlatformModel(join(MODELS_DIR, `${name}.json`));
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object | null ? DeepPartial<T[K]> | T[K] : T[K] };

function merge<T>(base: T, patch: DeepPartial<T> | undefined): T {
  if (patch === undefined) return base;
  const out = structuredClone(base) as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    const cur = out[k];
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && cur !== null && typeof cur === 'object' && !('type' in (v as object))) {
      out[k] = merge(cur, v as DeepPartial<typeof cur>);
    } else out[k] = v;
  }
  return out as T;
}

/**
 * The Lambda model made deterministic: cold start 100 ms, no overhead, no network delay, keep-alive 600 s, no
 * maximum lifetime, unless `patch` says otherwise.
 */
export function detLambda(patch?: DeepPartial<PlatformModel>, base = 'aws-lambda-nodejs-1024'): PlatformModel {
  const m = merge(model(base), {
    cold_start_ms: { type: 'deterministic', value: 100 },
    warm_overhead_ms: { type: 'deterministic', value: 0 },
    network: { rtt_ms: { type: 'deterministic', value: 0 }, bandwidth_bytes_per_s: 1e15 },
    keep_alive_s: { type: 'deterministic', value: 600 },
    max_lifetime_s: null,
  } as DeepPartial<PlatformModel>);
  return merge(m, patch);
}

export function detAzure(patch?: DeepPartial<PlatformModel>): PlatformModel {
  const m = merge(model('azure-functions-consumption'), {
    cold_start_ms: { type: 'deterministic', value: 2000 },
    warm_overhead_ms: { type: 'deterministic', value: 0 },
    network: { rtt_ms: { type: 'deterministic', value: 0 }, bandwidth_bytes_per_s: 1e15 },
  } as DeepPartial<PlatformModel>);
  return merge(m, patch);
}

export const req = (workMs: number, payloadBytes = 0, responseBytes = 0): InvocationRequest => ({ records: 1, payloadBytes, responseBytes, workMs });

export class Rig {
  readonly calendar = new EventCalendar();
  readonly streams = new RandomStreams(7);
  readonly platform: Platform;
  readonly results: AttemptResult[] = [];
  constructor(m: PlatformModel, options?: PlatformOptions) {
    this.platform = new Platform(this.calendar, this.streams, m, 'f', options);
  }
  /** Invoke n times at time t (ms); results are collected in order of arrival. */
  at(t: number, r: InvocationRequest, n = 1): void {
    this.call(t, () => {
      for (let i = 0; i < n; i++) this.platform.invoke(r, (res) => this.results.push(res));
    });
  }
  /** Run `fn` at time t. */
  call(t: number, fn: () => void): void {
    const target = this.calendar.register({ onEvent: fn });
    this.calendar.schedule(t, target, 0, 0);
  }
  run(until = Infinity): this {
    this.calendar.run(until);
    return this;
  }
}
