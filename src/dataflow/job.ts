/**
 * A simulated Flink job: builds the subtasks of every task, wires their channels edge by edge, runs the
 * event calendar until every sink has finished (drained) or the drain limit passes, and accounts for every
 * record.
 */
import { EventCalendar, type EventHandler } from '../engine/calendar.js';
import { makeCountSampler, makeSampler, type CountSampler } from '../engine/distributions.js';
import type { RandomStreams, Rng } from '../engine/random.js';
import { WATERMARK_INTERVAL_DEFAULT_MS, type Scenario } from '../scenario/scenario.js';
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

/** Told of every metrics tick, after the row is written. */
export interface TickListener {
  onMetricsTick(now: number): void;
}

export class Job implements JobContext, EventHandler, SeqAllocator {
  readonly calendar = new EventCalendar(4096);
  readonly buffers = new BufferPool();
  readonly ledger = new Ledger();
  readonly latency = new LatencyRecorder();
  graph: JobGraph;
  /** The running subtasks of every task (replaced at a restart). */
  subtasks: Subtask[][] = [];
  /** Subtasks of earlier parallelisms, per task (their meters and results still count). */
  readonly retired: Subtask[][] = [];
  readonly collector: MetricsCollector;
  readonly segmentBytes: number;
  readonly bufferTimeoutMs: number;
  /** Which subtasks share a TaskManager (channels between them are local). */
  placement: SlotPlacement;
  readonly maxBuffersPerChannel: number;
  readonly resolutionMs: number;
  readonly watermarks: boolean;
  readonly watermarkIntervalMs: number;
  private readonly target: number;
  private nextSeq = 0;
  private sinksLeft = 0;
  drained = false;
  /** Stop-with-savepoint under way: sources read nothing more; the job stops when every sink has finished. */
  stopping = false;
  /** From a stop request until the restarted job runs, as Flink's REST API reports the job. */
  status: 'RUNNING' | 'RESTARTING' = 'RUNNING';
  /** How many times the job was restarted at a new parallelism. */
  epoch = 0;
  /** Set when the run stopped because it used up scenario.max_events (checked once per metrics tick). */
  overBudget = false;
  /** Called on every metrics tick after the row is written (the controller; see listenTicks). */
  private tickListener: TickListener | null = null;
  /** Called when a stop-with-savepoint has completed (every record read before the barrier has left the job). */
  onStopped: ((now: number) => void) | null = null;
  /** Called for each task's new subtasks after a restart (the offload layer gives them lanes). */
  readonly onRebuilt: ((taskIndex: number, subs: Subtask[]) => void)[] = [];
  private readonly metered: MeteredVertex[];
  private readonly trace: Trace;

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
    this.watermarkIntervalMs = scenario.watermark?.interval_ms ?? WATERMARK_INTERVAL_DEFAULT_MS;
    this.target = this.calendar.register(this);
    this.trace = trace;

    for (const task of this.graph.tasks) {
      this.subtasks.push(this.createSubtasks(task, trace, null));
      this.retired.push([]);
    }
    for (const edge of this.graph.edges) this.wireEdge(edge.index);

    this.metered = this.graph.tasks.map((task) => {
      const subs = this.subtasks[task.index];
      return {
        id: task.id,
        isSource: task.isSource,
        subtasks: subs,
        sources: subs.filter((s) => s.source).map((s) => s.source!),
        lastEmitted: () => this.subtasks[task.index].map((s) => s.lastEmitted),
      };
    });
    this.collector = new MetricsCollector(this.metered, this.ledger, this.latency, () => this.results(), {
      intervalMs: scenario.metrics_interval_ms,
      timerWindowMs: scenario.controller.timer_window_ms,
      meterWindowMs: scenario.controller.meter_window_ms,
    }, () => this.status);
  }

  /**
   * Give the job its metrics-tick listener (the controller), once, before run(). A wiring step rather than a
   * constructor argument: the controller reads the job's calendar and collector, which the job creates.
   */
  listenTicks(listener: TickListener): void {
    if (this.tickListener) throw new Error('the job already has a tick listener');
    this.tickListener = listener;
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

  /** The subtasks of one task; a restart passes the sources' external queues to keep (`queues`). */
  private createSubtasks(task: TaskDef, trace: Trace, queues: (ArrivalQueue | null)[] | null): Subtask[] {
    const subs: Subtask[] = [];
    const sc = this.scenario;
    for (let i = 0; i < task.parallelism; i++) {
      // Streams of a restarted job are new streams (suffix @epoch), so the first run's draws stay as they were.
      const name = this.epoch === 0 ? `task:${task.id}:${i}` : `task:${task.id}:${i}@${this.epoch}`;
      const services = task.operators.map((op) => makeSampler(op.service, this.streams.stream(`${name}:op:${op.id}:service`)));
      const sels: (CountSampler | null)[] = task.operators.map((op) =>
        op.selectivity ? makeCountSampler(op.selectivity, this.streams.stream(`${name}:op:${op.id}:selectivity`)) : null,
      );
      let source: ArrivalQueue | null = queues ? queues[i] : null;
      if (task.isSource && !queues) {
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
      if (this.watermarks) this.drawPhases(sub, name);
      const w = task.operators.findIndex((o) => o.kind === 'window');
      if (w >= 0) {
        const op = task.operators[w];
        sub.windows = new WindowState(w, op.windowSizeMs, op.outOfOrdernessMs, op.outputBytes, this.keys.probsOnSubtask(i, task.parallelism));
      }
      subs.push(sub);
    }
    return subs;
  }

  /**
   * Timer phases of a subtask in a job with windows, from its own stream: its output flusher's and (a source) its
   * watermark timer's, or the scenario's `watermark.phase_ms`. Flink starts each subtask's flusher thread and
   * watermark timer when the task starts, so they are not aligned with each other nor with the windows' ends.
   * (Jobs without windows keep phase 0: their results do not depend on it, and their outputs stay as they were.)
   */
  private drawPhases(sub: Subtask, name: string): void {
    const rng = this.streams.stream(`${name}:phases`);
    sub.flushPhase = rng();
    const interval = this.watermarkIntervalMs;
    const pinned = this.scenario.watermark?.phase_ms;
    if (sub.source) sub.watermarkPhaseMs = pinned ?? rng() * interval;
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
        if (this.stopping) {
          this.onStopped?.(this.calendar.now);
          return;
        }
        this.drained = true;
        this.calendar.stop();
      }
    }
  }

  /**
   * Stop with a savepoint (the Kubernetes operator's savepoint upgrade mode): the sources stop reading at
   * the barrier, and every record read before it drains through the job (aligned savepoint: the snapshot
   * holds no record in flight). `onStopped` fires when the last sink has finished. Records arriving meanwhile
   * wait in the external queues.
   */
  stopWithSavepoint(now: number): void {
    this.stopping = true;
    this.status = 'RESTARTING';
    for (const subs of this.subtasks) for (const s of subs) if (s.source) s.savepointBarrier(now);
  }

  /**
   * Run again at a new parallelism per task id: new subtasks (keys go to the subtask Flink's key groups give
   * them at the new parallelism), the same calendar, ledger, latency recorder, metrics and external queues.
   */
  restart(parallelism: Record<string, number>, now: number): void {
    const vertices = this.scenario.vertices.map((v) => {
      const task = this.graph.tasks[this.graph.taskOfOperator.get(v.id)!];
      const p = parallelism[task.id];
      return p === undefined ? v : { ...v, parallelism: p };
    });
    const graph = buildJobGraph({ ...this.scenario, vertices });
    const same = graph.tasks.length === this.graph.tasks.length && graph.tasks.every((t, i) => t.id === this.graph.tasks[i].id);
    if (!same) throw new Error(`rescale to ${JSON.stringify(parallelism)} changes how operators chain into tasks`);
    this.epoch++;
    const old = this.subtasks;
    this.graph = graph;
    this.placement = new SlotPlacement(Math.max(...graph.tasks.map((t) => t.parallelism)), this.scenario.network.task_managers);
    this.subtasks = graph.tasks.map((task) => {
      const prev = old[task.index];
      this.retired[task.index].push(...prev);
      const queues = task.isSource ? prev.map((s) => s.source) : null;
      const subs = this.createSubtasks(task, this.trace, queues);
      // The sources resume where they stopped: event time and the last record read carry over.
      if (queues) subs.forEach((s, i) => ((s.lastEmitted = prev[i].lastEmitted), (s.watermark = prev[i].watermark), (s.eventTimeMax = prev[i].eventTimeMax)));
      return subs;
    });
    for (const edge of graph.edges) this.wireEdge(edge.index);
    for (const task of graph.tasks) {
      this.metered[task.index].subtasks = this.subtasks[task.index];
      for (const hook of this.onRebuilt) hook(task.index, this.subtasks[task.index]);
    }
    this.stopping = false;
    this.status = 'RUNNING';
    this.countSinks();
    for (const subs of this.subtasks) for (const s of subs) s.start(now);
  }

  /** Every subtask a task has had (the running ones and those retired by restarts). */
  subtasksEver(taskIndex: number): Subtask[] {
    return [...this.retired[taskIndex], ...this.subtasks[taskIndex]];
  }

  private countSinks(): void {
    this.sinksLeft = 0;
    for (const task of this.graph.tasks) if (task.isSink) this.sinksLeft += task.parallelism;
  }

  onEvent(kind: number, _arg: number, now: number): void {
    if (kind === EV_TICK) {
      if (this.calendar.eventsProcessed > (this.scenario.max_events ?? Infinity)) {
        this.overBudget = true;
        this.calendar.stop();
        return;
      }
      this.collector.tick(now);
      this.tickListener?.onMetricsTick(now);
      this.calendar.schedule(now + this.scenario.metrics_interval_ms, this.target, EV_TICK, 0);
    } else if (kind === EV_DEADLINE) {
      this.calendar.stop();
    }
  }

  /** Run to the end: every sink finished, or the deadline. */
  run(): void {
    this.countSinks();
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
    for (const subs of this.retired) for (const s of subs) if (s.task.isSink) n += s.resultsEmitted;
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
