/**
 * `target-lag`: close the loop on what users feel. A PI controller drives the source backlog
 * (pendingRecords) or the emit lag (ms) to a target by moving the offload share; no capacity model, so it
 * copes with mis-measured busy time and uneven operators, at the price of reacting only after the backlog
 * has grown. The error is normalised by the target: e = (measured − target) / target.
 */
import type { PolicyFactory, PointDecision } from '../contract.js';
import { BATCH_PARAMS, batchSettings, fmt, pointDecision } from '../batching.js';
import { numberParam, resolveParams, stringParam, type PolicyParamSpec } from '../params.js';
import { PiController } from '../pi.js';
import { maxOver, sourceIds, sumOver } from '../signals.js';

const params: PolicyParamSpec[] = [
  { name: 'metric', description: "controlled value: source 'pending' records (sum) or 'lag' = currentEmitEventTimeLag ms (max)", default: 'pending', choices: ['pending', 'lag'] },
  { name: 'target', description: 'set point, in the metric\'s unit', default: 1_000, min: 1 },
  { name: 'kp', description: 'proportional gain, share per unit of normalised error', default: 0.5, min: 0, max: 100 },
  { name: 'ki', description: 'integral gain, share per unit of normalised error per second', default: 0.1, min: 0, max: 100 },
  { name: 'maxShare', description: 'never offload more than this share', default: 1, min: 0, max: 1 },
  ...BATCH_PARAMS,
];

export const targetLagPolicy: PolicyFactory = {
  name: 'target-lag',
  description: 'PI controller (anti-windup, clamped to [0,1]) driving source pendingRecords or lag to a target',
  params,
  create(given, context) {
    const p = resolveParams(targetLagPolicy, given);
    const metric = stringParam(p, 'metric');
    const target = numberParam(p, 'target');
    const batch = batchSettings(p);
    const sources = sourceIds(context);
    const defaultDtS = context.controllerIntervalMs / 1000;
    // All points share one backlog, but each owns its controller so their states stay independent.
    const states = context.offloadPoints.map((pt) => ({
      id: pt.id,
      pi: new PiController(numberParam(p, 'kp'), numberParam(p, 'ki'), 0, numberParam(p, 'maxShare')),
      lastTMs: NaN,
    }));
    return {
      name: 'target-lag',
      decide(snapshot) {
        const measured = metric === 'lag'
          ? maxOver(snapshot, sources, 'currentEmitEventTimeLag', 'max')
          : sumOver(snapshot, sources, 'pendingRecords', 'sum');
        const points: Record<string, PointDecision> = {};
        const error = (measured - target) / target;
        for (const st of states) {
          if (!Number.isFinite(measured)) {
            // Unknown: offload nothing and leave the controller as it was.
            points[st.id] = pointDecision(0, batch);
            continue;
          }
          const elapsedS = (snapshot.tMs - st.lastTMs) / 1000;
          const dtS = Number.isFinite(elapsedS) && elapsedS > 0 ? elapsedS : Number.isNaN(st.lastTMs) ? defaultDtS : 0;
          st.lastTMs = Number.isNaN(st.lastTMs) ? snapshot.tMs : Math.max(st.lastTMs, snapshot.tMs);
          points[st.id] = pointDecision(st.pi.step(error, dtS), batch);
        }
        return { points, note: `target-lag: ${metric}=${fmt(measured)} target=${target} error=${fmt(error)}` };
      },
    };
  },
};
