/**
 * The controller: every controller interval it takes the metrics snapshot of the interval just closed,
 * hands it to the policy after the reporting delay (Flink's REST fetcher lag), and applies the decision to
 * the offload points. It sees only what a controller polling Flink's REST API would see.
 */
import type { EventCalendar, EventHandler } from '../engine/calendar.js';
import type { MetricsCollector } from '../metrics/collector.js';
import type { MetricsSnapshot, Policy } from '../policy/contract.js';
import type { OffloadPoint } from './point.js';

export interface DecisionRecord {
  tMs: number;
  point: string;
  share: number;
  batchRecords: number;
  maxWaitMs: number;
  maxInFlight: number;
  prewarm: number;
  note: string;
}

const EV_DELIVER = 0;

export class Controller implements EventHandler {
  private readonly target: number;
  private readonly pending: MetricsSnapshot[] = [];
  readonly log: DecisionRecord[] = [];
  /** Where a policy's per-vertex parallelism request goes (a rescaler); null: requests are ignored. */
  onParallelism: ((parallelism: Record<string, number>, now: number) => void) | null = null;

  constructor(
    private readonly calendar: EventCalendar,
    private readonly collector: MetricsCollector,
    private readonly policy: Policy,
    private readonly points: OffloadPoint[],
    private readonly intervalMs: number,
    private readonly delayMs: number,
  ) {
    this.target = calendar.register(this);
  }

  /** Called at every metrics tick; acts on the controller's own interval. */
  onMetricsTick(now: number): void {
    if (Math.round(now) % this.intervalMs !== 0) return;
    const snap = this.collector.snapshot(now, now + this.delayMs);
    if (this.delayMs <= 0) {
      this.decide(snap, now);
      return;
    }
    this.pending.push(snap);
    this.calendar.schedule(now + this.delayMs, this.target, EV_DELIVER, 0);
  }

  onEvent(_kind: number, _arg: number, now: number): void {
    const snap = this.pending.shift();
    if (snap) this.decide(snap, now);
  }

  private decide(snap: MetricsSnapshot, now: number): void {
    const decision = this.policy.decide(snap);
    if (decision.parallelism) this.onParallelism?.(decision.parallelism, now);
    for (const p of this.points) {
      const d = decision.points[p.id];
      if (!d) continue;
      p.setDecision(d, now);
      this.log.push({
        tMs: now,
        point: p.id,
        share: d.share,
        batchRecords: d.batchRecords,
        maxWaitMs: d.maxWaitMs,
        maxInFlight: d.maxInFlight,
        prewarm: d.prewarm ?? 0,
        note: decision.note ?? '',
      });
    }
  }
}
