/**
 * `burst+autoscale`: the autoscaler owns the parallelism; target-lag bursting bridges the time it needs
 * (stabilization, metrics window) until the new parallelism is up, then the backlog it watches is gone and
 * the share falls to 0 by itself. The autoscaler is told what the functions took, so offloading does not
 * hide the load it must size for. A scale-up is forwarded only once bursting has run `sustainS` without a
 * break: a spike shorter than that is cheaper to burst than to restart for.
 */
import type { MetricsSnapshot, PolicyFactory } from '../contract.js';
import { AUTOSCALER_PARAMS, AutoscalerCore } from '../autoscaler-core.js';
import { resolveParams } from '../params.js';
import { targetLagPolicy } from './target-lag.js';

const burstParams = targetLagPolicy.params.filter((p) => p.name !== 'metric');

const sustainParam = {
  name: 'sustainS',
  description: 'forward a scale-up only after bursting has run this long without a break, s (0 = at once): a restart mid-spike costs more than the spike',
  default: 300,
  min: 0,
  max: 86400,
};

export const burstAutoscalePolicy: PolicyFactory = {
  name: 'burst+autoscale',
  description: 'autoscaler for the parallelism, target-lag bursting while it waits; hands over when the new parallelism is up',
  params: [...AUTOSCALER_PARAMS, ...burstParams, sustainParam],
  create(given, context) {
    const p = resolveParams(burstAutoscalePolicy, given);
    const core = new AutoscalerCore(p, context);
    const burstGiven: Record<string, number | string | boolean> = { metric: 'pending' };
    for (const spec of burstParams) burstGiven[spec.name] = p[spec.name];
    const burst = targetLagPolicy.create(burstGiven, context);
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
