/**
 * `feed-forward`: offload the excess, measured exactly from counters (fast-signals.ts), instead of steering a
 * delayed backlog with a PI loop. Each interval:
 *
 *   required = demand + (backlog at the sources + records queued in front of the vertex) / drainSeconds
 *   target   = 1 − targetUtilization × capacity / required   (+ a small trim), clamped to [0, maxShare]
 *
 * demand = arrival (records read + backlog slope) × selectivity; capacity = records / busy seconds. The trim is a
 * slow, bounded integral (0..maxTrim) of the backlog, in seconds of local work, above `targetBacklogS`: it only
 * corrects an over-estimated capacity. The share sent goes through the anti-flap rule (anti-flap.ts). It asks
 * for pre-warmed environments while demand rises towards capacity, so the first batches skip cold starts.
 *
 * objective 'p99' derives the backlog target and the drain time from `p99TargetMs` (half of it, and twice it)
 * instead of `targetBacklogS` / `drainSeconds`.
 */
import type { PolicyFactory, PointDecision } from '../contract.js';
import { ShareGovernor } from '../anti-flap.js';
import { BATCH_PARAMS, batchSettings, fmt, pointDecision, type BatchSettings } from '../batching.js';
import { clamp, shareForLoad } from '../load.js';
import { numberParam, resolveParams, stringParam, type ParamOverrides, type PolicyParamSpec } from '../params.js';
import { sourceIds, upstreamIds } from '../signals.js';
import { SignalTracker } from '../signal-tracker.js';

const params: PolicyParamSpec[] = [
  { name: 'objective', description: "'cost': drain and backlog targets as given; 'p99': derived from p99TargetMs", default: 'cost', choices: ['cost', 'p99'] },
  { name: 'p99TargetMs', description: "objective 'p99': the latency to hold, ms", default: 400, min: 10, max: 600_000 },
  { name: 'targetUtilization', description: 'busy fraction the offloaded vertex is sized to keep', default: 0.9, min: 0.05, max: 1 },
  { name: 'drainSeconds', description: 'drain the backlog (sources + network buffers) within this many seconds', default: 5, min: 0.1, max: 86_400 },
  { name: 'targetBacklogS', description: 'backlog, in seconds of local work, above which the trim adds share', default: 0.5, min: 0, max: 3_600 },
  { name: 'trimGain', description: 'trim: share per second of excess backlog per second', default: 0.02, min: 0, max: 10 },
  { name: 'maxTrim', description: 'trim: at most this much share on top of the feed-forward share', default: 0.1, min: 0, max: 1 },
  { name: 'maxShare', description: 'never offload more than this share', default: 1, min: 0, max: 1 },
  { name: 'capacityRps', description: 'known capacity of the offloaded vertex, records/s (0 = measure it from counters)', default: 0, min: 0 },
  { name: 'onShare', description: 'anti-flap: start offloading when the target share reaches this', default: 0.05, min: 0, max: 1 },
  { name: 'offShare', description: 'anti-flap: stop when the share has come down to this (<= onShare)', default: 0.01, min: 0, max: 1 },
  { name: 'deadband', description: 'anti-flap: ignore target changes this small', default: 0.03, min: 0, max: 1 },
  { name: 'maxStepDown', description: 'anti-flap: lower the share by at most this per interval', default: 0.04, min: 0.001, max: 1 },
  { name: 'minDwellMs', description: 'anti-flap: no lowering within this long after a rise, ms', default: 10_000, min: 0, max: 3_600_000 },
  { name: 'leadIntervals', description: 'size for demand this many intervals ahead while it grows (covers the reporting delay)', default: 1, min: 0, max: 100 },
  { name: 'prewarmAt', description: 'pre-warm while rising demand exceeds this fraction of targetUtilization × capacity', default: 0.7, min: 0, max: 10 },
  { name: 'assumedRoundTripMs', description: 'batch round trip used to size pre-warming until one is observed, ms', default: 100, min: 1, max: 900_000 },
  ...BATCH_PARAMS,
];

interface Settings {
  utilization: number;
  drainS: number;
  backlogTargetS: number;
  trimGain: number;
  maxTrim: number;
  maxShare: number;
  knownCapacity: number;
  lead: number;
  prewarmAt: number;
  assumedRttMs: number;
  batch: BatchSettings;
}

function settings(p: ParamOverrides): Settings {
  const p99 = stringParam(p, 'objective') === 'p99';
  const p99S = numberParam(p, 'p99TargetMs') / 1000;
  return {
    utilization: numberParam(p, 'targetUtilization'),
    drainS: p99 ? Math.max(0.1, 2 * p99S) : numberParam(p, 'drainSeconds'),
    backlogTargetS: p99 ? p99S / 2 : numberParam(p, 'targetBacklogS'),
    trimGain: numberParam(p, 'trimGain'),
    maxTrim: numberParam(p, 'maxTrim'),
    maxShare: numberParam(p, 'maxShare'),
    knownCapacity: numberParam(p, 'capacityRps'),
    lead: numberParam(p, 'leadIntervals'),
    prewarmAt: numberParam(p, 'prewarmAt'),
    assumedRttMs: numberParam(p, 'assumedRoundTripMs'),
    batch: batchSettings(p),
  };
}

/** One offload point's controller. */
class PointController {
  private trim = 0;
  private lastDemand = NaN;
  private lastBacklog = NaN;
  private lastPrewarm = 0;
  private rttMs: number;

  constructor(
    readonly id: string,
    private readonly tracker: SignalTracker,
    private readonly governor: ShareGovernor,
    private readonly s: Settings,
  ) {
    this.rttMs = s.assumedRttMs;
  }

  decide(snapshot: Parameters<SignalTracker['update']>[0]): { decision: PointDecision; note: string } {
    const sig = this.tracker.update(snapshot);
    const rtt = snapshot.offload.find((o) => o.id === this.id)?.recentRoundTripMs;
    if (typeof rtt === 'number' && Number.isFinite(rtt) && rtt > 0) this.rttMs = rtt;
    const capacity = this.s.knownCapacity > 0 ? this.s.knownCapacity : sig?.capacityEstimateRps ?? NaN;
    if (this.tracker.stale) {
      // Cached counters are no news: repeat the decision in force rather than flap to 0 for one poll.
      return { decision: pointDecision(this.governor.current, this.s.batch, this.lastPrewarm), note: `${this.id}: counters not refreshed, share held` };
    }
    if (!sig || !Number.isFinite(sig.demandRps) || !Number.isFinite(capacity)) {
      // Unknown: offload nothing this interval, keep every state as it was.
      return { decision: pointDecision(0, this.s.batch, 0), note: `${this.id}: signals unknown` };
    }
    const backlog = (Number.isFinite(sig.pending) ? sig.pending * sig.selectivity : 0) + (Number.isFinite(sig.queuedRecords) ? sig.queuedRecords : 0);
    const backlogS = backlog / capacity;
    // The trim corrects a persistent excess the feed-forward misses (an over-estimated capacity): it rises only
    // while the backlog is above target and not shrinking (a shrinking one is being drained already).
    const error = backlogS - this.s.backlogTargetS;
    const shrinking = Number.isFinite(this.lastBacklog) && backlog < this.lastBacklog;
    this.lastBacklog = backlog;
    if (!this.governor.isOn) this.trim = 0;
    else if (error < 0 || !shrinking) this.trim = clamp(this.trim + this.s.trimGain * error * sig.dtS, 0, this.s.maxTrim);
    // While demand grows, the decision lands a reporting delay late: size for where demand is heading.
    const growth = Number.isFinite(this.lastDemand) ? sig.demandRps - this.lastDemand : 0;
    this.lastDemand = sig.demandRps;
    const required = sig.demandRps + this.s.lead * Math.max(0, growth) + backlog / this.s.drainS;
    const feedForward = shareForLoad(required, capacity, this.s.utilization, this.s.maxShare);
    const target = clamp(feedForward + (feedForward > 0 ? this.trim : 0), 0, this.s.maxShare);
    const share = this.governor.next(target, snapshot.tMs);
    const prewarm = this.prewarm(sig.demandRps, growth, capacity, share);
    this.lastPrewarm = prewarm;
    const note = `${this.id}: arrival=${fmt(sig.arrivalRps)} slope=${fmt(sig.pendingSlopeRps)} backlog=${fmt(backlog)} ` +
      `capacity=${fmt(capacity)} busy=${fmt(sig.busyFraction)} trim=${fmt(this.trim)} target=${fmt(target)} share=${fmt(share)}`;
    return { decision: pointDecision(share, this.s.batch, prewarm), note };
  }

  /** Environments to keep warm: while offloading, or while demand rises past prewarmAt of the sized load. */
  private prewarm(demandRps: number, growth: number, capacity: number, share: number): number {
    const sized = this.s.utilization * capacity;
    const near = growth > 0 && demandRps >= this.s.prewarmAt * sized;
    if (share <= 0 && !near) return 0;
    // Expected offloaded rate: the share's, or what the excess will be one interval on at the same growth.
    const offloadRps = Math.max(share * demandRps, demandRps + Math.max(0, growth) - sized, this.s.batch.batchRecords);
    const batchesInFlight = (offloadRps / this.s.batch.batchRecords) * (this.rttMs / 1000);
    return Math.min(this.s.batch.maxInFlight, Math.max(1, Math.ceil(batchesInFlight)));
  }
}

export const feedForwardPolicy: PolicyFactory = {
  name: 'feed-forward',
  description: 'offload the measured excess (counter-exact arrival, backlog slope, capacity) with an anti-flap rule and pre-warming',
  params,
  create(given, context) {
    const p = resolveParams(feedForwardPolicy, given);
    const s = settings(p);
    const sources = sourceIds(context);
    const antiFlap = {
      onShare: numberParam(p, 'onShare'),
      offShare: Math.min(numberParam(p, 'offShare'), numberParam(p, 'onShare')),
      deadband: numberParam(p, 'deadband'),
      maxStepDown: numberParam(p, 'maxStepDown'),
      minDwellMs: numberParam(p, 'minDwellMs'),
    };
    const points = context.offloadPoints.map((pt) => {
      const before = upstreamIds(context, pt.vertex, '');
      const scope = { vertex: pt.vertex, sources, upstream: before.length > 0 ? before[before.length - 1] : '', pointIds: [pt.id] };
      return new PointController(pt.id, new SignalTracker(scope), new ShareGovernor(antiFlap), s);
    });
    return {
      name: 'feed-forward',
      decide(snapshot) {
        const out: Record<string, PointDecision> = {};
        const notes: string[] = [];
        for (const pc of points) {
          const { decision, note } = pc.decide(snapshot);
          out[pc.id] = decision;
          notes.push(note);
        }
        return { points: out, note: `feed-forward: ${notes.join('; ')}` };
      },
    };
  },
};
