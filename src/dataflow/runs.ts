/**
 * Records travel in runs: a run is `count` consecutive records of one stream with the same size, whose
 * intended arrival times spread evenly over [aFirst, aLast], carrying `origin` source records whose sequence
 * numbers are [seq, seq + origin). A flatMap's output run carries the origins of its input run; a filter's
 * empty output completes its origins, and where each record is one origin its dropped records complete theirs
 * (splitDropped). With time resolution 0 every run is one record and the model is exact;
 * with resolution q, records arriving within q ms share a run (latency error at most about q).
 *
 * A network buffer is a list of runs whose bytes fill at most one memory segment (a run may be split across
 * buffers). Buffers are pooled: the hot path allocates nothing once the pool is warm.
 */

/**
 * One run's seven numbers as a reusable register: loaded from a RunList slot, changed in place as the run walks the
 * operator chain, passed by reference and copied (pushRun) where it is kept. Owners allocate theirs once; nothing on
 * the hot path allocates one. A callee never keeps the object it is given.
 */
export class Run {
  count = 0;
  bytes = 0;
  aFirst = 0;
  aLast = 0;
  seq = 0;
  origin = 0;
  key = -1;

  /** Load slot i of a list. */
  load(list: RunList, i: number): this {
    this.count = list.count[i];
    this.bytes = list.bytes[i];
    this.aFirst = list.aFirst[i];
    this.aLast = list.aLast[i];
    this.seq = list.seq[i];
    this.origin = list.origin[i];
    this.key = list.key[i];
    return this;
  }

  set(count: number, bytes: number, aFirst: number, aLast: number, seq: number, origin: number, key: number): this {
    this.count = count;
    this.bytes = bytes;
    this.aFirst = aFirst;
    this.aLast = aLast;
    this.seq = seq;
    this.origin = origin;
    this.key = key;
    return this;
  }
}

/**
 * An operator that emits at most one record per record dropped `dropped` of `run`'s records (count before the
 * operator), each of which is one source record (count === origin): `into` becomes the dropped records' origins, a
 * run of no records holding the run's first sequence numbers (the ledger keeps no order within a run), and the run
 * keeps the rest. False, and nothing moved, when the run's records are not its origins (a fan-out's other edges
 * carry none): then every origin stays with the survivors.
 */
export function splitDropped(run: Run, dropped: number, into: Run): boolean {
  if (dropped <= 0 || dropped >= run.count || run.origin !== run.count) return false;
  into.set(0, run.bytes, run.aFirst, run.aLast, run.seq, dropped, run.key);
  run.seq += dropped;
  run.origin -= dropped;
  return true;
}

/** A growable struct-of-arrays list of runs. */
export class RunList {
  n = 0;
  /** Index of the next run to consume (receivers read from the front). */
  head = 0;
  count: Float64Array;
  bytes: Float64Array;
  aFirst: Float64Array;
  aLast: Float64Array;
  seq: Float64Array;
  origin: Float64Array;
  key: Int32Array;
  /** Free use by the owner (the work queue keeps the chain position a run resumes at). */
  tag: Int32Array;

  constructor(capacity = 16) {
    this.count = new Float64Array(capacity);
    this.bytes = new Float64Array(capacity);
    this.aFirst = new Float64Array(capacity);
    this.aLast = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.origin = new Float64Array(capacity);
    this.key = new Int32Array(capacity);
    this.tag = new Int32Array(capacity);
  }

  get length(): number {
    return this.n - this.head;
  }

  clear(): void {
    this.n = 0;
    this.head = 0;
  }

  push(count: number, bytes: number, aFirst: number, aLast: number, seq: number, origin: number, key: number, tag = 0): void {
    if (this.n === this.count.length) this.grow();
    const i = this.n++;
    this.count[i] = count;
    this.bytes[i] = bytes;
    this.aFirst[i] = aFirst;
    this.aLast[i] = aLast;
    this.seq[i] = seq;
    this.origin[i] = origin;
    this.key[i] = key;
    this.tag[i] = tag;
  }

  /** Append a copy of `r`. */
  pushRun(r: Run, tag = 0): void {
    this.push(r.count, r.bytes, r.aFirst, r.aLast, r.seq, r.origin, r.key, tag);
  }

  /** Overwrite slot i with `r` (its tag unchanged). */
  store(i: number, r: Run): void {
    this.count[i] = r.count;
    this.bytes[i] = r.bytes;
    this.aFirst[i] = r.aFirst;
    this.aLast[i] = r.aLast;
    this.seq[i] = r.seq;
    this.origin[i] = r.origin;
    this.key[i] = r.key;
  }

  /** Drop consumed runs from the front when that frees most of the space (amortised O(1)). */
  compact(): void {
    if (this.head === 0) return;
    if (this.head === this.n) {
      this.clear();
      return;
    }
    if (this.head < this.n - this.head) return;
    const len = this.n - this.head;
    this.count.copyWithin(0, this.head, this.n);
    this.bytes.copyWithin(0, this.head, this.n);
    this.aFirst.copyWithin(0, this.head, this.n);
    this.aLast.copyWithin(0, this.head, this.n);
    this.seq.copyWithin(0, this.head, this.n);
    this.origin.copyWithin(0, this.head, this.n);
    this.key.copyWithin(0, this.head, this.n);
    this.tag.copyWithin(0, this.head, this.n);
    this.n = len;
    this.head = 0;
  }

  private grow(): void {
    const cap = this.count.length * 2;
    const g64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.count = g64(this.count);
    this.bytes = g64(this.bytes);
    this.aFirst = g64(this.aFirst);
    this.aLast = g64(this.aLast);
    this.seq = g64(this.seq);
    this.origin = g64(this.origin);
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.key = g32(this.key);
    this.tag = g32(this.tag);
  }
}

/** A network buffer in flight or queued: its runs and where it goes. */
export class NetBuffer {
  readonly runs = new RunList(8);
  /** Bytes written so far. */
  used = 0;
  /** Receiving subtask's handler id and channel index there. */
  destTarget = 0;
  destChannel = 0;
  /** Sender's backlog (buffers queued behind this one) announced with it, as Flink does. */
  backlog = 0;
  /** End-of-partition marker (the upstream subtask has finished; carries no runs). */
  endOfPartition = false;
  /** The sender's watermark when it finished this buffer (event time, ms); applies once it is consumed. */
  watermark = -Infinity;
  /** Taken from the pool and not yet released (holds records somewhere in the job). */
  live = false;
  constructor(readonly id: number) {}
}

/** All buffers of a run, addressable by integer id so events can carry them without objects. */
export class BufferPool {
  readonly all: NetBuffer[] = [];
  private readonly free: number[] = [];
  inUse = 0;

  take(): NetBuffer {
    this.inUse++;
    const id = this.free.pop();
    if (id !== undefined) {
      const b = this.all[id];
      b.runs.clear();
      b.used = 0;
      b.backlog = 0;
      b.endOfPartition = false;
      b.watermark = -Infinity;
      b.live = true;
      return b;
    }
    const b = new NetBuffer(this.all.length);
    b.live = true;
    this.all.push(b);
    return b;
  }

  release(b: NetBuffer): void {
    b.live = false;
    this.inUse--;
    this.free.push(b.id);
  }
}

/** Origins held in live buffers: queued, on the wire, or being consumed (from each buffer's head). */
export function originsInBuffers(pool: BufferPool): number {
  let o = 0;
  for (const b of pool.all) {
    if (!b.live) continue;
    const r = b.runs;
    for (let i = r.head; i < r.n; i++) o += r.origin[i];
  }
  return o;
}

/**
 * Split `total` into parts proportional to cumulative counts, with integers that sum exactly to `total`:
 * part i = floor(total·C_i/C) − floor(total·C_{i−1}/C). Parts with zero count get zero.
 */
export function apportion(total: number, cumBefore: number, cumAfter: number, grand: number): number {
  if (grand <= 0) return 0;
  return Math.floor((total * cumAfter) / grand) - Math.floor((total * cumBefore) / grand);
}
