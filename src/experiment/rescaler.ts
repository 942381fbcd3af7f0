/**
 * Rescaling a simulated job as Flink does it, in one of two modes:
 * - `savepoint`, the Flink Kubernetes Operator's upgradeMode savepoint: on a request the job stops with a savepoint
 *   (sources stop at the barrier, what was read drains through), stays down for a restart time drawn from the
 *   cluster model (plus state restore, plus a new node's ready time when it needs more TaskManagers), then runs
 *   again at the new parallelism as a new job.
 * - `in-place`, the adaptive scheduler's rescale (Flink 2.x, FLIP-291 resource requirements): the job keeps running
 *   while new TaskManagers start, then rescales at the next completed checkpoint (FLIP-461) and restarts from it.
 *   Flink replays what the sources read after that checkpoint's barrier and rolls the state (and an exactly-once
 *   sink) back to it; modelled as the sources stopping at the barrier and the records before it draining, which
 *   gives the same output and latencies without the wasted work: every record leaves the job once.
 * The external queues keep filling while the job is down. The cluster bill follows the TaskManagers.
 */
import type { EventCalendar, EventHandler } from '../engine/calendar.js';
import { makeSampler, type Sampler } from '../engine/distributions.js';
import type { RandomStreams } from '../engine/random.js';
import type { Job } from '../dataflow/job.js';
import { ClusterBill, taskManagersFor } from '../cluster/billing.js';
import type { ClusterModel } from '../cluster/model.js';
import { UserError } from '../util/errors.js';

export type RescaleMode = 'savepoint' | 'in-place';

export interface RescaleEvent {
  mode: RescaleMode;
  /** Rescale requested, s. */
  request_s: number;
  /** Sources stopped reading: the savepoint barrier (= request), or the barrier of the checkpoint restored from, s. */
  barrier_s: number;
  /** Savepoint or checkpoint complete: the last record read before the barrier left the job, s. */
  stopped_s: number;
  /** Running again at the new parallelism, s. */
  resumed_s: number;
  from: Record<string, number>;
  to: Record<string, number>;
  taskmanagers: number;
}

export interface RescalerOptions {
  mode: RescaleMode;
  /** Checkpoint interval, s: an in-place rescale waits for the next checkpoint. */
  checkpointIntervalS: number;
}

const EV_BARRIER = 1;
const EV_RESUME = 2;

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
    private readonly opts: RescalerOptions = { mode: 'savepoint', checkpointIntervalS: 10 },
  ) {
    this.target = calendar.register(this);
    const restart = opts.mode === 'in-place' ? model.in_place_restart_s : model.restart_s;
    if (!restart) throw new UserError(`cluster model "${model.id}": in_place_restart_s: required for cluster.rescale "in-place"`);
    this.restart = makeSampler(restart, streams.stream('cluster:restart'));
    this.ready = makeSampler(model.taskmanager_ready_s, streams.stream('cluster:taskmanager-ready'));
    this.bill = new ClusterBill(model, taskManagersFor(this.slots(job.graph.tasks.map((t) => t.parallelism)), model));
    job.onStopped = (now) => this.stopped(now);
  }

  private slots(parallelisms: number[]): number {
    return Math.max(...parallelisms);
  }

  private taskManagersAfter(to: Record<string, number>): number {
    return taskManagersFor(this.slots(this.job.graph.tasks.map((t) => to[t.id] ?? t.parallelism)), this.model);
  }

  /** A policy's request: ignored while a rescale is under way, after the replay, or when nothing changes. */
  request(parallelism: Record<string, number>, now: number): void {
    if (this.pending || this.job.stopping || now >= this.endMs) return;
    const change = this.change(parallelism);
    if (!change) return;
    const t = now / 1000;
    const event: RescaleEvent = { mode: this.opts.mode, request_s: t, barrier_s: NaN, stopped_s: NaN, resumed_s: NaN, ...change, taskmanagers: 0 };
    this.pending = { to: change.to, event };
    if (this.opts.mode === 'savepoint') return this.barrier(now);
    // in place: new TaskManagers are requested now (and billed); the job runs on until they are ready
    const after = this.taskManagersAfter(change.to);
    let readyMs = now;
    if (after > this.bill.taskManagers) {
      this.bill.resize(now, after);
      readyMs = now + this.ready.sample() * 1000;
    }
    const interval = this.opts.checkpointIntervalS * 1000;
    this.calendar.schedule(Math.ceil(readyMs / interval) * interval, this.target, EV_BARRIER, 0);
  }

  private change(parallelism: Record<string, number>): { from: Record<string, number>; to: Record<string, number> } | null {
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
    return Object.keys(to).length === 0 ? null : { from, to };
  }

  /** The barrier: sources stop reading; what was read drains (savepoint, or the checkpoint restored from). */
  private barrier(now: number): void {
    if (now >= this.endMs) {
      this.pending = null; // the replay ended while the in-place rescale waited for its checkpoint
      return;
    }
    this.pending!.event.barrier_s = now / 1000;
    this.job.stopWithSavepoint(now);
  }

  /** The snapshot is complete: draw the downtime; TaskManagers no longer needed go, new ones are requested. */
  private stopped(now: number): void {
    const p = this.pending!;
    const before = this.bill.taskManagers;
    const after = this.taskManagersAfter(p.to);
    let downS = this.restart.sample() + (this.stateMb / 1024) * this.model.restore_s_per_gb;
    // in place, new TaskManagers were ready before the barrier
    if (after > before && this.opts.mode === 'savepoint') downS = Math.max(downS, this.ready.sample());
    if (after !== before) this.bill.resize(now, after);
    p.event.stopped_s = now / 1000;
    p.event.taskmanagers = after;
    this.calendar.schedule(now + downS * 1000, this.target, EV_RESUME, 0);
  }

  onEvent(kind: number, _arg: number, now: number): void {
    if (kind === EV_BARRIER) return this.barrier(now);
    const p = this.pending!;
    this.pending = null;
    this.job.restart(p.to, now);
    p.event.resumed_s = now / 1000;
    this.events.push(p.event);
  }

  /** Seconds the sources did not read because of rescales (barrier to running again). */
  downtimeS(): number {
    return this.events.reduce((s, e) => s + (e.resumed_s - e.barrier_s), 0);
  }
}
