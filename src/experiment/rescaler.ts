/**
 * Rescaling a simulated job as the Flink Kubernetes Operator does with upgradeMode savepoint: on a request
 * the job stops with a savepoint (sources stop at the barrier, what was read drains through), stays down for
 * a restart time drawn from the cluster model (plus state restore, plus a new node's ready time when it needs
 * more TaskManagers than it had), then runs again at the new parallelism. The external queues keep filling
 * while it is down. The cluster bill follows the TaskManagers.
 */
import type { EventCalendar, EventHandler } from '../engine/calendar.js';
import { makeSampler, type Sampler } from '../engine/distributions.js';
import type { RandomStreams } from '../engine/random.js';
import type { Job } from '../dataflow/job.js';
import { ClusterBill, taskManagersFor } from '../cluster/billing.js';
import type { ClusterModel } from '../cluster/model.js';
import { UserError } from '../util/errors.js';

export interface RescaleEvent {
  /** Stop requested (savepoint barrier), s. */
  request_s: number;
  /** Savepoint complete: the last record read before the barrier left the job, s. */
  stopped_s: number;
  /** Running again at the new parallelism, s. */
  resumed_s: number;
  from: Record<string, number>;
  to: Record<string, number>;
  taskmanagers: number;
}

export class Rescaler implements EventHandler {
  readonly events: RescaleEvent[] = [];
  readonly bill: ClusterBill;
  private readonly target: number;
  private readonly restart: Sampler;
  private readonly ready: Sampler;
  private pending: { to: Record<string, number>; event: RescaleEvent } | null = null;

  constructor(
    private readonly job: Job,
    private readonly calendar: EventCalendar,
    private readonly model: ClusterModel,
    streams: RandomStreams,
    private readonly stateMb: number,
    private readonly endMs: number,
  ) {
    this.target = calendar.register(this);
    this.restart = makeSampler(model.restart_s, streams.stream('cluster:restart'));
    this.ready = makeSampler(model.taskmanager_ready_s, streams.stream('cluster:taskmanager-ready'));
    this.bill = new ClusterBill(model, taskManagersFor(this.slots(job.graph.tasks.map((t) => t.parallelism)), model));
    job.onStopped = (now) => this.stopped(now);
  }

  private slots(parallelisms: number[]): number {
    return Math.max(...parallelisms);
  }

  /** A policy's request: ignored while a rescale is under way, after the replay, or when nothing changes. */
  request(parallelism: Record<string, number>, now: number): void {
    if (this.pending || this.job.stopping || now >= this.endMs) return;
    const from: Record<string, number> = {};
    const to: Record<string, number> = {};
    for (const task of this.job.graph.tasks) {
      const p = parallelism[task.id];
      if (p === undefined || p === task.parallelism) continue;
      if (task.isSource) throw new UserError(`rescale: source vertex "${task.id}" keeps its parallelism (one subtask per external queue)`);
      if (task.operators.some((o) => o.kind === 'window')) throw new UserError(`rescale: vertex "${task.id}" holds window state; rescaling it is not modelled`);
      from[task.id] = task.parallelism;
      to[task.id] = p;
    }
    if (Object.keys(to).length === 0) return;
    const t = now / 1000;
    this.pending = { to, event: { request_s: t, stopped_s: NaN, resumed_s: NaN, from, to, taskmanagers: 0 } };
    this.job.stopWithSavepoint(now);
  }

  /** The savepoint is complete: draw the downtime; TaskManagers no longer needed go, new ones are requested. */
  private stopped(now: number): void {
    const p = this.pending!;
    const widths = this.job.graph.tasks.map((t) => p.to[t.id] ?? t.parallelism);
    const before = this.bill.taskManagers;
    const after = taskManagersFor(this.slots(widths), this.model);
    let downS = this.restart.sample() + (this.stateMb / 1024) * this.model.restore_s_per_gb;
    if (after > before) downS = Math.max(downS, this.ready.sample());
    this.bill.resize(now, after);
    p.event.stopped_s = now / 1000;
    p.event.taskmanagers = after;
    this.calendar.schedule(now + downS * 1000, this.target, 0, 0);
  }

  onEvent(_kind: number, _arg: number, now: number): void {
    const p = this.pending!;
    this.pending = null;
    this.job.restart(p.to, now);
    p.event.resumed_s = now / 1000;
    this.events.push(p.event);
  }

  /** Seconds the job was not reading its sources because of rescales (request to resume). */
  downtimeS(): number {
    return this.events.reduce((s, e) => s + (e.resumed_s - e.request_s), 0);
  }
}
