/**
 * `predictive`: act before the spike, not after. Holt's linear smoothing forecasts the offloaded vertex's
 * demand `horizonIntervals` controller intervals plus one cold start ahead; the share is sized for that
 * forecast (DS2 capacity, plus backlog drain) and, while the forecast is rising and calls for offloading,
 * enough function environments are pre-warmed to carry it, so the first batches do not pay cold starts.
 * Wins on ramps; costs pre-warm pings and some needless offloading when a trend reverses.
 */
import type { PolicyFactory, PointDecision } from '../contract.js';
import { BATCH_PARAMS, batchSettings, fmt, pointDecision } from '../batching.js';
import { HoltSmoother } from '../holt.js';
import { LoadEstimator, drainRps, shareForLoad } from '../load.js';
import { numberParam, resolveParams, type PolicyParamSpec } from '../params.js';
import { sourceIds } from '../signals.js';
import { SIZING_PARAMS } from './threshold.js';

const params: PolicyParamSpec[] = [
  { name: 'alpha', description: 'Holt level smoothing factor', default: 0.5, min: 0.01, max: 1 },
  { name: 'beta', description: 'Holt trend smoothing factor', default: 0.3, min: 0, max: 1 },
  { name: 'horizonIntervals', description: 'forecast this many controller intervals ahead (plus the cold start)', default: 1, min: 0, max: 100 },
  { name: 'coldStartMs', description: "the function's expected cold start, ms, added to the horizon", default: 500, min: 0, max: 60_000 },
  { name: 'assumedRoundTripMs', description: 'batch round trip used to size pre-warming until one is observed, ms', default: 100, min: 1, max: 900_000 },
  ...SIZING_PARAMS,
  ...BATCH_PARAMS,
];

export const predictivePolicy: PolicyFactory = {
  name: 'predictive',
  description: "forecast demand with Holt's linear smoothing, size the share for the horizon, pre-warm ahead of rises",
  params,
  create(given, context) {
    const p = resolveParams(predictivePolicy, given);
    const targetUtilization = numberParam(p, 'targetUtilization');
    const drainSeconds = numberParam(p, 'drainSeconds');
    const maxShare = numberParam(p, 'maxShare');
    const assumedRoundTripMs = numberParam(p, 'assumedRoundTripMs');
    const batch = batchSettings(p);
    const horizon = numberParam(p, 'horizonIntervals') + numberParam(p, 'coldStartMs') / context.controllerIntervalMs;
    const sources = sourceIds(context);
    const states = context.offloadPoints.map((pt) => ({
      id: pt.id,
      load: new LoadEstimator(pt.vertex, sources, [pt.id], numberParam(p, 'capacityRps')),
      holt: new HoltSmoother(numberParam(p, 'alpha'), numberParam(p, 'beta')),
    }));
    return {
      name: 'predictive',
      decide(snapshot) {
        const points: Record<string, PointDecision> = {};
        const notes: string[] = [];
        for (const st of states) {
          const load = st.load.update(snapshot);
          if (!Number.isFinite(load.demandRps)) {
            points[st.id] = pointDecision(0, batch, 0);
            notes.push(`${st.id}: demand unknown`);
            continue;
          }
          st.holt.update(load.demandRps);
          const forecast = Math.max(0, st.holt.forecast(horizon));
          const required = forecast + drainRps(load, drainSeconds);
          const share = shareForLoad(required, load.capacityRps, targetUtilization, maxShare);
          const prewarm = st.holt.trend > 0 && share > 0 ? environmentsFor(share * required, snapshot, st.id) : 0;
          points[st.id] = pointDecision(share, batch, prewarm);
          notes.push(`${st.id}: forecast=${fmt(forecast)} trend=${fmt(st.holt.trend)} capacity=${fmt(load.capacityRps)} share=${fmt(share)} prewarm=${prewarm}`);
        }
        return { points, note: `predictive: ${notes.join('; ')}` };

        /** Environments busy at once to carry `offloadRps`: batches per second × seconds per batch. */
        function environmentsFor(offloadRps: number, snap: typeof snapshot, pointId: string): number {
          const observed = snap.offload.find((o) => o.id === pointId)?.recentRoundTripMs;
          const roundTripMs = typeof observed === 'number' && Number.isFinite(observed) && observed > 0 ? observed : assumedRoundTripMs;
          // Tolerate float noise: 5.000000001 environments is 5, not 6.
          const needed = Math.ceil((offloadRps / batch.batchRecords) * (roundTripMs / 1000) - 1e-9);
          return Math.min(batch.maxInFlight, Math.max(needed, 0));
        }
      },
    };
  },
};
