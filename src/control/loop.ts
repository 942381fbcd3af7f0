/**
 * The control loop both halves run: a metrics snapshot in, the policy, decisions out. As the Flink Kubernetes
 * operator's autoscaler separates collector, evaluator and executor, the loop separates
 *
 * - the **snapshot source**: the simulator's MetricsCollector, or the live harness's reading of Flink's REST API;
 * - the **policy** (src/policy), which sees only snapshots;
 * - the **decision sink**: the simulator's offload points and rescaler, or the decision the live job polls.
 *
 * When a snapshot is taken and when its decision lands (the reporting delay, the poll period) stays with each
 * half's driver; what happens at a step, and the decision record both halves write to decisions.csv, is here once.
 */
import type { Decision, MetricsSnapshot, Policy, PointDecision } from '../policy/contract.js';

/** One row of decisions.csv: a point's decision at the time it took effect. */
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

/** Where a snapshot comes from; the input is whatever the half reads (a time, a REST reading). */
export interface SnapshotSource<Input> {
  snapshot(input: Input): MetricsSnapshot;
}

/** Where decisions go. A sink that cannot do what a decision asks says so itself (the live job cannot rescale). */
export interface DecisionSink {
  applyPoint(pointId: string, decision: PointDecision, atMs: number): void;
  applyParallelism(parallelism: Record<string, number>, atMs: number): void;
}

export class ControlLoop {
  readonly log: DecisionRecord[] = [];

  constructor(
    private readonly policy: Policy,
    /** The offload points the sink serves, in the order their records are written. */
    private readonly pointIds: readonly string[],
    private readonly sink: DecisionSink,
  ) {}

  /** One step: the policy decides on the snapshot; the sink applies the decision at `atMs`, which is recorded. */
  step(snapshot: MetricsSnapshot, atMs: number): Decision {
    const decision = this.policy.decide(snapshot);
    if (decision.parallelism) this.sink.applyParallelism(decision.parallelism, atMs);
    for (const id of this.pointIds) {
      const d = decision.points[id];
      if (!d) continue;
      this.sink.applyPoint(id, d, atMs);
      this.log.push(decisionRecord(atMs, id, d, decision.note));
    }
    return decision;
  }
}

export function decisionRecord(tMs: number, point: string, d: PointDecision, note: string | undefined): DecisionRecord {
  return {
    tMs,
    point,
    share: d.share,
    batchRecords: d.batchRecords,
    maxWaitMs: d.maxWaitMs,
    maxInFlight: d.maxInFlight,
    prewarm: d.prewarm ?? 0,
    note: note ?? '',
  };
}
