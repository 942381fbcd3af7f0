/**
 * `burst+autoscale`: the autoscaler owns the parallelism; bursting bridges the time it needs (stabilization,
 * metrics window) until the new parallelism is up, then the excess it sizes for is gone and the share falls to 0
 * by itself. The bridge is `feed-forward` by default (sized from the measured excess, no limit cycle: issue 14);
 * `bridge: 'target-lag'` keeps the earlier PI loop for comparison. The autoscaler is told what the functions took, so offloading does not
 * hide the load it must size for. A scale-up is forwarded only once bursting has run `sustainS` without a
 * break: a spike shorter than that is cheaper to burst than to restart for.
 */
import type { MetricsSnapshot, PolicyFactory } from '../contract.js';
import { AUTOSCALER_PARAMS, AutoscalerCore } from '../autoscaler-core.js';
import { resolveParams, stringParam, type PolicyParamSpec } from '../params.js';
import { feedForwardPolicy } from './feed-forward.js';
import { targetLagPolicy } from './target-lag.js';

const BRIDGES: Record<string, PolicyFactory> = { 'feed-forward': feedForwardPolicy, 'target-lag': targetLagPolicy };

const bridgeParam: PolicyParamSpec = {
  name: 'bridge',
  description: 'the burst policy that bridges the autoscaler’s wait: feed-forward (sized from the excess) or target-lag (PI on pending)',
  default: 'feed-forward',
  choices: Object.keys(BRIDGES),
};

/** Both bridges' parameters, each once (maxShare and the batch settings mean the same in both); not target-lag's metric. */
const burstParams: PolicyParamSpec[] = [...feedForwardPolicy.params, ...targetLagPolicy.params].filter(
  (spec, i, all) => spec.name !== 'metric' && all.findIndex((o) => o.name === spec.name) === i,
);

const sustainParam = {
  name: 'sustainS',
  description: 'forward a scale-up only after bursting has run this long without a break, s (0 = at once): a restart mid-spike costs more than the spike',
  default: 300,
  min: 0,
  max: 86400,
};

export const burstAutoscalePolicy: PolicyFactory = {
  name: 'burst+autoscale',
  description: 'autoscaler for the parallelism, bursting (feed-forward or target-lag) while it waits; hands over when the new parallelism is up',
  params: [...AUTOSCALER_PARAMS, bridgeParam, ...burstParams, sustainParam],
  create(given, context) {
    const p = resolveParams(burstAutoscalePolicy, given);
    const core = new AutoscalerCore(p, context);
    const bridge = BRIDGES[stringParam(p, 'bridge')];
    const burstGiven: Record<string, number | string | boolean> = bridge === targetLagPolicy ? { metric: 'pending' } : {};
    for (const spec of bridge.params) if (spec.name in p && spec.name !== 'metric') burstGiven[spec.name] = p[spec.name];
    const burst = bridge.create(burstGiven, context);
    const last = new Map<string, { tMs: number; offloaded: number }>();
    const sustainMs = Number(p.sustainS) * 1000;
    let burstingSince = NaN;
    return {
      name: 'burst+autoscale',
      decide(snapshot) {
        // Records/s the functions took per vertex since the previous snapshot.
        const extra = new Map<string, number>();
        for (const o of snapshot.offload) {
          const prev = last.get(o.id);
          last.set(o.id, { tMs: snapshot.tMs, offloaded: o.offloadedRecords });
          if (prev && snapshot.tMs > prev.tMs) {
            const rps = ((o.offloadedRecords - prev.offloaded) * 1000) / (snapshot.tMs - prev.tMs);
            extra.set(o.vertex, (extra.get(o.vertex) ?? 0) + Math.max(0, rps));
          }
        }
        const step = core.step(snapshot, extra);
        const b = burst.decide(snapshot);
        const bursting = Object.values(b.points).some((d) => d.share > 0);
        if (!bursting) burstingSince = NaN;
        else if (Number.isNaN(burstingSince)) burstingSince = snapshot.tMs;
        let note = `${step.note}; ${b.note ?? ''}`;
        let wanted = step.parallelism;
        if (wanted && isScaleUp(wanted, snapshot) && !(snapshot.tMs - burstingSince >= sustainMs)) {
          // A short excess is the functions' job: stopping the job for a restart would cost more than it saves.
          wanted = undefined;
          note += '; scale-up held: bursting covers it';
        }
        return wanted ? { points: b.points, parallelism: wanted, note } : { points: b.points, note };
      },
    };
  },
};

function isScaleUp(wanted: Record<string, number>, snapshot: MetricsSnapshot): boolean {
  return snapshot.vertices.some((v) => (wanted[v.id] ?? v.parallelism) > v.parallelism);
}
