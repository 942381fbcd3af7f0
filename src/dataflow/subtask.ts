/**
 * One subtask: a single server (Flink's mailbox thread) running its task's operator chain on one run at a
 * time, reading from its input channels (or, for a source, from its external queue) and writing into its
 * output subpartitions. It accrues busy time while serving, backpressured time while it waits for an output
 * buffer, and idle time otherwise.
 *
 * Life of a run: take it (mailbox work first, then input), walk the chain to know its service time and
 * output, serve it (FINISH event), then emit its output into output buffers. If a buffer cannot be had
 * (the pool is empty or the subpartition holds its maximum), the subtask blocks until a send frees one.
 */
import type { EventCalendar, EventHandler } from '../engine/calendar.js';
import { NormalSource, sampleBinomial, type CountSampler, type Sampler } from '../engine/distributions.js';
import type { Rng } from '../engine/random.js';
import type { Ledger } from '../metrics/ledger.js';
import type { LatencyRecorder } from '../metrics/latency.js';
import { SubtaskMeter } from '../metrics/meter.js';
import type { ArrivalQueue } from './arrivals.js';
import type { TaskDef } from './graph.js';
import { EV_BUFFER, EV_CREDIT, EV_FINISH, EV_FLUSH, EV_WAKE, EV_WATERMARK } from './events.js';
import { SubtaskInput } from './input-gate.js';
import type { Subpartition } from './network.js';
import { RecordWriter, type OutEdge, type WriterOwner } from './record-writer.js';
import { apportion, BufferPool, NetBuffer, Run, RunList, splitDropped } from './runs.js';
import { WindowState } from './window.js';

export { EV_BUFFER, EV_CREDIT, EV_FINISH, EV_FLUSH, EV_WAKE, EV_WATERMARK } from './events.js';

/** Operator kinds as small integers, read once per operator per run by the chain walk. */
const OP_OTHER = 0;
const OP_WINDOW = 1;
const OP_SINK = 2;
const OP_FLATMAP = 3;

/** Batch output kinds (RunList tags). */
const OUT_EMIT = 1;
const OUT_SINK = 2;
const OUT_FILTERED = 3;
const OUT_ABSORBED = 4;

/** What a subtask needs from the job around it. */
export interface JobContext {
  readonly calendar: EventCalendar;
  readonly buffers: BufferPool;
  readonly ledger: Ledger;
  readonly latency: LatencyRecorder;
  readonly segmentBytes: number;
  readonly bufferTimeoutMs: number;
  readonly maxBuffersPerChannel: number;
  readonly resolutionMs: number;
  /** Whether event-time watermarks must travel (the job has a window operator). */
  readonly watermarks: boolean;
  /** Period of a source's watermark emission, ms (0: on every record read). */
  readonly watermarkIntervalMs: number;
  /** A stop-with-savepoint is under way: sources read no further records. */
  readonly stopping: boolean;
  subtaskFinished(s: Subtask): void;
}

/** The offload layer's grip on one operator of the chain (see src/offload). */
export interface OffloadHook {
  readonly opIndex: number;
  /** Take up to all of the run's records bound for operator opIndex; returns how many it took (the first ones). */
  route(run: Run, now: number): number;
  /**
   * After operator opIndex ran locally on the rest of a run (its output given): true when the hook keeps the
   * output (ordered merge behind pending batches, or a fallback filling its place), which stops the walk.
   */
  afterLocal(run: Run, tag: number, now: number): boolean;
  /** Batches out or records waiting: the subtask must not finish before they come back. */
  outstanding(): number;
  /** Earliest event time among records out (windows wait for them before firing). */
  minOutstandingEventTime(): number;
}

/** Work-item tags: chain position in the low byte, a no-route flag, and a reorder slot (+1) above. */
export const TAG_OP_MASK = 0xff;
export const TAG_NO_ROUTE = 0x100;
export const TAG_SLOT_SHIFT = 9;

/** How hash edges spread records: exact per key, or by per-subtask weights for runs of mixed keys. */
export interface HashRouting {
  subtaskForKey(key: number, parallelism: number): number;
  weights(parallelism: number): Float64Array;
}

export class Subtask implements EventHandler, WriterOwner {
  target = -1;
  readonly meter: SubtaskMeter;
  /** Input gates, channels, credits and floating buffers; the buffer being consumed. */
  readonly input: SubtaskInput;
  /** Output pools, subpartitions, flushing and sending. */
  readonly output: RecordWriter;

  /** Mailbox work (window results, offload results): runs tagged with the chain position to resume at. */
  readonly work = new RunList(8);
  /**
   * The outcome of the run (or, in batch service, the runs) in service, in input order, tagged OUT_EMIT, OUT_SINK,
   * OUT_FILTERED or OUT_ABSORBED; released at the service's end (drainBatch), the emission resuming from its cursor.
   */
  private readonly batch = new RunList(16);
  /** Set once through attachHook() before the run; read directly on the hot path (a plain field, one shape). */
  private hook: OffloadHook | null = null;
  windows: WindowState | null = null;

  // The run in service and its pending output.
  private inService = false;
  /** Inside serve(): hooks may queue work but must not start it. */
  private walking = false;
  /** Inside tryStart(). */
  private starting = false;
  /** The run being walked (loaded from the mailbox, the input buffer or the source queue; changed by the walk). */
  private readonly cur = new Run();
  /** The origins a partly passing filter dropped (splitDropped), on their way to the batch. */
  private readonly dropped = new Run();
  private pendingKind = 0; // 0 none, 1 emit downstream, 2 sink results
  /** The output run being released (emitted, or leaving the sink). */
  private readonly pending = new Run();
  private serviceEnd = 0;
  /** Input records the walks of the service in progress counted (added to the meter once per service). */
  private walkedIn = 0;
  /** Per chain operator: its kind (OP_*) and whether it drops records ending their origins. */
  private readonly opKind: Int8Array;
  private readonly opDropsEnd: Uint8Array;
  /** The chain is one sink operator: batches are served in place (serveSinkBatch). */
  private readonly sinkChain: boolean;
  /**
   * A sink batch in service: runs [sinkFrom, sinkTo) of the current input buffer, drained from there at the FINISH
   * (the buffer is not released before: the subtask takes nothing while in service).
   */
  private sinkRuns: RunList | null = null;
  private sinkFrom = 0;
  private sinkTo = 0;

  // Emission cursor while blocked.
  private blocked = false;
  private blockStart = 0;
  /** End of the last busy or backpressured span: the subtask has been idle since, unless active now. */
  private activeUntil = 0;
  private emitEdge = 0;
  private emitSub = 0;
  private emitWritten = 0;

  private wakeAt = Infinity;
  private inputsEnded = false;
  finished = false;
  /**
   * Event-time watermark of this subtask: the min over its inputs; for a source, the latest intended time read as
   * of its last watermark tick (or of the last read, without periodic watermarks).
   */
  watermark = -Infinity;
  /** Source only: the latest intended arrival time read (what the next watermark tick emits). */
  eventTimeMax = -Infinity;
  /**
   * Phases of the flush timer (a fraction of its period) and of a source's watermark timer (ms), where Flink's
   * output flusher thread and periodic watermark timer happen to start: the first tick comes at start + phase (a
   * full period at phase 0, the default). Set by the job before start.
   */
  flushPhase = 0;
  watermarkPhaseMs = 0;
  /** Source only: intended arrival time of the last record read (for currentEmitEventTimeLag). */
  lastEmitted = NaN;
  resultsEmitted = 0;

  constructor(
    readonly task: TaskDef,
    readonly index: number,
    private readonly ctx: JobContext,
    private readonly services: Sampler[],
    private readonly selectivities: (CountSampler | null)[],
    readonly source: ArrivalQueue | null,
    private readonly rng: Rng,
    metricsIntervalMs: number,
  ) {
    this.meter = new SubtaskMeter(metricsIntervalMs);
    this.input = new SubtaskInput(ctx.calendar, ctx.buffers);
    this.output = new RecordWriter(this, ctx.calendar, ctx.buffers, ctx.maxBuffersPerChannel);
    this.normal = new NormalSource(rng);
    const ops = task.operators;
    this.opKind = Int8Array.from(ops, (op) => (op.kind === 'window' ? OP_WINDOW : op.kind === 'sink' ? OP_SINK : op.kind === 'flatMap' ? OP_FLATMAP : OP_OTHER));
    this.opDropsEnd = Uint8Array.from(ops, (op) => (op.dropsEndOrigins ? 1 : 0));
    this.sinkChain = ops.length === 1 && this.opKind[0] === OP_SINK;
  }

  // ----------------------------------------------------------------------------------------------------
  // Wiring (done by the job before the run starts)

  /**
   * Give this subtask its offload hook, once. A wiring step rather than a constructor argument: the hook (a lane)
   * is built for this subtask (it needs its mailbox), and the job builds subtasks before the offload layer exists.
   */
  attachHook(hook: OffloadHook): void {
    if (this.hook) throw new Error(`vertex ${this.task.id} has two offload points; one per task is supported`);
    this.hook = hook;
  }

  addOutputEdge(partitioning: OutEdge['partitioning'], poolSize: number, weights: Float64Array | null): number {
    return this.output.addEdge(partitioning, poolSize, weights);
  }

  addSubpartition(edge: number, destTarget: number, destChannel: number, initialCredit: number, local: boolean, latencyMs: number): number {
    return this.output.addSubpartition(edge, destTarget, destChannel, initialCredit, local, latencyMs);
  }

  get subparts(): Subpartition[] {
    return this.output.subparts;
  }

  addGate(floating: number): number {
    return this.input.addGate(floating);
  }

  addChannel(gate: number, exclusive: number, senderTarget: number, senderSubpartition: number, local: boolean, latencyMs: number): number {
    return this.input.addChannel(gate, exclusive, senderTarget, senderSubpartition, local, latencyMs);
  }

  /** Output pool usage, 0..1, over all output edges. */
  outPoolUsage(): number {
    return this.output.usage();
  }

  /** Input buffer usage, 0..1: buffers holding data over all exclusive and floating buffers. */
  inPoolUsage(): number {
    return this.input.usage();
  }

  /**
   * Source origins this subtask holds outside network buffers: the run in service or partly emitted, and its
   * mailbox. (Buffers are counted once, globally, by originsInBuffers.)
   */
  originsHeld(): number {
    let o = 0;
    const w = this.work;
    for (let i = w.head; i < w.n; i++) o += w.origin[i];
    if (this.pendingKind !== 0) {
      let written = 0;
      if (this.blocked && this.emitEdge === 0 && this.emitSub >= 0) {
        const e = this.output.edges[0];
        for (let j = 0; j < this.emitSub; j++) written += e.split[j];
        written += this.emitWritten;
      } else if (this.blocked && this.emitEdge > 0) {
        written = this.pending.count;
      }
      o += this.pending.origin - apportion(this.pending.origin, 0, written, this.pending.count);
    }
    const bt = this.batch;
    for (let i = bt.head; i < bt.n; i++) o += bt.origin[i];
    const sr = this.sinkRuns;
    if (sr !== null) for (let i = this.sinkFrom; i < this.sinkTo; i++) o += sr.origin[i];
    return o;
  }

  /** Start (at 0, or at a restart): sources look for their first records, subtasks with outputs start their flush timer. */
  start(now = 0): void {
    this.activeUntil = now;
    if (this.output.edges.length > 0) {
      const period = this.flushPeriod();
      if (period > 0) this.ctx.calendar.schedule(now + (this.flushPhase > 0 ? this.flushPhase * period : period), this.target, EV_FLUSH, 0);
    }
    if (this.periodicWatermarks()) {
      const first = this.watermarkPhaseMs > 0 ? this.watermarkPhaseMs : this.ctx.watermarkIntervalMs;
      this.ctx.calendar.schedule(now + first, this.target, EV_WATERMARK, 0);
    }
    if (this.source) this.tryStart(now);
  }

  /** Source only: the savepoint barrier; the source stops reading (the job's `stopping` is set) and finishes. */
  savepointBarrier(now: number): void {
    this.tryStart(now);
    this.maybeFinish(now);
  }

  /** A source in a job with windows emits its watermark on a timer (Flink's periodic watermark generation). */
  private periodicWatermarks(): boolean {
    return this.source !== null && this.ctx.watermarks && this.ctx.watermarkIntervalMs > 0;
  }

  private flushPeriod(): number {
    if (this.ctx.bufferTimeoutMs > 0) return this.ctx.bufferTimeoutMs;
    // No timed flushing: a 200 ms tick (Flink's auto-watermark interval) still carries watermarks.
    return this.ctx.watermarks ? 200 : 0;
  }

  // ----------------------------------------------------------------------------------------------------
  // Events

  onEvent(kind: number, arg: number, now: number): void {
    switch (kind) {
      case EV_FINISH:
        this.onFinish(now);
        break;
      case EV_BUFFER:
        this.onBuffer(this.ctx.buffers.all[arg], now);
        break;
      case EV_CREDIT:
        this.output.credit(arg, now);
        break;
      case EV_FLUSH:
        this.onFlushTimer(now);
        break;
      case EV_WATERMARK:
        this.onWatermarkTick(now);
        break;
      case EV_WAKE:
        if (now >= this.wakeAt) {
          this.wakeAt = Infinity;
          this.tryStart(now);
        }
        break;
    }
  }

  /** Mailbox work arrived (a window fired, an offload batch came back). */
  enqueueWork(count: number, bytes: number, aFirst: number, aLast: number, seq: number, origin: number, key: number, startOp: number, now: number): void {
    this.work.push(count, bytes, aFirst, aLast, seq, origin, key, startOp);
    this.tryStart(now);
  }

  /** enqueueWork for a run (copied). */
  enqueueRun(run: Run, startOp: number, now: number): void {
    this.work.pushRun(run, startOp);
    this.tryStart(now);
  }

  private onBuffer(buf: NetBuffer, now: number): void {
    this.input.receive(buf, now);
    this.tryStart(now);
  }

  // ----------------------------------------------------------------------------------------------------
  // Serving

  /**
   * Start serving if the subtask is free. Not re-entrant: work queued while a start or a walk is under way
   * (a window firing as a buffer is consumed, an ordered release) is picked up by the loop already running,
   * never by a nested start that would serve two runs at once.
   */
  private tryStart(now: number): void {
    if (this.starting || this.walking) return;
    this.starting = true;
    try {
      while (!this.inService && !this.blocked && !this.finished) {
        if (!this.takeNext(now) && this.work.length === 0) break;
      }
    } finally {
      this.starting = false;
    }
  }

  /** Take the next run and start serving it; false when there is nothing to take now. */
  private takeNext(now: number): boolean {
    // Mailbox first, as Flink's mailbox runs mails before the next input record.
    const w = this.work;
    if (w.length > 0) {
      const i = w.head++;
      const run = this.cur.load(w, i);
      const tag = w.tag[i];
      w.compact();
      this.serve(run, tag, now, false);
      return true;
    }
    if (this.source) return this.takeFromSource(now);
    // Consume the current buffer's next run, or move to the next buffer with data.
    for (;;) {
      const buf = this.input.current;
      if (buf) {
        const r = buf.runs;
        if (r.head < r.n) {
          if (this.ctx.resolutionMs > 0 && this.windows === null) {
            if (this.sinkChain && this.hook === null) this.serveSinkBatch(r, now);
            else this.serveBatch(r, now);
            return true;
          }
          const i = r.head++;
          this.serve(this.cur.load(r, i), 0, now, true);
          return true;
        }
        this.finishBuffer(now);
        continue;
      }
      const next = this.input.next();
      if (!next) {
        this.maybeFinish(now);
        return false;
      }
      if (next.endOfPartition) this.finishBuffer(now);
    }
  }

  /** The current input buffer is consumed: recycle it (its channel's watermark moves), then this subtask's. */
  private finishBuffer(now: number): void {
    this.input.release(now);
    this.advanceWatermark(now);
  }

  private advanceWatermark(now: number): void {
    const wm = this.input.minWatermark();
    if (wm > this.watermark) {
      this.watermark = wm;
      if (this.windows) this.fireWindows(now);
    }
  }

  /**
   * Fire windows up to the watermark, but never past records not yet in the window state: out in batches
   * (their partials), or back in the mailbox after a failed batch (fallback).
   */
  private fireWindows(now: number): void {
    let held = this.hook ? this.hook.minOutstandingEventTime() : Infinity;
    const w = this.work;
    for (let i = w.head; i < w.n; i++) if ((w.tag[i] & TAG_NO_ROUTE) !== 0 && w.aFirst[i] < held) held = w.aFirst[i];
    this.windows!.advance(Math.min(this.watermark, held), this, now);
  }

  private takeFromSource(now: number): boolean {
    if (this.ctx.stopping) {
      // Stop-with-savepoint: nothing after the barrier is read; what waits stays in the external queue.
      this.inputsEnded = true;
      this.maybeFinish(now);
      return false;
    }
    const src = this.source!;
    src.advanceTo(now);
    const q = src.queue;
    if (q.length === 0) {
      if (src.exhausted) {
        this.inputsEnded = true;
        this.maybeFinish(now);
        return false;
      }
      const t = src.nextReadableTime();
      if (t === Infinity) {
        // Nothing more will arrive: the queue is now exhausted (the call below finishes the source).
        src.advanceTo(Infinity);
        return this.takeFromSource(now);
      }
      if (t < this.wakeAt) {
        this.wakeAt = t;
        this.ctx.calendar.schedule(Math.max(t, now), this.target, EV_WAKE, 0);
      }
      return false;
    }
    const i = q.head;
    this.lastEmitted = q.aLast[i];
    if (q.aLast[i] > this.eventTimeMax) {
      this.eventTimeMax = q.aLast[i];
      if (!this.periodicWatermarks()) this.watermark = this.eventTimeMax;
    }
    this.serve(this.cur.load(q, i), 0, now, true);
    src.shift();
    return true;
  }

  /** Serve one run: walk the chain from the tag's operator (see walkInto), then serve for its service time. */
  private serve(run: Run, tag: number, now: number, isInput: boolean): void {
    if (this.inService) throw new Error(`subtask ${this.task.id}#${this.index}: a run started while another is in service`);
    const out = this.batch;
    out.clear();
    this.walking = true;
    const service = this.walkInto(out, run, tag, isInput, now);
    this.walking = false;
    this.countIn(now);
    this.startService(service, now);
  }

  /**
   * Serve consecutive runs of the current input buffer in one service, while the service so far is under
   * the time resolution q: their outputs leave together at its end (each run's output at most about q late;
   * busy time, counts and the buffer's recycling time are as if served one by one). An offload hook routes
   * and takes output for each run as serve() does, at the batch's start. At q = 0, or with a window in the
   * chain, runs are served one at a time by serve().
   */
  private serveBatch(r: RunList, now: number): void {
    const q = this.ctx.resolutionMs;
    const out = this.batch;
    out.clear();
    let service = 0;
    this.walking = true;
    do {
      const i = r.head++;
      service += this.walkInto(out, this.cur.load(r, i), 0, true, now);
    } while (r.head < r.n && service < q);
    this.walking = false;
    this.countIn(now);
    this.startService(service, now);
  }

  /**
   * serveBatch for a chain of one sink without a hook: the walk of each run is its service draw (a sink's outcome is
   * the run itself), so the runs stay where they are in the input buffer and leave the sink from there at the FINISH.
   */
  private serveSinkBatch(r: RunList, now: number): void {
    const q = this.ctx.resolutionMs;
    const svc = this.services[0];
    this.batch.clear();
    this.sinkRuns = r;
    this.sinkFrom = r.head;
    let service = 0;
    do {
      const c = r.count[r.head++];
      this.walkedIn += c;
      if (c > 0) service += svc.sumOf(c);
    } while (r.head < r.n && service < q);
    this.sinkTo = r.head;
    this.countIn(now);
    this.startService(service, now);
  }

  /** The sink batch's results leave now, in input order (runs of no records have none). */
  private drainSinkRuns(now: number): void {
    const r = this.sinkRuns!;
    this.sinkRuns = null;
    let sunk = 0;
    for (let i = this.sinkFrom; i < this.sinkTo; i++) if (r.count[i] > 0) sunk += this.sinkResults(r, i, now);
    this.countOut(now, sunk);
  }

  /** The walks' input records go to the meter at once (integer counts: the same sums as one call per run). */
  private countIn(now: number): void {
    if (this.walkedIn > 0) {
      this.meter.addIn(now, this.walkedIn);
      this.walkedIn = 0;
    }
  }

  /** The walked runs are in service until now + service (their outputs wait in `batch` for the FINISH). */
  private startService(service: number, now: number): void {
    this.pendingKind = 0;
    this.inService = true;
    this.serviceEnd = now + service;
    if (now > this.activeUntil) this.meter.addIdle(this.activeUntil, now);
    this.meter.addBusy(now, this.serviceEnd);
    this.activeUntil = this.serviceEnd;
    this.ctx.calendar.schedule(this.serviceEnd, this.target, EV_FINISH, 0);
  }

  /**
   * The chain walk, for every case: one run from operator `tag & TAG_OP_MASK` (0 for input; mailbox work resumes
   * further on) to its end. Sums its service time (returned) and pushes its outcome to `out`: results to emit
   * (OUT_EMIT) or leaving the sink (OUT_SINK), origins completed by a filter (OUT_FILTERED) or absorbed into window
   * state (OUT_ABSORBED); nothing when the offload hook took or kept all of it. The hook may take the first records
   * before its operator (not for work tagged TAG_NO_ROUTE). numRecordsIn counts what this task processes itself
   * (routed records bypass it, as behind a router), for input runs only.
   */
  private walkInto(out: RunList, run: Run, tag: number, isInput: boolean, now: number): number {
    const ops = this.task.operators;
    const hook = this.hook;
    const hookAt = hook ? hook.opIndex : -1;
    const routeAt = (tag & TAG_NO_ROUTE) === 0 ? hookAt : -1;
    let service = 0;
    let counted = !isInput;
    for (let j = tag & TAG_OP_MASK; j < ops.length; j++) {
      if (j === routeAt && run.count > 0) this.routeFirst(run, now);
      const c = run.count;
      if (!counted) {
        this.walkedIn += c;
        counted = true;
      }
      if (c === 0) return service;
      service += this.services[j].sumOf(c);
      const kind = this.opKind[j];
      if (kind === OP_WINDOW) {
        this.windows!.absorb(c, run.key, run.aFirst, run.aLast, this.rng);
        run.count = 0;
        out.pushRun(run, OUT_ABSORBED);
        return service;
      }
      if (kind === OP_SINK) {
        out.pushRun(run, OUT_SINK);
        return service;
      }
      const sel = this.selectivities[j];
      if (sel) {
        const o = sel.sumOf(c);
        if (o !== c && kind === OP_FLATMAP) run.key = -1;
        // The records dropped end their origins here (not when the survivors do), when each record is one.
        if (this.opDropsEnd[j] !== 0 && splitDropped(run, c - o, this.dropped)) out.pushRun(this.dropped, OUT_FILTERED);
        run.count = o;
      }
      run.bytes = ops[j].outputBytes;
      // The hook keeps this output (ordered merge): its origins are now the hook's.
      if (j === hookAt && hook!.afterLocal(run, tag, now)) return service;
      if (run.count === 0) {
        out.pushRun(run, OUT_FILTERED);
        return service;
      }
    }
    if (!counted) this.walkedIn += run.count;
    if (run.count > 0) out.pushRun(run, OUT_EMIT);
    return service;
  }

  /** Release a finished batch's outputs in order; false if an emission blocked (unblock() resumes). */
  private drainBatch(now: number): boolean {
    const out = this.batch;
    let sunk = 0;
    while (out.head < out.n) {
      const i = out.head++;
      const kind = out.tag[i];
      if (kind === OUT_FILTERED || kind === OUT_ABSORBED) {
        this.ctx.ledger.complete(out.seq[i], out.origin[i], kind === OUT_FILTERED ? 'filtered' : 'absorbed');
        continue;
      }
      if (kind === OUT_SINK) {
        sunk += this.sinkResults(out, i, now);
        continue;
      }
      this.pending.load(out, i);
      this.pendingKind = 1;
      this.emitEdge = 0;
      this.emitSub = -1;
      this.emitWritten = 0;
      if (!this.emit(now)) {
        this.countOut(now, sunk);
        return false;
      }
    }
    out.clear();
    this.countOut(now, sunk);
    return true;
  }

  /** Results that left the sink go to the meter once per drain (integer counts: the same sums as one call per run). */
  private countOut(now: number, n: number): void {
    if (n > 0) this.meter.addOut(now, n);
  }

  /** Run i of the batch leaves the sink now: latency against each record's intended arrival; returns its count. */
  private sinkResults(out: RunList, i: number, now: number): number {
    const c = out.count[i];
    const aFirst = out.aFirst[i];
    const aLast = out.aLast[i];
    this.resultsEmitted += c;
    const spreadMs = aLast - aFirst;
    const points = spreadMs > 0 ? Math.min(4, Math.ceil(spreadMs / Math.max(1, this.ctx.resolutionMs))) : 1;
    this.ctx.latency.recordSpread(now - aLast, now - aFirst, c, points);
    this.ctx.ledger.complete(out.seq[i], out.origin[i], 'emitted');
    return c;
  }

  /**
   * Offer a run to the offload hook. The routed records are the first ones of the run; what stays local is left in
   * `run` (its count, the start of its arrival spread, its first sequence number and its origins).
   */
  private routeFirst(run: Run, now: number): void {
    const c = run.count;
    const routed = this.hook!.route(run, now);
    if (routed === 0) return;
    const o = apportion(run.origin, 0, routed, c);
    run.aFirst = run.aFirst + ((run.aLast - run.aFirst) * routed) / c;
    run.seq += o;
    run.origin -= o;
    run.count = c - routed;
  }

  /** Offloaded results rejoin the chain after operator `opIndex` (0 results: their records are done). */
  resumeAfter(opIndex: number, run: Run, now: number): void {
    if (run.count === 0) {
      this.ctx.ledger.complete(run.seq, run.origin, 'filtered');
      return;
    }
    this.enqueueRun(run, opIndex + 1, now);
  }

  /** A partial aggregate from the function merges into the window state, exactly as local records would. */
  mergePartial(run: Run): void {
    this.windows!.absorb(run.count, run.key, run.aFirst, run.aLast, this.rng);
    this.ctx.ledger.complete(run.seq, run.origin, 'absorbed');
  }

  /** Batches came back: windows held for them may fire now, and a finished input may let the subtask end. */
  offloadSettled(now: number): void {
    if (this.windows) this.fireWindows(now);
    this.tryStart(now);
  }

  private onFinish(now: number): void {
    this.inService = false;
    if (this.sinkRuns !== null) {
      this.drainSinkRuns(now);
      this.tryStart(now);
      return;
    }
    if (this.drainBatch(now)) this.tryStart(now);
  }

  // ----------------------------------------------------------------------------------------------------
  // Emitting into output buffers

  /** Split the pending output over each edge's subpartitions (once per edge, before writing). */
  private splitFor(e: OutEdge): void {
    const split = e.split;
    const c = this.pending.count;
    // One subpartition, or rebalance: every part is written (no need to clear the split first).
    if (e.count === 1) {
      split[0] = c;
      return;
    }
    if (e.rebalance) {
      // Round-robin record by record, continuing where the last run stopped.
      const p = e.count;
      const base = Math.floor(c / p);
      let extra = c - base * p;
      for (let j = 0; j < p; j++) split[j] = base;
      let j = e.rr;
      while (extra-- > 0) {
        split[j]++;
        j = j + 1 === p ? 0 : j + 1;
      }
      e.rr = (e.rr + (c % p)) % p;
      return;
    }
    split.fill(0);
    if (this.pending.key >= 0 && this.routing) {
      split[this.routing.subtaskForKey(this.pending.key, e.count)] = c;
    } else {
      // A run of mixed keys: multinomial over the subtasks' key weights, by sequential binomials.
      const w = e.weights!;
      let left = c;
      let pLeft = 1;
      for (let j = 0; j < e.count - 1 && left > 0; j++) {
        const pj = pLeft > 0 ? Math.min(1, w[j] / pLeft) : 0;
        const x = sampleBinomial(left, pj, this.rng, this.normal);
        split[j] = x;
        left -= x;
        pLeft -= w[j];
      }
      split[e.count - 1] += left;
    }
  }

  routing: HashRouting | null = null;
  private readonly normal: NormalSource;

  /** Write the pending output; false if it blocked for want of a buffer (resumed by a send). */
  private emit(now: number): boolean {
    const edges = this.output.edges;
    while (this.emitEdge < edges.length) {
      const e = edges[this.emitEdge];
      if (this.emitSub < 0) {
        this.splitFor(e);
        this.emitSub = 0;
        this.emitWritten = 0;
      }
      const p = this.pending;
      const c = p.count;
      // Origins ride on the first edge only, so a record sent to two consumers is counted once.
      const origin = this.emitEdge === 0 ? p.origin : 0;
      const span = p.aLast - p.aFirst;
      let before = 0;
      for (let j = 0; j < this.emitSub; j++) before += e.split[j];
      while (this.emitSub < e.count) {
        const n = e.split[this.emitSub];
        const sp = this.output.subparts[e.first + this.emitSub];
        while (this.emitWritten < n) {
          if (!sp.current && !this.output.acquire(e, sp)) {
            this.blocked = true;
            this.blockStart = now;
            return false;
          }
          const buf = sp.current!;
          const room = this.ctx.segmentBytes - buf.used;
          const k = Math.min(n - this.emitWritten, Math.max(1, Math.ceil(room / p.bytes)));
          const lo = before + this.emitWritten;
          const hi = lo + k;
          // The chunk's origins and first sequence number: apportion(origin, lo, hi, c), its first term shared.
          const oBefore = origin > 0 ? Math.floor((origin * lo) / c) : 0;
          const o = origin > 0 ? Math.floor((origin * hi) / c) - oBefore : 0;
          buf.runs.push(k, p.bytes, p.aFirst + (span * lo) / c, p.aFirst + (span * hi) / c, p.seq + oBefore, o, p.key);
          buf.used += k * p.bytes;
          this.emitWritten += k;
          if (buf.used >= this.ctx.segmentBytes) this.output.finish(sp, now);
          else if (this.ctx.bufferTimeoutMs === 0) this.output.requestFlush(sp, now);
        }
        before += n;
        this.emitSub++;
        this.emitWritten = 0;
      }
      this.emitEdge++;
      this.emitSub = -1;
    }
    this.meter.addOut(now, this.pending.count);
    this.pendingKind = 0;
    return true;
  }

  /** A send returned a buffer to a pool: go on if blocked for want of one. */
  bufferFreed(now: number): void {
    if (this.blocked) this.unblock(now);
  }

  private unblock(now: number): void {
    this.blocked = false;
    this.meter.addBackpressured(this.blockStart, now);
    this.activeUntil = now;
    if (!this.emit(now)) {
      // Still no buffer: keep the backpressured span going from here.
      return;
    }
    if (this.batch.head < this.batch.n && !this.drainBatch(now)) return;
    this.tryStart(now);
  }

  /** Account time up to `now` for a subtask blocked or idle (metrics read it at interval ends). */
  settleTime(now: number): void {
    if (this.blocked) {
      if (now > this.blockStart) {
        this.meter.addBackpressured(this.blockStart, now);
        this.blockStart = now;
        this.activeUntil = now;
      }
    } else if (!this.inService && now > this.activeUntil) {
      this.meter.addIdle(this.activeUntil, now);
      this.activeUntil = now;
    }
  }

  private onFlushTimer(now: number): void {
    if (this.finished) return;
    this.output.onFlushTimer(this.ctx.bufferTimeoutMs > 0, this.ctx.watermarks, now);
    this.ctx.calendar.schedule(now + this.flushPeriod(), this.target, EV_FLUSH, 0);
  }

  /**
   * The source's watermark tick: the latest event time read becomes its watermark. As in Flink, the watermark goes
   * in-band into each channel's current buffer (RecordWriter.broadcastEmit serializes it like a record and flushes
   * only at buffer timeout 0), so it leaves with that buffer: when full, on the flush tick, or at once at timeout 0.
   */
  private onWatermarkTick(now: number): void {
    if (this.finished) return;
    if (this.eventTimeMax > this.watermark) {
      this.watermark = this.eventTimeMax;
      // Timeout 0 (flushAlways): broadcastEmit flushes every channel, so idle channels carry it now.
      if (this.ctx.bufferTimeoutMs === 0) this.output.onFlushTimer(false, true, now);
    }
    this.ctx.calendar.schedule(now + this.ctx.watermarkIntervalMs, this.target, EV_WATERMARK, 0);
  }

  // ----------------------------------------------------------------------------------------------------
  // Finishing

  private maybeFinish(now: number): void {
    if (this.finished || this.inService || this.blocked || this.work.length > 0) return;
    if (!this.source) {
      if (!this.input.exhausted()) return;
      this.inputsEnded = true;
    }
    if (!this.inputsEnded) return;
    if (this.hook && this.hook.outstanding() > 0) return;
    // All input is in and nothing is out: event time is complete, so every window fires.
    if (this.windows && this.windows.openWindows > 0) {
      this.watermark = Infinity;
      this.windows.advance(Infinity, this, now);
      if (this.work.length > 0) {
        this.tryStart(now);
        return;
      }
    }
    this.finished = true;
    this.watermark = Infinity;
    this.output.endOfPartitions(now);
    this.ctx.subtaskFinished(this);
  }
}
