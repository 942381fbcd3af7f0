/**
 * One subtask's share of an offload point (Flink: the router and async operator in that subtask): it routes
 * the decided share of the records bound for the offloaded operator into batches (closed on max records,
 * max bytes or payload limit, or max wait), invokes the function with at most maxInFlight batches out (with an
 * async capacity, further closed batches wait for a slot, as in Flink's Async I/O queue), and merges the results
 * back into the subtask's mailbox, ordered or unordered. A batch whose retries are used up falls back to local
 * processing. Nothing is lost or emitted twice: every record is either in the open batch, in a batch waiting or in
 * flight, in the reorder queue, or back in the subtask.
 */
import type { EventCalendar, EventHandler } from '../engine/calendar.js';
import { Capacity } from '../engine/capacity.js';
import type { CountSampler, Sampler } from '../engine/distributions.js';
import { TAG_NO_ROUTE, TAG_SLOT_SHIFT, type OffloadHook, type Subtask } from '../dataflow/subtask.js';
import { apportion, Run, RunList, splitDropped } from '../dataflow/runs.js';
import type { PointDecision } from '../policy/contract.js';
import type { InvokeFinal, SdkClient } from '../serverless/sdk-client.js';
import { ReorderQueue } from './reorder.js';
import { ShareRouter } from './share-router.js';

/** What a lane reads of its offload point (point.ts holds the lanes, so the lane sees the point only through this). */
export interface LanePoint {
  readonly decision: PointDecision;
  readonly maxPayloadBytes: number;
  readonly asyncCapacity: number | null;
  readonly calendar: EventCalendar;
  readonly workFactor: number;
  onBatchDone(final: InvokeFinal): void;
}

const EV_MAX_WAIT = 0;

class Batch {
  readonly runs = new RunList(8);
  records = 0;
  bytes = 0;
  /** Router position of each run, and its reorder slot in ordered mode. */
  positions: number[] = [];
  slots: number[] = [];
  openedAt = 0;
  minEventTime = Infinity;
  reset(): void {
    this.runs.clear();
    this.records = 0;
    this.bytes = 0;
    this.positions = [];
    this.slots = [];
    this.minEventTime = Infinity;
  }
}

export class OffloadLane implements OffloadHook, EventHandler {
  target = -1;
  private readonly router = new ShareRouter();
  private open: Batch | null = null;
  private openGen = 0;
  private readonly inFlight = new Set<Batch>();
  /**
   * Invocation slots (limit: the decision's maxInFlight, at least 1; used: the batches in flight) and the closed
   * batches waiting for one (only with an async capacity above maxInFlight).
   */
  private readonly slots = new Capacity<Batch>(1);
  private readonly spare: Batch[] = [];
  private readonly reorder = new ReorderQueue();
  private position = 0;
  private localPosition = 0;
  private localCount = 0;
  private maxReleased = 0;
  /** A run handed back to the subtask (it copies what it keeps). */
  private readonly back = new Run();
  /** The origins of the records the function's filter dropped (splitDropped). */
  private readonly dropped = new Run();
  /** Records counted at this lane. */
  routed = 0;
  /** Simulated time of the first record this lane routed out, ms; NaN before (the summary's time to react). */
  firstRoutedMs = Number.NaN;
  batches = 0;
  fallbacks = 0;
  fallbackRecords = 0;
  orderViolations = 0;
  entered = 0;
  roundTripSum = 0;
  roundTrips = 0;

  constructor(
    readonly opIndex: number,
    private readonly point: LanePoint,
    readonly subtask: Subtask,
    private readonly client: SdkClient,
    private readonly work: Sampler,
    private readonly selectivity: CountSampler | null,
    private readonly outputBytes: number,
    private readonly isWindow: boolean,
    private readonly ordered: boolean,
    /** The operator's dropped records end their own origins (OperatorDef.dropsEndOrigins). */
    private readonly dropsEndOrigins = false,
  ) {}

  // ----------------------------------------------------------------------------------------------------
  // Routing (called by the subtask before the offloaded operator)

  route(run: Run, now: number): number {
    const { count, bytes, aFirst, aLast, seq, origin, key } = run;
    this.entered += count;
    const d = this.point.decision;
    let want = this.router.take(count, d.share, d.maxRateRps, now);
    const limit = Math.min(d.batchBytes ?? Infinity, this.point.maxPayloadBytes);
    let done = 0;
    while (want > 0) {
      if (!this.open) {
        if (d.maxInFlight <= 0 || this.inFlight.size + this.slots.waiters.length >= Math.max(d.maxInFlight, this.point.asyncCapacity ?? 0)) break;
        this.open = this.spare.pop() ?? new Batch();
        this.open.reset();
        this.open.openedAt = now;
        this.openGen++;
        this.point.calendar.schedule(now + d.maxWaitMs, this.target, EV_MAX_WAIT, this.openGen);
      }
      const b = this.open;
      const room = Math.min(d.batchRecords - b.records, Math.floor((limit - b.bytes) / bytes));
      if (room <= 0) {
        if (b.records === 0) break; // a single record over the payload limit stays local
        this.send(now);
        continue;
      }
      const k = Math.min(room, want);
      const span = aLast - aFirst;
      const o = apportion(origin, done, done + k, count);
      const s = seq + Math.floor((origin * done) / count);
      const first = aFirst + (span * done) / count;
      b.runs.push(k, bytes, first, aFirst + (span * (done + k)) / count, s, o, key);
      b.positions.push(this.position + done);
      if (this.ordered && !this.isWindow) b.slots.push(this.reorder.addPending(this.position + done, k));
      b.records += k;
      b.bytes += k * bytes;
      if (first < b.minEventTime) b.minEventTime = first;
      done += k;
      want -= k;
      if (b.records >= d.batchRecords) this.send(now);
    }
    if (done > 0 && Number.isNaN(this.firstRoutedMs)) this.firstRoutedMs = now;
    this.routed += done;
    this.localPosition = this.position + done;
    this.localCount = count - done;
    this.position += count;
    return done;
  }

  /**
   * Called after the offloaded operator ran locally on the rest of a run. In ordered mode a run behind
   * pending batches is held (returns true: the subtask stops its walk); a fallback run fills its slot.
   */
  afterLocal(run: Run, tag: number, now: number): boolean {
    const slot = (tag >>> TAG_SLOT_SHIFT) - 1;
    if (slot >= 0) {
      this.reorder.complete(slot, run);
      this.releaseOrdered(now);
      return true;
    }
    if (this.isWindow || (tag & TAG_NO_ROUTE) !== 0 || run.count === 0) return false;
    if (this.ordered && this.reorder.length > 0) {
      this.reorder.addDone(this.localPosition, this.localCount, run);
      return true;
    }
    this.noteReleased(this.localPosition, this.localCount);
    return false;
  }

  outstanding(): number {
    return (this.open?.records ?? 0) + this.inFlight.size + this.slots.waiters.length + this.reorder.length;
  }

  /** Earliest event time of records out in batches (a window must not fire before they merge back). */
  minOutstandingEventTime(): number {
    let m = this.open ? this.open.minEventTime : Infinity;
    for (const b of this.inFlight) if (b.minEventTime < m) m = b.minEventTime;
    this.slots.waiters.forEach((b) => {
      if (b.minEventTime < m) m = b.minEventTime;
    });
    return m;
  }

  originsInFlight(): number {
    let o = this.reorder.heldOrigins();
    const add = (b: Batch) => {
      for (let i = 0; i < b.runs.n; i++) o += b.runs.origin[i];
    };
    if (this.open) add(this.open);
    for (const b of this.inFlight) add(b);
    this.slots.waiters.forEach(add);
    return o;
  }

  inFlightRecords(): number {
    let n = this.open?.records ?? 0;
    for (const b of this.inFlight) n += b.records;
    this.slots.waiters.forEach((b) => (n += b.records));
    return n;
  }

  get inFlightBatches(): number {
    return this.inFlight.size;
  }

  // ----------------------------------------------------------------------------------------------------
  // Batches out and back

  onEvent(kind: number, arg: number, now: number): void {
    if (kind === EV_MAX_WAIT && arg === this.openGen && this.open && this.open.records > 0) this.send(now);
  }

  /** A decision may have raised maxInFlight or lowered the batch size: send what is due. */
  flushIfDue(now: number): void {
    const b = this.open;
    if (b && b.records > 0 && (b.records >= this.point.decision.batchRecords || now - b.openedAt >= this.point.decision.maxWaitMs)) this.send(now);
    this.dispatchWaiting(now);
  }

  private send(now: number): void {
    const b = this.open!;
    this.open = null;
    this.openGen++;
    if (b.records === 0) {
      this.spare.push(b);
      return;
    }
    this.batches++;
    this.slots.limit = this.slotLimit();
    if (this.slots.free <= 0) this.slots.wait(b);
    else this.invoke(b, now);
  }

  /** Invocations at once: the decision's maxInFlight, but at least one so closed batches always drain. */
  private slotLimit(): number {
    return Math.max(1, this.point.decision.maxInFlight);
  }

  /** Slots freed (a batch came back, or maxInFlight was raised): invoke waiting batches, oldest first. */
  private dispatchWaiting(now: number): void {
    this.slots.limit = this.slotLimit();
    this.dispatchAt = now;
    this.slots.grantWaiters(this.invokeWaiting);
  }

  private dispatchAt = 0;
  private readonly invokeWaiting = (b: Batch): void => this.invoke(b, this.dispatchAt);

  private invoke(b: Batch, now: number): void {
    this.slots.tryTake();
    this.inFlight.add(b);
    const resultRecords = this.isWindow ? Math.min(b.records, 1000) : b.records * (this.selectivity?.mean ?? 1);
    const req = {
      records: b.records,
      payloadBytes: b.bytes,
      responseBytes: resultRecords * this.outputBytes,
      workMs: this.work.sumOf(b.records) * this.point.workFactor,
    };
    this.client.invokeWithRetry(req, (final) => this.onDone(b, final, now));
  }

  private onDone(b: Batch, final: InvokeFinal, sentAt: number): void {
    const now = this.point.calendar.now;
    this.inFlight.delete(b);
    this.slots.give();
    this.roundTripSum += now - sentAt;
    this.roundTrips++;
    this.point.onBatchDone(final);
    const r = b.runs;
    if (!final.ok) {
      // Retries used up: the records go back to the subtask and its own operator does the work.
      this.fallbacks++;
      this.fallbackRecords += b.records;
      for (let i = 0; i < r.n; i++) {
        const slot = this.ordered && !this.isWindow ? b.slots[i] + 1 : 0;
        const tag = this.opIndex | TAG_NO_ROUTE | (slot << TAG_SLOT_SHIFT);
        this.subtask.enqueueRun(this.back.load(r, i), tag, now);
      }
    } else if (this.isWindow) {
      // Partial aggregates merge into the window state: the same counts as if absorbed locally.
      for (let i = 0; i < r.n; i++) this.subtask.mergePartial(this.back.load(r, i));
      this.subtask.offloadSettled(now);
    } else {
      for (let i = 0; i < r.n; i++) {
        const out = this.selectivity ? this.selectivity.sumOf(r.count[i]) : r.count[i];
        const key = out !== r.count[i] ? -1 : r.key[i];
        const result = this.back.set(r.count[i], this.outputBytes, r.aFirst[i], r.aLast[i], r.seq[i], r.origin[i], key);
        // Records the function dropped end their origins now, as the local operator's would (Subtask.walkInto).
        if (this.dropsEndOrigins && splitDropped(result, r.count[i] - out, this.dropped)) this.subtask.resumeAfter(this.opIndex, this.dropped, now);
        result.count = out;
        if (this.ordered) {
          this.reorder.complete(b.slots[i], result);
        } else {
          this.noteReleased(b.positions[i], r.count[i]);
          this.subtask.resumeAfter(this.opIndex, result, now);
        }
      }
      if (this.ordered) this.releaseOrdered(now);
    }
    this.spare.push(b);
    this.dispatchWaiting(now);
    this.subtask.offloadSettled(now);
  }

  private releaseOrdered(now: number): void {
    this.reorder.release((run, position, inputCount) => {
      this.noteReleased(position, inputCount);
      this.subtask.resumeAfter(this.opIndex, run, now);
    });
  }

  /** Count records that leave behind later ones (0 in ordered mode by construction). */
  private noteReleased(position: number, count: number): void {
    if (position < this.maxReleased) this.orderViolations += count;
    if (position + count > this.maxReleased) this.maxReleased = position + count;
  }
}
