/**
 * The simulator's driver of the control loop (src/control/loop.ts): every controller interval it takes the metrics
 * snapshot of the interval just closed (the collector is the snapshot source), hands it to the loop after the
 * reporting delay (Flink's REST fetcher lag), and the loop applies the decision to the offload points and the
 * rescaler (the decision sink). It sees only what a controller polling Flink's REST API would see.
 */
import { ControlLoop, type DecisionRecord, type DecisionSink } from '../control/loop.js';
import type { EventCalendar, EventHandler } from '../engine/calendar.js';
import type { MetricsCollector } from '../metrics/collector.js';
import type { MetricsSnapshot, Policy, PointDecision } from '../policy/contract.js';
import type { OffloadPoint } from './point.js';

export type { DecisionRecord } from '../control/loop.js';

const EV_DELIVER = 0;

/** Where a policy's per-vertex parallelism request goes (a rescaler). */
export type ParallelismSink = (parallelism: Record<string, number>, now: number) => void;

/** The simulator's decision sink: the offload points, and a rescaler for parallelism requests. */
class SimulatedSink implements DecisionSink {
  constructor(
    private readonly points: ReadonlyMap<string, OffloadPoint>,
    private readonly onParallelism: ParallelismSink,
  ) {}

  applyPoint(pointId: string, decision: PointDecision, atMs: number): void {
    this.points.get(pointId)!.setDecision(decision, atMs);
  }

  applyParallelism(parallelism: Record<string, number>, atMs: number): void {
    this.onParallelism(parallelism, atMs);
  }
}

export class Controller implements EventHandler {
  private readonly target: number;
  private readonly pending: MetricsSnapshot[] = [];
  private readonly loop: ControlLoop;

  constructor(
    private readonly calendar: EventCalendar,
    private readonly collector: MetricsCollector,
    policy: Policy,
    points: OffloadPoint[],
    private readonly intervalMs: number,
    private readonly delayMs: number,
    onParallelism: ParallelismSink,
  ) {
    this.target = calendar.register(this);
    const sink = new SimulatedSink(new Map(points.map((p) => [p.id, p])), onParallelism);
    this.loop = new ControlLoop(policy, points.map((p) => p.id), sink);
  }

  /** The decisions applied so far, one record per point per step. */
  get log(): DecisionRecord[] {
    return this.loop.log;
  }

  /** Called at every metrics tick; acts on the controller's own interval. */
  onMetricsTick(now: number): void {
    if (Math.round(now) % this.intervalMs !== 0) return;
    const snap = this.collector.snapshot(now, now + this.delayMs);
    if (this.delayMs <= 0) {
      this.loop.step(snap, now);
      return;
    }
    this.pending.push(snap);
    this.calendar.schedule(now + this.delayMs, this.target, EV_DELIVER, 0);
  }

  onEvent(_kind: number, _arg: number, now: number): void {
    const snap = this.pending.shift();
    if (snap) this.loop.step(snap, now);
  }
}
