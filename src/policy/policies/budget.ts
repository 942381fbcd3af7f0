/**
 * `budget`: any policy, under a dollars-per-hour cap. The inner policy decides; its share is then scaled by
 * cap / spend when the offload spend over the sliding window exceeds the cap, and its routed rate is capped at
 * the rate the budget sustains at the window's cost per record (split evenly over offload points); pre-warming
 * is scaled like the share.
 * Spend comes from the snapshots' cumulative costUsd, so it includes cold starts and pre-warming.
 * When the spend cannot be measured the policy offloads nothing: an unknown bill is not under budget.
 */
import { UserError } from '../../util/errors.js';
import type { Decision, PolicyFactory, PointDecision } from '../contract.js';
import { fmt } from '../batching.js';
import { numberParam, resolveParams, stringParam, type ParamOverrides, type PolicyParamSpec } from '../params.js';
import { SpendWindow } from '../spend.js';

export const BUDGET_INNER_CHOICES = ['backpressure', 'static', 'threshold', 'target-lag', 'predictive', 'feed-forward'];
const INNER_PREFIX = 'inner.';

const params: PolicyParamSpec[] = [
  {
    name: 'inner',
    description: "the policy to run under the cap; its parameters are given as 'inner.<name>'",
    default: 'threshold',
    choices: BUDGET_INNER_CHOICES,
  },
  { name: 'usdPerHour', description: 'spending cap, US dollars per hour of offloading', default: 1, min: 0 },
  { name: 'windowS', description: 'sliding window the spend is averaged over, seconds', default: 300, min: 1, max: 86_400 },
];

/** Built from a lookup so this module need not import the registry (which lists it). */
export function createBudgetPolicy(lookup: (name: string) => PolicyFactory): PolicyFactory {
  const factory: PolicyFactory = {
    name: 'budget',
    description: 'run another policy (inner) under a dollars-per-hour cap on offload spend over a sliding window',
    params,
    create(given, context) {
      const p = resolveParams(factory, given);
      const capUsdPerHour = numberParam(p, 'usdPerHour');
      const innerName = stringParam(p, 'inner');
      const innerFactory = lookup(innerName);
      const innerGiven: ParamOverrides = {};
      for (const [key, value] of Object.entries(p)) {
        if (key.startsWith(INNER_PREFIX)) innerGiven[key.slice(INNER_PREFIX.length)] = value;
      }
      if (innerFactory.name === 'budget') throw new UserError('policy "budget": inner may not be budget itself');
      const inner = innerFactory.create(resolveParams(innerFactory, innerGiven, INNER_PREFIX), context);
      const window = new SpendWindow(numberParam(p, 'windowS') * 1000);
      const pointIds = context.offloadPoints.map((pt) => pt.id);
      const lastInner = new Map<string, PointDecision>();

      return {
        name: 'budget',
        decide(snapshot) {
          const innerDecision: Decision = inner.decide(snapshot);
          for (const [id, d] of Object.entries(innerDecision.points)) lastInner.set(id, d);

          let cost = 0;
          let records = 0;
          for (const id of pointIds) {
            const point = snapshot.offload.find((o) => o.id === id);
            cost += finiteOrNaN(point?.costUsd);
            records += finiteOrNaN(point?.offloadedRecords);
          }
          const measurable = Number.isFinite(cost) && Number.isFinite(records);
          const spend = measurable ? window.add(snapshot.tMs, cost, records) : undefined;
          const factor = !spend || capUsdPerHour === 0 ? 0 : spend.usdPerHour > capUsdPerHour ? capUsdPerHour / spend.usdPerHour : 1;
          const sustainableRps = spend && spend.usdPerRecord > 0 && pointIds.length > 0
            ? capUsdPerHour / 3600 / spend.usdPerRecord / pointIds.length
            : undefined;

          // Emit every point the inner policy ever named, so a point it stops naming is still scaled.
          const points: Record<string, PointDecision> = {};
          for (const [id, d] of lastInner) {
            const scaled: PointDecision = { ...d, share: d.share * factor };
            // Pre-warming pings cost money too: scale them with the share.
            if (d.prewarm !== undefined) scaled.prewarm = Math.floor(d.prewarm * factor);
            if (sustainableRps !== undefined) scaled.maxRateRps = Math.min(d.maxRateRps ?? Infinity, sustainableRps);
            points[id] = scaled;
          }
          const spendNote = spend ? `spend=${fmt(spend.usdPerHour)}$/h cap=${capUsdPerHour}$/h factor=${fmt(factor)}` : 'spend unknown: offload nothing';
          return { points, note: `budget: ${spendNote}; ${innerDecision.note ?? innerName}` };
        },
      };
    },
  };
  return factory;
}

function finiteOrNaN(v: number | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : NaN;
}
