/**
 * A subtask's output side (Flink's RecordWriter over its ResultPartitions): one buffer pool per output edge,
 * its subpartitions, and the rules for a buffer's life there — taken from the pool when a record needs room,
 * sealed when full, flushed by the timer or after every record (timeout 0), sent only against the receiver's
 * credit, and back in the pool when sent (remote) or when the local consumer recycles it. Writing records into
 * buffers (the split over subpartitions and the emit cursor) stays with the Subtask, which owns the run.
 */
import type { EventCalendar } from '../engine/calendar.js';
import { EV_BUFFER } from './events.js';
import { Capacity } from '../engine/capacity.js';
import { CREDIT_RADIX, Subpartition, type OutputPool } from './network.js';
import type { BufferPool } from './runs.js';

export interface OutEdge {
  partitioning: 'forward' | 'rebalance' | 'hash';
  /** partitioning === 'rebalance', read once per run by the split. */
  rebalance: boolean;
  pool: OutputPool;
  /** Indices into the writer's flat subpartition list. */
  first: number;
  count: number;
  rr: number;
  weights: Float64Array | null;
  split: Float64Array;
}

/** What the writer needs of its subtask. */
export interface WriterOwner {
  /** The subtask's event-time watermark: a sealed buffer carries it. */
  readonly watermark: number;
  /** A send returned a buffer to a pool: a subtask blocked for want of one may go on. */
  bufferFreed(now: number): void;
}

export class RecordWriter {
  readonly edges: OutEdge[] = [];
  readonly subparts: Subpartition[] = [];

  constructor(
    private readonly owner: WriterOwner,
    private readonly calendar: EventCalendar,
    private readonly buffers: BufferPool,
    private readonly maxBuffersPerChannel: number,
  ) {}

  addEdge(partitioning: OutEdge['partitioning'], poolSize: number, weights: Float64Array | null): number {
    this.edges.push({ partitioning, rebalance: partitioning === 'rebalance', pool: new Capacity(poolSize), first: this.subparts.length, count: 0, rr: 0, weights, split: new Float64Array(0) });
    return this.edges.length - 1;
  }

  addSubpartition(edge: number, destTarget: number, destChannel: number, initialCredit: number, local: boolean, latencyMs: number): number {
    const e = this.edges[edge];
    this.subparts.push(new Subpartition(edge, destTarget, destChannel, initialCredit, local, latencyMs));
    e.count++;
    e.split = new Float64Array(e.count);
    return this.subparts.length - 1;
  }

  /** Output pool usage, 0..1, over all output edges. */
  usage(): number {
    let size = 0;
    let used = 0;
    for (const e of this.edges) {
      size += e.pool.limit;
      used += e.pool.used;
    }
    return size > 0 ? used / size : 0;
  }

  /** Give the subpartition a buffer from its edge's pool; false when the pool is empty or the subpartition full. */
  acquire(e: OutEdge, sp: Subpartition): boolean {
    if (sp.held >= this.maxBuffersPerChannel || !e.pool.tryTake()) return false;
    sp.held++;
    const b = this.buffers.take();
    b.destTarget = sp.destTarget;
    b.destChannel = sp.destChannel;
    sp.current = b;
    return true;
  }

  /** A buffer is full (or the last one): queue it for sending. */
  finish(sp: Subpartition, now: number): void {
    this.seal(sp);
    this.trySend(sp, now);
  }

  /**
   * Flush (buffer timeout, or every record at timeout 0), as Flink's flush does: the partly filled buffer goes now
   * if nothing is queued ahead of it and the receiver has credit; otherwise it keeps filling, and goes when that
   * changes (trySend), so a backpressured channel still ships full buffers.
   */
  requestFlush(sp: Subpartition, now: number): void {
    sp.flushRequested = true;
    this.trySend(sp, now);
  }

  /** Credit came back (EV_CREDIT's argument); a local consumer's credit also returns the buffer it read in place. */
  credit(arg: number, now: number): void {
    const sp = this.subparts[Math.floor(arg / CREDIT_RADIX)];
    const n = arg % CREDIT_RADIX;
    sp.credit += n;
    const recycled = sp.local ? Math.min(n, sp.lent) : 0;
    if (recycled > 0) {
      sp.lent -= recycled;
      sp.held -= recycled;
      this.edges[sp.edge].pool.give(recycled);
    }
    this.trySend(sp, now, recycled > 0);
  }

  /** The flush timer: request flushes (when timed flushing is on) and carry the watermark over idle channels. */
  onFlushTimer(flush: boolean, watermarks: boolean, now: number): void {
    for (const sp of this.subparts) {
      if (sp.current && sp.current.runs.n > 0 && flush) this.requestFlush(sp, now);
      // (The watermark is read afresh: a send may unblock the subtask, which may move it.)
      else if (watermarks && this.owner.watermark > sp.sentWatermark && !sp.current && sp.length === 0) {
        // An idle channel still carries the watermark forward (Flink sends it as an event in a buffer).
        const b = this.buffers.take();
        b.destTarget = sp.destTarget;
        b.destChannel = sp.destChannel;
        const e = this.edges[sp.edge];
        if (sp.held < this.maxBuffersPerChannel && e.pool.tryTake()) {
          sp.held++;
          sp.current = b;
          this.finish(sp, now);
        } else {
          this.buffers.release(b);
        }
      }
    }
  }

  /** End of input: ship what is written, return empty buffers, and send every subpartition its end of partition. */
  endOfPartitions(now: number): void {
    for (const sp of this.subparts) {
      if (sp.current && sp.current.runs.n > 0) this.finish(sp, now);
      else if (sp.current) {
        this.buffers.release(sp.current);
        sp.current = null;
        sp.held--;
        this.edges[sp.edge].pool.give();
      }
      const eop = this.buffers.take();
      eop.endOfPartition = true;
      eop.destTarget = sp.destTarget;
      eop.destChannel = sp.destChannel;
      eop.watermark = Infinity;
      sp.push(eop);
      this.trySend(sp, now);
    }
  }

  private seal(sp: Subpartition): void {
    const b = sp.current!;
    sp.current = null;
    b.watermark = this.owner.watermark;
    sp.sentWatermark = this.owner.watermark;
    sp.push(b);
  }

  private trySend(sp: Subpartition, now: number, freedBefore = false): void {
    let freed = freedBefore;
    for (;;) {
      while (sp.length > 0 && sp.credit > 0) {
        const b = sp.shift();
        sp.credit--;
        b.backlog = sp.length;
        this.calendar.schedule(now + sp.latencyMs, b.destTarget, EV_BUFFER, b.id);
        if (b.endOfPartition) continue;
        if (sp.local) {
          sp.lent++;
        } else {
          sp.held--;
          this.edges[sp.edge].pool.give();
          freed = true;
        }
      }
      if (!sp.flushRequested || sp.length > 0) break;
      const cur = sp.current;
      if (!cur || cur.runs.n === 0) {
        sp.flushRequested = false;
        break;
      }
      if (sp.credit <= 0) break;
      sp.flushRequested = false;
      this.seal(sp);
    }
    if (freed) this.owner.bufferFreed(now);
  }
}
