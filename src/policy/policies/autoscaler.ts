/**
 * `autoscaler`: the Flink Kubernetes Operator autoscaler as a policy. It never offloads; it asks for a
 * parallelism per vertex (Decision.parallelism) computed by the operator's algorithm (autoscaler-core.ts).
 * A runner that can rescale stops the job with a savepoint and restarts it at that parallelism.
 */
import { idleDecision, type PolicyFactory, type PointDecision } from '../contract.js';
import { AUTOSCALER_PARAMS, AutoscalerCore } from '../autoscaler-core.js';
import { resolveParams } from '../params.js';

export const autoscalerPolicy: PolicyFactory = {
  name: 'autoscaler',
  description: 'the Flink Kubernetes Operator autoscaler (DS2): rescales vertices after its metrics window, never offloads',
  params: AUTOSCALER_PARAMS,
  create(given, context) {
    const core = new AutoscalerCore(resolveParams(autoscalerPolicy, given), context);
    const pointIds = context.offloadPoints.map((p) => p.id);
    return {
      name: 'autoscaler',
      decide(snapshot) {
        const step = core.step(snapshot);
        const points: Record<string, PointDecision> = {};
        for (const id of pointIds) points[id] = idleDecision();
        return step.parallelism ? { points, parallelism: step.parallelism, note: step.note } : { points, note: step.note };
      },
    };
  },
};
