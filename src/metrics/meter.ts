/**
 * Per-subtask accounting by metrics interval: busy, backpressured and idle milliseconds, records in and out.
 * Each state is measured on its own from the subtask's transitions (not derived as a remainder), so that
 * busy + backpressured + idle = the interval length is a real check. Busy spans are known when service
 * starts and may reach into later intervals, so every span is spread over the intervals it touches.
 */
export class IntervalSeries {
  values: Float64Array;
  constructor(capacity = 64) {
    this.values = new Float64Array(capacity);
  }
  add(index: number, v: number): void {
    if (index >= this.values.length) {
      let cap = this.values.length * 2;
      while (cap <= index) cap *= 2;
      const b = new Float64Array(cap);
      b.set(this.values);
      this.values = b;
    }
    this.values[index] += v;
  }
  get(index: number): number {
    return index < this.values.length ? this.values[index] : 0;
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
