/**
 * A simulated Flink job: builds the subtasks of every task, wires their channels edge by edge, runs the
 * event calendar until every sink has finished (drained) or the drain limit passes, and accounts for every
 * record.
 */
import { EventCalendar, type EventHandler } from '../engine/calendar.js';
import { makeCountSampler, makeSampler, type CountSampler } from '../engine/distributions.js';
import type { RandomStreams, Rng } from '../engine/random.js';
import type { Scenario } from '../scenario/scenario.js';
import { MetricsCollector, type MeteredVertex } from '../metrics/collector.js';
import { LatencyRecorder } from '../metrics/latency.js';
import { Ledger } from '../metrics/ledger.js';
import type { Trace } from '../workload/types.js';
import { ArrivalQueue, EventArrivals, RateArrivals, type SeqAllocator } from './arrivals.js';
import { buildJobGraph, type JobGraph, type TaskDef } from './graph.js';
import type { KeyModel } from './keys.js';
import { BufferPool, originsInBuffers } from './runs.js';
import { Subtask, type JobContext } from './subtask.js';
import { WindowState } from './window.js';

const EV_TICK = 0;
const EV_DEADLINE = 1;

export interface JobOptions {
  /** Replay length, ms. */
  endMs: number;
  /** Hard stop, ms (end of replay plus the drain allowance). */
  deadlineMs: number;
}

export class Job implements JobContext, EventHandler, SeqAllocator {
  readonly calendar = new EventCalendar(4096);
  readonly buffers = new BufferPool();
  readonly ledger = new Ledger();
  readonly latency = new LatencyRecorder();
  readonly graph: JobGraph;
  readonly subtasks: Subtask[][] = [];
  readonly collector: MetricsCollector;
  readonly segmentBytes: number;
  readonly bufferTimeoutMs: number;
  /** Which subtasks share a TaskManager (channels between them are local). */
  readonly placement: SlotPlacement;
  readonly maxBuffersPerChannel: number;
  readonly resolutionMs: number;
  readonly watermarks: boolean;
  private readonly target: number;
  private nextSeq = 0;
  private sinksLeft = 0;
  drained = false;
  /** Called on every metrics tick after the row is written (the controller hooks in here). */
  onTick: ((now: number) => void) | null = null;

  constructor(
    readonly scenario: Scenario,
    trace: Trace,
    private readonly streams: RandomStreams,
    readonly keys: KeyModel,
    private readonly opts: JobOptions,
  ) {
    const net = scenario.network;
    this.segmentBytes = net.segment_size_bytes;
    this.bufferTimeoutMs = net.buffer_timeout_ms;
    this.maxBuffersPerChannel = net.max_buffers_per_channel;
    this.resolutionMs = scenario.time_resolution_ms;
    this.graph = buildJobGraph(scenario);
    this.placement = new SlotPlacement(Math.max(...this.graph.tasks.map((t) => t.parallelism)), net.task_managers);
    this.watermarks = this.graph.tasks.some((t) => t.operators.some((o) => o.kind === 'window'));
    this.target = this.calendar.register(this);

    for (const task of this.graph.tasks) this.subtasks.push(this.createSubtasks(task, trace));
    for (const edge of this.graph.edges) this.wireEdge(edge.index);

    const vertices: MeteredVertex[] = this.graph.tasks.map((task) => {
      const subs = this.subtasks[task.index];
      return {
        id: task.id,
        isSource: task.isSource,
        subtasks: subs,
        sources: subs.filter((s) => s.source).map((s) => s.source!),
        lastEmitted: () => subs.map((s) => s.lastEmitted),
      };
    });
    this.collector = new MetricsCollector(vertices, this.ledger, this.latency, () => this.results(), {
      intervalMs: scenario.metrics_interval_ms,
      timerWindowMs: scenario.controller.timer_window_ms,
      meterWindowMs: scenario.controller.meter_window_ms,
    });
  }

  allocate(n: number): number {
    const s = this.nextSeq;
    this.nextSeq += n;
    return s;
  }

  /** Source records created so far (the ledger's size). */
  get seqCount(): number {
    return this.nextSeq;
  }

  private createSubtasks(task: TaskDef, trace: Trace): Subtask[] {
    const subs: Subtask[] = [];
    const sc = this.scenario;
    for (let i = 0; i < task.parallelism; i++) {
      const name = `task:${task.id}:${i}`;
      const services = task.operators.map((op) => makeSampler(op.service, this.streams.stream(`${name}:op:${op.id}:service`)));
      const sels: (CountSampler | null)[] = task.operators.map((op) =>
        op.selectivity ? makeCountSampler(op.selectivity, this.streams.stream(`${name}:op:${op.id}:selectivity`)) : null,
      );
      let source: ArrivalQueue | null = null;
      if (task.isSource) {
        const keyRng = this.streams.stream(`${name}:keys`);
        const opts = {
          resolutionMs: sc.time_resolution_ms,
          endMs: this.opts.endMs,
          recordBytes: sc.workload.record_bytes ?? 100,
          maxRunRecords: Math.max(1, Math.floor(this.segmentBytes / (sc.workload.record_bytes ?? 100))),
          drawKey: sc.time_resolution_ms === 0 ? () => this.keys.draw(keyRng) : () => -1,
        };
        source =
          trace.kind === 'rate'
            ? new RateArrivals(trace, opts, this, this.streams.stream(`${name}:arrivals`), sc.workload.arrivals ?? 'poisson', 1 / task.parallelism, sc.workload.rate_scale ?? 1)
            : new EventArrivals(trace, opts, this, i, task.parallelism);
      }
      const rng: Rng = this.streams.stream(`${name}:routing`);
      const sub = new Subtask(task, i, this, services, sels, source, rng, sc.metrics_interval_ms);
      sub.target = this.calendar.register(sub);
      sub.routing = this.keys;
      const w = task.operators.findIndex((o) => o.kind === 'window');
      if (w >= 0) {
        const op = task.operators[w];
        sub.windows = new WindowState(w, op.windowSizeMs, op.outOfOrdernessMs, op.outputBytes, this.keys.probsOnSubtask(i, task.parallelism));
      }
      subs.push(sub);
    }
    return subs;
  }

  /** Connect every sender subtask of an edge to its receivers: subpartitions out, channels in. */
  private wireEdge(e: number): void {
    const edge = this.graph.edges[e];
    const net = this.scenario.network;
    const senders = this.subtasks[edge.from];
    const receivers = this.subtasks[edge.to];
    const forward = edge.partitioning === 'forward';
    const gates = receivers.map((r) => r.addGate(net.floating_buffers_per_gate));
    for (const s of senders) {
      const subparts = forward ? 1 : receivers.length;
      const pool = net.output_pool_buffers ?? subparts * net.buffers_per_channel + net.floating_buffers_per_gate;
      const weights = edge.partitioning === 'hash' ? this.keys.weights(receivers.length) : null;
      const out = s.addOutputEdge(edge.partitioning, pool, weights);
      const targets = forward ? [receivers[s.index]] : receivers;
      for (const r of targets) {
        const spIndex = s.subparts.length;
        const local = this.placement.sameTaskManager(s.index, r.index);
        // A local consumer reads one buffer at a time, in place (no exclusive or floating buffers of its own).
        const exclusive = local ? 1 : net.buffers_per_channel;
        const latency = local ? 0 : net.latency_ms;
        const ch = r.addChannel(gates[r.index], exclusive, s.target, spIndex, local, latency);
        s.addSubpartition(out, r.target, ch, exclusive, local, latency);
      }
    }
  }

  subtaskFinished(s: Subtask): void {
    if (s.task.isSink) {
      this.sinksLeft--;
      if (this.sinksLeft === 0) {
        this.drained = true;
        this.calendar.stop();
      }
    }
  }

  onEvent(kind: number, _arg: number, now: number): void {
    if (kind === EV_TICK) {
      this.collector.tick(now);
      this.onTick?.(now);
      this.calendar.schedule(now + this.scenario.metrics_interval_ms, this.target, EV_TICK, 0);
    } else if (kind === EV_DEADLINE) {
      this.calendar.stop();
    }
  }

  /** Run to the end: every sink finished, or the deadline. */
  run(): void {
    for (const task of this.graph.tasks) if (task.isSink) this.sinksLeft += task.parallelism;
    this.calendar.schedule(this.scenario.metrics_interval_ms, this.target, EV_TICK, 0);
    this.calendar.schedule(this.opts.deadlineMs, this.target, EV_DEADLINE, 0);
    for (const subs of this.subtasks) for (const s of subs) s.start();
    this.calendar.run();
    // Close the last, partial interval so the series covers the whole run.
    const interval = this.scenario.metrics_interval_ms;
    const now = this.calendar.now;
    const lastTick = Math.floor(now / interval) * interval;
    if (now > lastTick) this.collector.tick(lastTick + interval);
  }

  results(): number {
    let n = 0;
    for (const subs of this.subtasks) for (const s of subs) if (s.task.isSink) n += s.resultsEmitted;
    return n;
  }

  /** Every window operator's fired results: how many windows, results and records, and their digest. */
  windowTotals(): { fired: number; results: number; records: number; digest: number } {
    const t = { fired: 0, results: 0, records: 0, digest: 0 };
    for (const subs of this.subtasks) {
      for (const s of subs) {
        if (!s.windows) continue;
        t.fired += s.windows.fired;
        t.results += s.windows.results;
        t.records += s.windows.counted;
        t.digest = (t.digest + s.windows.digest) >>> 0;
      }
    }
    return t;
  }

  /** Source records still inside the job, found by scanning every place a record can be. */
  originsInFlight(): number {
    let o = originsInBuffers(this.buffers);
    for (const subs of this.subtasks) {
      for (const s of subs) {
        o += s.originsHeld();
        if (s.source) o += s.source.pending;
      }
    }
    return o;
  }
}

/**
 * Flink's default placement, simplified: one slot-sharing group, so subtask i of every task runs in slot i, and the
 * slots fill one TaskManager after another. No TaskManager count: every channel is taken as remote.
 */
export class SlotPlacement {
  private readonly slotsPerTaskManager: number;
  constructor(slots: number, taskManagers: number | undefined) {
    this.slotsPerTaskManager = taskManagers === undefined ? 0 : Math.ceil(slots / taskManagers);
  }

  sameTaskManager(subtaskA: number, subtaskB: number): boolean {
    if (this.slotsPerTaskManager === 0) return false;
    return Math.floor(subtaskA / this.slotsPerTaskManager) === Math.floor(subtaskB / this.slotsPerTaskManager);
  }
}
