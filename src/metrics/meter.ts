/**
 * Per-subtask accounting by metrics interval: busy, backpressured and idle milliseconds, records in and out.
 * Each state is measured on its own from the subtask's transitions (not derived as a remainder), so that
 * busy + backpressured + idle = the interval length is a real check. Busy spans are known when service
 * starts and may reach into later intervals, so every span is spread over the intervals it touches.
 */
export class IntervalSeries {
  /** values[k] is interval `offset + k`; intervals below `floor` have been read for the last time. */
  values: Float64Array;
  private offset = 0;
  private floor = 0;
  constructor(capacity = 64) {
    this.values = new Float64Array(capacity);
  }
  add(index: number, v: number): void {
    let k = index - this.offset;
    if (k < 0) throw new RangeError(`interval ${index} was discarded (kept from ${this.floor})`);
    if (k >= this.values.length) k = this.makeRoom(index);
    this.values[k] += v;
  }
  get(index: number): number {
    if (index < this.floor) throw new RangeError(`interval ${index} was discarded (kept from ${this.floor})`);
    const k = index - this.offset;
    return k < this.values.length ? this.values[k] : 0;
  }
  /** Intervals below `index` will not be read again: their memory may be reused (keeps the series flat). */
  discardBefore(index: number): void {
    if (index > this.floor) this.floor = index;
  }
  /** Shift out discarded intervals if that frees half the array, else grow; returns the slot of `index`. */
  private makeRoom(index: number): number {
    const drop = this.floor - this.offset;
    const len = this.values.length;
    if (drop * 2 >= len && index - this.floor < len) {
      if (drop >= len) this.values.fill(0);
      else {
        this.values.copyWithin(0, drop);
        this.values.fill(0, len - drop);
      }
      this.offset = this.floor;
      return index - this.offset;
    }
    let cap = len * 2;
    while (cap <= index - this.offset) cap *= 2;
    const b = new Float64Array(cap);
    b.set(this.values);
    this.values = b;
    return index - this.offset;
  }
}

export class SubtaskMeter {
  readonly busy = new IntervalSeries();
  readonly backpressured = new IntervalSeries();
  readonly idle = new IntervalSeries();
  readonly recordsIn = new IntervalSeries();
  readonly recordsOut = new IntervalSeries();
  totalIn = 0;
  totalOut = 0;
  totalBusyMs = 0;
  totalBackpressuredMs = 0;
  totalIdleMs = 0;

  constructor(private readonly intervalMs: number) {}

  addBusy(from: number, to: number): void {
    if (to <= from) return;
    this.totalBusyMs += to - from;
    spread(this.busy, from, to, this.intervalMs);
  }

  addBackpressured(from: number, to: number): void {
    if (to <= from) return;
    this.totalBackpressuredMs += to - from;
    spread(this.backpressured, from, to, this.intervalMs);
  }

  addIdle(from: number, to: number): void {
    if (to <= from) return;
    this.totalIdleMs += to - from;
    spread(this.idle, from, to, this.intervalMs);
  }

  addIn(t: number, n: number): void {
    this.totalIn += n;
    this.recordsIn.add(Math.floor(t / this.intervalMs), n);
  }

  addOut(t: number, n: number): void {
    this.totalOut += n;
    this.recordsOut.add(Math.floor(t / this.intervalMs), n);
  }

  /** Intervals below `index` will not be read again. */
  discardBefore(index: number): void {
    this.busy.discardBefore(index);
    this.backpressured.discardBefore(index);
    this.idle.discardBefore(index);
    this.recordsIn.discardBefore(index);
    this.recordsOut.discardBefore(index);
  }
}

/** Add the span [from, to) to the intervals it overlaps. */
function spread(series: IntervalSeries, from: number, to: number, width: number): void {
  let i = Math.floor(from / width);
  let t = from;
  while (t < to) {
    const end = Math.min(to, (i + 1) * width);
    series.add(i, end - t);
    t = end;
    i++;
  }
}
