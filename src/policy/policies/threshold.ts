/**
 * `threshold`: the seed prototype's idea made stable. A trigger signal switches offloading on at
 * `onThreshold` and off only below `offThreshold` (hysteresis), and a switch waits `cooldownMs` after the
 * previous one, so a noisy signal cannot flap the router. While on, the share is sized from the measured
 * excess, DS2-style: share = 1 − targetUtilization × capacity / (demand + backlog drain).
 */
import { UserError } from '../../util/errors.js';
import type { PolicyFactory, PointDecision } from '../contract.js';
import { BATCH_PARAMS, batchSettings, fmt, pointDecision } from '../batching.js';
import { LoadEstimator, drainRps, shareForLoad } from '../load.js';
import { numberParam, resolveParams, stringParam, type PolicyParamSpec } from '../params.js';
import { TRIGGER_SIGNALS, readSignal, sourceIds, upstreamIds, type SignalScope, type TriggerSignal } from '../signals.js';

export const SIZING_PARAMS: PolicyParamSpec[] = [
  {
    name: 'targetUtilization',
    description: 'busy fraction the offloaded vertex is sized to keep (the Flink autoscaler targets 0.7)',
    default: 0.8,
    min: 0.05,
    max: 1,
  },
  { name: 'drainSeconds', description: 'drain the source backlog within this many seconds', default: 30, min: 1, max: 86_400 },
  { name: 'maxShare', description: 'never offload more than this share', default: 1, min: 0, max: 1 },
  {
    name: 'capacityRps',
    description: 'known capacity of the offloaded vertex, records/s (0 = measure it the DS2 way)',
    default: 0,
    min: 0,
  },
];

const params: PolicyParamSpec[] = [
  {
    name: 'signal',
    description: 'what switches offloading: busy/backpressure (ms/s) of the offloaded vertex, of its upstream, source pendingRecords, source currentEmitEventTimeLag (ms)',
    default: 'busy',
    choices: [...TRIGGER_SIGNALS],
  },
  { name: 'onThreshold', description: 'switch on when the signal is at or above this (its own unit)', default: 800, min: 0 },
  { name: 'offThreshold', description: 'switch off when the signal is below this (<= onThreshold)', default: 500, min: 0 },
  { name: 'cooldownMs', description: 'minimum time between two switches, ms of metric time', default: 5_000, min: 0 },
  ...SIZING_PARAMS,
  { name: 'upstreamVertex', description: "vertex id for 'upstream-backpressure' ('' = all vertices listed before the offloaded one)", default: '' },
  ...BATCH_PARAMS,
];

interface PointState {
  id: string;
  scope: SignalScope;
  load: LoadEstimator;
  on: boolean;
  lastSwitchMs: number;
}

export const thresholdPolicy: PolicyFactory = {
  name: 'threshold',
  description: 'switch on/off on a signal with hysteresis and cool-down; size the share from measured excess (DS2)',
  params,
  create(given, context) {
    const p = resolveParams(thresholdPolicy, given);
    const signal = stringParam(p, 'signal') as TriggerSignal;
    const onAt = numberParam(p, 'onThreshold');
    const offBelow = numberParam(p, 'offThreshold');
    if (offBelow > onAt) {
      throw new UserError(`policy "threshold": offThreshold (${offBelow}) must not exceed onThreshold (${onAt})`);
    }
    const cooldownMs = numberParam(p, 'cooldownMs');
    const targetUtilization = numberParam(p, 'targetUtilization');
    const drainSeconds = numberParam(p, 'drainSeconds');
    const maxShare = numberParam(p, 'maxShare');
    const batch = batchSettings(p);
    const sources = sourceIds(context);
    const states: PointState[] = context.offloadPoints.map((pt) => ({
      id: pt.id,
      scope: { vertex: pt.vertex, sources, upstream: upstreamIds(context, pt.vertex, stringParam(p, 'upstreamVertex')) },
      load: new LoadEstimator(pt.vertex, sources, [pt.id], numberParam(p, 'capacityRps')),
      on: false,
      lastSwitchMs: -Infinity,
    }));
    return {
      name: 'threshold',
      decide(snapshot) {
        const points: Record<string, PointDecision> = {};
        const notes: string[] = [];
        for (const st of states) {
          const value = readSignal(snapshot, signal, st.scope);
          const load = st.load.update(snapshot);
          const cooled = snapshot.tMs - st.lastSwitchMs >= cooldownMs;
          // An unknown signal changes nothing (and offloads nothing, below).
          if (Number.isFinite(value) && cooled) {
            if (!st.on && value >= onAt) {
              st.on = true;
              st.lastSwitchMs = snapshot.tMs;
            } else if (st.on && value < offBelow) {
              st.on = false;
              st.lastSwitchMs = snapshot.tMs;
            }
          }
          const share = st.on && Number.isFinite(value)
            ? shareForLoad(load.demandRps + drainRps(load, drainSeconds), load.capacityRps, targetUtilization, maxShare)
            : 0;
          points[st.id] = pointDecision(share, batch);
          notes.push(`${st.id}: ${signal}=${fmt(value)} ${st.on ? 'on' : 'off'}, demand=${fmt(load.demandRps)} capacity=${fmt(load.capacityRps)} share=${fmt(share)}`);
        }
        return { points, note: `threshold: ${notes.join('; ')}` };
      },
    };
  },
};
