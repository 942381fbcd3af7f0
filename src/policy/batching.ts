/**
 * The batching knobs every offloading policy exposes, with the same names and defaults everywhere,
 * and the one place that turns a share into a well-formed PointDecision.
 */
import type { PointDecision } from './contract.js';
import { clamp } from './load.js';
import { numberParam, type ParamOverrides, type PolicyParamSpec } from './params.js';

export const BATCH_PARAMS: PolicyParamSpec[] = [
  {
    name: 'batchRecords',
    description: 'records per batch sent to one function invocation',
    default: 100,
    min: 1,
    max: 100_000,
    integer: true,
  },
  {
    name: 'maxWaitMs',
    description: 'a batch is sent when its oldest record has waited this long, ms',
    default: 50,
    min: 0,
    max: 60_000,
  },
  {
    name: 'maxInFlight',
    description: 'batches in flight at once; beyond it records stay local, or wait in the point\'s async_capacity queue',
    default: 32,
    min: 0,
    max: 10_000,
    integer: true,
  },
];

export interface BatchSettings {
  batchRecords: number;
  maxWaitMs: number;
  maxInFlight: number;
}

export function batchSettings(params: ParamOverrides): BatchSettings {
  return {
    batchRecords: numberParam(params, 'batchRecords'),
    maxWaitMs: numberParam(params, 'maxWaitMs'),
    maxInFlight: numberParam(params, 'maxInFlight'),
  };
}

/** A decision with the share clamped to [0, 1] (NaN means "unknown": offload nothing). */
export function pointDecision(share: number, batch: BatchSettings, prewarm?: number): PointDecision {
  const decision: PointDecision = {
    share: Number.isFinite(share) ? clamp(share, 0, 1) : 0,
    batchRecords: batch.batchRecords,
    maxWaitMs: batch.maxWaitMs,
    maxInFlight: batch.maxInFlight,
  };
  if (prewarm !== undefined) decision.prewarm = Number.isFinite(prewarm) && prewarm > 0 ? Math.floor(prewarm) : 0;
  return decision;
}

/** Round a share for notes, so logs stay readable. */
export function fmt(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 1000) / 1000) : 'n/a';
}
