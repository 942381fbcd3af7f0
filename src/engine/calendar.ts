/**
 * The event calendar: a binary min-heap on parallel typed arrays, ordered by (time, insertion sequence) so
 * that simultaneous events run in the order they were scheduled (a deterministic tie-break).
 *
 * Events carry no objects: a target (a registered handler's index), a small integer kind and a numeric
 * argument. That keeps scheduling free of allocation on the hot path. Events are never cancelled; a handler
 * that may have a stale event pending checks a generation number it keeps itself.
 */
export interface EventHandler {
  /** Called when one of this handler's events fires; `now` equals calendar.now. */
  onEvent(kind: number, arg: number, now: number): void;
}

export class EventCalendar {
  now = 0;
  eventsProcessed = 0;

  private times: Float64Array;
  private seqs: Float64Array;
  private targets: Int32Array;
  private kinds: Int32Array;
  private args: Float64Array;
  private count = 0;
  private nextSeq = 0;
  private readonly handlers: EventHandler[] = [];
  private stopRequested = false;

  constructor(initialCapacity = 1024) {
    this.times = new Float64Array(initialCapacity);
    this.seqs = new Float64Array(initialCapacity);
    this.targets = new Int32Array(initialCapacity);
    this.kinds = new Int32Array(initialCapacity);
    this.args = new Float64Array(initialCapacity);
  }

  /** Register a handler; the returned id is what `schedule` takes as target. */
  register(handler: EventHandler): number {
    this.handlers.push(handler);
    return this.handlers.length - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Time of the earliest pending event, or Infinity. */
  peekTime(): number {
    return this.count > 0 ? this.times[0] : Infinity;
  }

  schedule(time: number, target: number, kind: number, arg = 0): void {
    if (!(time >= this.now)) {
      throw new Error(`event scheduled in the past or at NaN: ${time} < now ${this.now}`);
    }
    if (this.count === this.times.length) this.grow();
    const seq = this.nextSeq++;
    // Sift up from the new leaf, moving parents down into the hole.
    const times = this.times;
    const seqs = this.seqs;
    let i = this.count++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt < time || (pt === time && seqs[p] < seq)) break;
      this.move(p, i);
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    this.targets[i] = target;
    this.kinds[i] = kind;
    this.args[i] = arg;
  }

  /** Ask `run` to return after the current event. */
  stop(): void {
    this.stopRequested = true;
  }

  /**
   * Dispatch events in order until the calendar is empty, the next event is later than `until`, or `stop()`
   * is called. The clock ends at the last dispatched event's time (or `until` if that is finite and later).
   */
  run(until = Infinity): void {
    this.stopRequested = false;
    const handlers = this.handlers;
    while (this.count > 0 && !this.stopRequested) {
      const t = this.times[0];
      if (t > until) break;
      const target = this.targets[0];
      const kind = this.kinds[0];
      const arg = this.args[0];
      this.popRoot();
      this.now = t;
      this.eventsProcessed++;
      handlers[target].onEvent(kind, arg, t);
    }
    if (!this.stopRequested && until !== Infinity && until > this.now && (this.count === 0 || this.times[0] > until)) {
      this.now = until;
    }
  }

  private popRoot(): void {
    const last = --this.count;
    if (last === 0) return;
    const times = this.times;
    const seqs = this.seqs;
    const t = times[last];
    const s = seqs[last];
    const target = this.targets[last];
    const kind = this.kinds[last];
    const arg = this.args[last];
    // Sift the last element down from the root, moving the smaller child up into the hole.
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      if (r < last && (times[r] < times[c] || (times[r] === times[c] && seqs[r] < seqs[c]))) c = r;
      const ct = times[c];
      if (t < ct || (t === ct && s < seqs[c])) break;
      this.move(c, i);
      i = c;
    }
    times[i] = t;
    seqs[i] = s;
    this.targets[i] = target;
    this.kinds[i] = kind;
    this.args[i] = arg;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.seqs[to] = this.seqs[from];
    this.targets[to] = this.targets[from];
    this.kinds[to] = this.kinds[from];
    this.args[to] = this.args[from];
  }

  private grow(): void {
    const n = this.times.length * 2;
    const grow64 = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const grow32 = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.times = grow64(this.times);
    this.seqs = grow64(this.seqs);
    this.targets = grow32(this.targets);
    this.kinds = grow32(this.kinds);
    this.args = grow64(this.args);
  }
}
