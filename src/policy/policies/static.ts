/**
 * `static`: the seed design's rule. When a trigger signal reaches a threshold, send a fixed share of the
 * vertex's records (half, by default) to the function; otherwise none. No sizing, no memory: easy to reason
 * about, and the yardstick for what sizing and prediction buy.
 */
import type { PolicyFactory, PointDecision } from '../contract.js';
import { BATCH_PARAMS, batchSettings, fmt, pointDecision } from '../batching.js';
import { numberParam, resolveParams, stringParam, type PolicyParamSpec } from '../params.js';
import { TRIGGER_SIGNALS, readSignal, sourceIds, upstreamIds, type TriggerSignal } from '../signals.js';

const params: PolicyParamSpec[] = [
  {
    name: 'signal',
    description: 'what triggers offloading: busy/backpressure (ms/s) of the offloaded vertex, of its upstream, source pendingRecords, source currentEmitEventTimeLag (ms)',
    default: 'pending',
    choices: [...TRIGGER_SIGNALS],
  },
  { name: 'threshold', description: 'offload while the signal is at or above this (its own unit)', default: 10_000, min: 0 },
  { name: 'share', description: 'share of records offloaded while triggered', default: 0.5, min: 0, max: 1 },
  { name: 'upstreamVertex', description: "vertex id for 'upstream-backpressure' ('' = all vertices listed before the offloaded one)", default: '' },
  ...BATCH_PARAMS,
];

export const staticPolicy: PolicyFactory = {
  name: 'static',
  description: 'offload a fixed share while a signal is at or above a threshold, else nothing',
  params,
  create(given, context) {
    const p = resolveParams(staticPolicy, given);
    const signal = stringParam(p, 'signal') as TriggerSignal;
    const threshold = numberParam(p, 'threshold');
    const share = numberParam(p, 'share');
    const batch = batchSettings(p);
    const sources = sourceIds(context);
    const scopes = context.offloadPoints.map((pt) => ({
      id: pt.id,
      scope: { vertex: pt.vertex, sources, upstream: upstreamIds(context, pt.vertex, stringParam(p, 'upstreamVertex')) },
    }));
    return {
      name: 'static',
      decide(snapshot) {
        const points: Record<string, PointDecision> = {};
        const notes: string[] = [];
        for (const { id, scope } of scopes) {
          const value = readSignal(snapshot, signal, scope);
          // NaN >= threshold is false: an unknown signal never triggers.
          const triggered = value >= threshold;
          points[id] = pointDecision(triggered ? share : 0, batch);
          notes.push(`${id}: ${signal}=${fmt(value)} ${triggered ? '>=' : '<'} ${threshold}`);
        }
        return { points, note: `static: ${notes.join('; ')}` };
      },
    };
  },
};
