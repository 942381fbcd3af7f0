/**
 * `slo-burst`: burst to hold a p99 latency objective, not a backlog target. A record's latency is about the
 * time it waited at the source (currentEmitEventTimeLag) plus its processing; so the backlog must be gone
 * before the oldest waiting record reaches the objective. Each interval the share is sized (DS2 capacity,
 * as `threshold` does) for the demand plus draining the backlog within the time the objective has left:
 * drain time = headroom × p99Ms − lag, never below `minDrainMs`. A backlog that costs nothing in latency is left
 * to the cluster; one about to break the objective is drained hard.
 */
import type { PolicyFactory, PointDecision } from '../contract.js';
import { BATCH_PARAMS, batchSettings, fmt, pointDecision } from '../batching.js';
import { LoadEstimator, drainRps, shareForLoad } from '../load.js';
import { numberParam, resolveParams, type PolicyParamSpec } from '../params.js';
import { maxOver, sourceIds } from '../signals.js';

const params: PolicyParamSpec[] = [
  { name: 'p99Ms', description: 'latency objective, ms', default: 2000, min: 1, max: 3_600_000 },
  { name: 'headroom', description: 'plan to drain the backlog by this fraction of the objective', default: 0.5, min: 0.05, max: 1 },
  { name: 'minDrainMs', description: 'shortest drain time asked for once the objective is missed, ms', default: 1000, min: 1, max: 3_600_000 },
  { name: 'targetUtilization', description: 'busy fraction the offloaded vertex is sized to keep', default: 0.8, min: 0.05, max: 1 },
  { name: 'maxShare', description: 'never offload more than this share', default: 1, min: 0, max: 1 },
  { name: 'capacityRps', description: 'known capacity of the offloaded vertex, records/s (0 = measure it the DS2 way)', default: 0, min: 0 },
  ...BATCH_PARAMS,
];

export const sloBurstPolicy: PolicyFactory = {
  name: 'slo-burst',
  description: 'size the share so the source backlog drains before the oldest waiting record breaks a p99 objective',
  params,
  create(given, context) {
    const p = resolveParams(sloBurstPolicy, given);
    const sources = sourceIds(context);
    const batch = batchSettings(p);
    const budgetMs = numberParam(p, 'headroom') * numberParam(p, 'p99Ms');
    const minDrainMs = numberParam(p, 'minDrainMs');
    const util = numberParam(p, 'targetUtilization');
    const maxShare = numberParam(p, 'maxShare');
    const states = context.offloadPoints.map((pt) => ({
      id: pt.id,
      load: new LoadEstimator(pt.vertex, sources, [pt.id], numberParam(p, 'capacityRps')),
    }));
    return {
      name: 'slo-burst',
      decide(snapshot) {
        const lag = maxOver(snapshot, sources, 'currentEmitEventTimeLag', 'max');
        const drainMs = Math.max(minDrainMs, budgetMs - (Number.isFinite(lag) ? lag : 0));
        const points: Record<string, PointDecision> = {};
        let shown = 0;
        for (const st of states) {
          const load = st.load.update(snapshot);
          const required = load.demandRps + drainRps(load, drainMs / 1000);
          const share = Number.isFinite(lag) ? shareForLoad(required, load.capacityRps, util, maxShare) : 0;
          points[st.id] = pointDecision(share, batch);
          shown = share;
        }
        return { points, note: `slo-burst: lag=${fmt(lag)} ms drain within ${fmt(drainMs)} ms share=${fmt(shown)}` };
      },
    };
  },
};
