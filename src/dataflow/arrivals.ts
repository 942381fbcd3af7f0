/**
 * The external queue in front of a source subtask (think one Kafka partition): records arrive by the trace,
 * independent of the job, and wait until the source reads them. Arrivals are generated lazily up to the time
 * asked for, so a backpressured source's backlog exists exactly as long as it must.
 *
 * Rate traces are split evenly over the source's subtasks. With time resolution q > 0 the arrivals of each
 * q-ms quantum form one run (Poisson: count ~ Poisson(∫rate); uniform: deterministic spacing) whose records
 * sit at the centres of n equal slots of the quantum and become readable at the quantum's end. With q = 0
 * each record is its own run at its exact arrival time. Event traces are dealt round-robin to subtasks.
 */
import { NormalSource, samplePoisson } from '../engine/distributions.js';
import type { Rng } from '../engine/random.js';
import type { EventTrace, RateTrace } from '../workload/types.js';
import { RunList } from './runs.js';

export interface SeqAllocator {
  /** Reserve n consecutive sequence numbers; returns the first. */
  allocate(n: number): number;
}

export interface ArrivalOptions {
  resolutionMs: number;
  endMs: number;
  recordBytes: number;
  /** Largest run the queue coalesces to while records wait (bounded by one network buffer). */
  maxRunRecords: number;
  /** Draws a key per record in exact mode (-1 when there is no key model). */
  drawKey: () => number;
}

export abstract class ArrivalQueue {
  readonly queue = new RunList(64);
  /** Records waiting in the queue. */
  pending = 0;
  /** Records that arrived so far (by their intended time). */
  arrived = 0;
  /** Time up to which arrivals have been generated. */
  protected generatedTo = 0;
  exhausted = false;

  constructor(
    protected readonly opts: ArrivalOptions,
    protected readonly seqs: SeqAllocator,
  ) {}

  /** Generate every arrival that is readable by time t. */
  abstract advanceTo(t: number): void;

  /** When the next not-yet-generated run becomes readable (Infinity when the trace is over). */
  abstract nextReadableTime(): number;

  /** Append a run, merging it into the tail while records are waiting anyway (the source is behind). */
  protected add(count: number, bytes: number, aFirst: number, aLast: number, key: number): void {
    const seq = this.seqs.allocate(count);
    const q = this.queue;
    this.arrived += count;
    this.pending += count;
    if (this.opts.resolutionMs > 0 && q.length > 0) {
      const i = q.n - 1;
      if (q.count[i] + count <= this.opts.maxRunRecords && q.bytes[i] === bytes && q.seq[i] + q.origin[i] === seq) {
        q.count[i] += count;
        q.origin[i] += count;
        q.aLast[i] = aLast;
        q.key[i] = -1;
        return;
      }
    }
    q.push(count, bytes, aFirst, aLast, seq, count, key);
  }

  /** Remove the front run (after the caller copied it). */
  shift(): void {
    const q = this.queue;
    this.pending -= q.count[q.head];
    q.head++;
    q.compact();
  }
}

/** Arrivals following a piecewise-constant rate trace. */
export class RateArrivals extends ArrivalQueue {
  private seg = 0;
  /** Exact mode: time of the next arrival not yet queued. */
  private nextArrival = NaN;
  /** Uniform spacing: fractional position in operational time (records). */
  private phase: number;
  private readonly share: number;
  private readonly normal: NormalSource;
  /**
   * Quantum mode: the next non-empty quantum, drawn ahead (in quantum order, from this queue's own stream,
   * so the draws are the same as drawing at its end) while the source looks for its next wake-up time:
   * a source then sleeps through empty quanta instead of waking at each one. Not arrived until its end.
   */
  private lookCount = 0;
  private lookStart = 0;
  private lookEnd = 0;

  constructor(
    private readonly trace: RateTrace,
    opts: ArrivalOptions,
    seqs: SeqAllocator,
    private readonly rng: Rng,
    private readonly mode: 'poisson' | 'uniform',
    share: number,
    rateScale: number,
  ) {
    super(opts, seqs);
    this.share = share * rateScale;
    this.phase = rng();
    this.normal = new NormalSource(rng);
  }

  private rateAt(seg: number): number {
    return this.trace.rate[seg] * this.share;
  }

  /** End of segment `seg` in ms (the trace's end, or the replay's end, for the last). */
  private segEnd(seg: number): number {
    const next = seg + 1 < this.trace.tS.length ? this.trace.tS[seg + 1] * 1000 : this.opts.endMs;
    return Math.min(next, this.opts.endMs);
  }

  advanceTo(t: number): void {
    if (this.exhausted) return;
    if (this.opts.resolutionMs > 0) this.advanceQuanta(t);
    else this.advanceExact(t);
  }

  nextReadableTime(): number {
    if (this.exhausted) return Infinity;
    if (this.opts.resolutionMs > 0) {
      while (this.lookCount === 0 && this.generatedTo < this.opts.endMs) this.drawQuantum();
      return this.lookCount > 0 ? this.lookEnd : Infinity;
    }
    if (Number.isNaN(this.nextArrival)) this.nextArrival = this.drawNextArrival(this.generatedTo);
    return this.nextArrival;
  }

  /** The first time ≥ t at which the rate is positive (the replay's end when there is none). */
  private firstActiveFrom(t: number): number {
    const tr = this.trace;
    let seg = this.seg;
    while (seg + 1 < tr.tS.length && tr.tS[seg + 1] * 1000 <= t) seg++;
    for (; seg < tr.tS.length; seg++) {
      const start = Math.max(t, tr.tS[seg] * 1000);
      if (start >= this.opts.endMs) break;
      if (this.rateAt(seg) > 0 && this.segEnd(seg) > start) return start;
    }
    return this.opts.endMs;
  }

  private advanceQuanta(t: number): void {
    const q = this.opts.resolutionMs;
    const end = this.opts.endMs;
    for (;;) {
      if (this.lookCount > 0) {
        if (this.lookEnd > t) return;
        const n = this.lookCount;
        this.lookCount = 0;
        const slot = (this.lookEnd - this.lookStart) / n;
        this.add(n, this.opts.recordBytes, this.lookStart + slot / 2, this.lookEnd - slot / 2, -1);
        continue;
      }
      if (this.generatedTo >= end) break;
      const qEnd = Math.min(end, (Math.floor(this.generatedTo / q) + 1) * q);
      if (qEnd > t) return;
      this.drawQuantum();
    }
    this.exhausted = true;
  }

  /**
   * Draw the arrivals of the quantum starting at generatedTo into the look-ahead slot (none: lookCount 0)
   * and move generatedTo past it, and past a silent stretch of the trace after it.
   */
  private drawQuantum(): void {
    const q = this.opts.resolutionMs;
    const end = this.opts.endMs;
    const tr = this.trace;
    const qStart = this.generatedTo;
    const qEnd = Math.min(end, (Math.floor(qStart / q) + 1) * q);
    // Expected arrivals in [qStart, qEnd): the integral of the piecewise-constant rate.
    let lambda = 0;
    let s = qStart;
    while (s < qEnd) {
      while (this.seg + 1 < tr.tS.length && tr.tS[this.seg + 1] * 1000 <= s) this.seg++;
      const e = Math.min(qEnd, this.segEnd(this.seg));
      if (e <= s) break;
      lambda += (this.rateAt(this.seg) * (e - s)) / 1000;
      s = e;
    }
    this.generatedTo = qEnd;
    let n: number;
    if (this.mode === 'uniform') {
      const before = this.phase;
      this.phase += lambda;
      n = Math.floor(this.phase) - Math.floor(before);
    } else {
      n = samplePoisson(lambda, this.rng, this.normal);
    }
    if (n > 0) {
      this.lookCount = n;
      this.lookStart = qStart;
      this.lookEnd = qEnd;
    }
    if (lambda === 0) {
      // Jump over a silent stretch in one step rather than quantum by quantum.
      const active = this.firstActiveFrom(qEnd);
      this.generatedTo = Math.min(end, Math.max(qEnd, Math.floor(active / q) * q));
    }
  }

  private advanceExact(t: number): void {
    const bytes = this.opts.recordBytes;
    for (;;) {
      if (Number.isNaN(this.nextArrival)) this.nextArrival = this.drawNextArrival(this.generatedTo);
      if (this.nextArrival === Infinity) {
        this.exhausted = true;
        this.generatedTo = this.opts.endMs;
        return;
      }
      if (this.nextArrival > t) {
        this.generatedTo = Math.max(this.generatedTo, t);
        return;
      }
      const a = this.nextArrival;
      this.generatedTo = a;
      this.nextArrival = NaN;
      this.add(1, bytes, a, a, this.opts.drawKey());
    }
  }

  /** Next arrival after `from` in operational time: Exp(1) (Poisson) or the next integer crossing (uniform). */
  private drawNextArrival(from: number): number {
    let need = this.mode === 'poisson' ? -Math.log(1 - this.rng()) : 1 - (this.phase - Math.floor(this.phase));
    const tr = this.trace;
    let t = from;
    let seg = this.seg;
    while (seg + 1 < tr.tS.length && tr.tS[seg + 1] * 1000 <= t) seg++;
    while (t < this.opts.endMs) {
      const e = this.segEnd(seg);
      const r = this.rateAt(seg) / 1000;
      if (r > 0 && r * (e - t) >= need) {
        const at = t + need / r;
        if (this.mode === 'uniform') this.phase = Math.floor(this.phase) + 1;
        this.seg = seg;
        return at;
      }
      need -= r * (e - t);
      t = e;
      if (seg + 1 >= tr.tS.length) break;
      seg++;
    }
    this.seg = seg;
    return Infinity;
  }
}

/** Arrivals replaying an event trace; subtask `index` of `parallelism` takes every parallelism-th record. */
export class EventArrivals extends ArrivalQueue {
  private next: number;

  constructor(
    private readonly trace: EventTrace,
    opts: ArrivalOptions,
    seqs: SeqAllocator,
    index: number,
    private readonly parallelism: number,
  ) {
    super(opts, seqs);
    this.next = index;
  }

  nextReadableTime(): number {
    if (this.next >= this.trace.tMs.length || this.trace.tMs[this.next] >= this.opts.endMs) return Infinity;
    const t = this.trace.tMs[this.next];
    const q = this.opts.resolutionMs;
    return q > 0 ? Math.min(this.opts.endMs, (Math.floor(t / q) + 1) * q) : t;
  }

  advanceTo(t: number): void {
    const tr = this.trace;
    const q = this.opts.resolutionMs;
    const p = this.parallelism;
    for (;;) {
      const readable = this.nextReadableTime();
      if (readable === Infinity) {
        this.exhausted = true;
        return;
      }
      if (readable > t) return;
      const first = tr.tMs[this.next];
      if (q === 0) {
        const b = tr.bytes ? tr.bytes[this.next] : this.opts.recordBytes;
        const key = tr.keys ? tr.keys[this.next] : this.opts.drawKey();
        this.add(1, b, first, first, key);
        this.next += p;
        continue;
      }
      // Group this subtask's records of one quantum into a run of their mean size.
      const qEnd = (Math.floor(first / q) + 1) * q;
      let n = 0;
      let bytes = 0;
      let last = first;
      let key = tr.keys ? tr.keys[this.next] : -1;
      while (this.next < tr.tMs.length && tr.tMs[this.next] < qEnd && tr.tMs[this.next] < this.opts.endMs) {
        n++;
        bytes += tr.bytes ? tr.bytes[this.next] : this.opts.recordBytes;
        last = tr.tMs[this.next];
        if (tr.keys && tr.keys[this.next] !== key) key = -1;
        this.next += p;
      }
      this.add(n, bytes / n, first, last, key);
    }
  }
}
