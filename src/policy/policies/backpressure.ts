/**
 * `backpressure`: never offload. Flink's own behaviour and the baseline every other policy is ranked against:
 * an overloaded vertex backpressures its upstream and records wait in the source's external queue.
 */
import { idleDecision, type PolicyFactory, type PointDecision } from '../contract.js';
import { resolveParams } from '../params.js';

export const backpressurePolicy: PolicyFactory = {
  name: 'backpressure',
  description: "never offload (Flink's default: backpressure slows the job, records wait at the source)",
  params: [],
  create(params, context) {
    resolveParams(backpressurePolicy, params);
    const pointIds = context.offloadPoints.map((p) => p.id);
    return {
      name: 'backpressure',
      decide() {
        const points: Record<string, PointDecision> = {};
        for (const id of pointIds) points[id] = idleDecision();
        return { points, note: 'backpressure: never offload' };
      },
    };
  },
};
