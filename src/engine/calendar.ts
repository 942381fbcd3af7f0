/**
 * The event calendar: a binary min-heap on typed arrays, ordered by (time, insertion sequence) so that
 * simultaneous events run in the order they were scheduled (a deterministic tie-break).
 *
 * Events carry no objects: a target (a registered handler's index), a small integer kind and a numeric
 * argument. That keeps scheduling free of allocation on the hot path. Events are never cancelled; a handler
 * that may have a stale event pending checks a generation number it keeps itself.
 *
 * The one event style: an event is an integer kind named `EV_<WHAT>`, declared beside the handler that receives
 * it (in a shared module, like dataflow/events.ts, when other files schedule it), with a comment saying what its
 * argument is (an id, a packed pair, or a generation that makes stale events no-ops). Closures are never events:
 * a callback such as an SDK call's `done` is a plain call made by whoever completes the work.
 *
 * Layout (see docs/PERFORMANCE.md): the heap itself holds only each event's time and its slot; the slot
 * arrays hold the sequence number, target, kind and argument and never move while the event is pending. A
 * sift step therefore moves two numbers, not five, and the sequence number is read only on a tie in time.
 * (A 4-ary heap and Floyd's bottom-up deletion measured no faster here.)
 *
 * Events scheduled for the current time (a zero service, a zero-latency hop) skip the heap: they go to a FIFO
 * ring, in scheduling order. Every heap event due now was scheduled before the clock reached now, so it precedes
 * them in (time, sequence) order: the loop dispatches heap events due now first, then the ring, and moves the
 * clock on only when the ring is empty. The order of dispatch is exactly the heap's.
 */
export interface EventHandler {
  /** Called when one of this handler's events fires; `now` equals calendar.now. */
  onEvent(kind: number, arg: number, now: number): void;
}

export class EventCalendar {
  now = 0;
  eventsProcessed = 0;

  // The heap: event time and slot per position.
  private times: Float64Array;
  private slots: Int32Array;
  // Per slot: insertion sequence, target, kind, argument; free slots form a stack.
  private seqs: Float64Array;
  private targets: Int32Array;
  private kinds: Int32Array;
  private args: Float64Array;
  private freeSlots: Int32Array;
  private freeCount: number;
  private count = 0;
  private nextSeq = 0;
  private readonly handlers: EventHandler[] = [];
  private stopRequested = false;
  // The ring of events due at `now` (target, kind, argument), in scheduling order.
  private nowTargets = new Int32Array(64);
  private nowKinds = new Int32Array(64);
  private nowArgs = new Float64Array(64);
  private nowHead = 0;
  private nowCount = 0;

  constructor(initialCapacity = 1024) {
    const n = Math.max(4, initialCapacity);
    this.times = new Float64Array(n);
    this.slots = new Int32Array(n);
    this.seqs = new Float64Array(n);
    this.targets = new Int32Array(n);
    this.kinds = new Int32Array(n);
    this.args = new Float64Array(n);
    this.freeSlots = new Int32Array(n);
    for (let i = 0; i < n; i++) this.freeSlots[i] = n - 1 - i;
    this.freeCount = n;
  }

  /** Register a handler; the returned id is what `schedule` takes as target. */
  register(handler: EventHandler): number {
    this.handlers.push(handler);
    return this.handlers.length - 1;
  }

  get size(): number {
    return this.count + this.nowCount;
  }

  /** Time of the earliest pending event, or Infinity. */
  peekTime(): number {
    if (this.nowCount > 0) return this.now;
    return this.count > 0 ? this.times[0] : Infinity;
  }

  schedule(time: number, target: number, kind: number, arg = 0): void {
    if (!(time >= this.now)) {
      throw new Error(`event scheduled in the past or at NaN: ${time} < now ${this.now}`);
    }
    if (time === this.now) {
      this.pushNow(target, kind, arg);
      return;
    }
    if (this.freeCount === 0) this.grow();
    const slot = this.freeSlots[--this.freeCount];
    const seq = this.nextSeq++;
    this.seqs[slot] = seq;
    this.targets[slot] = target;
    this.kinds[slot] = kind;
    this.args[slot] = arg;
    // Sift up from the new leaf, moving parents down into the hole. A later insertion never goes above an
    // earlier one at the same time, so a tie in time stops the climb without reading the sequence.
    const times = this.times;
    const slots = this.slots;
    let i = this.count++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt <= time) break;
      times[i] = pt;
      slots[i] = slots[p];
      i = p;
    }
    times[i] = time;
    slots[i] = slot;
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
    while (!this.stopRequested) {
      if (this.nowCount > 0 && (this.count === 0 || this.times[0] > this.now)) {
        // The ring's events are due now and after every heap event due now.
        if (this.now > until) break;
        const h = this.nowHead;
        this.nowHead = h + 1 === this.nowTargets.length ? 0 : h + 1;
        this.nowCount--;
        this.eventsProcessed++;
        handlers[this.nowTargets[h]].onEvent(this.nowKinds[h], this.nowArgs[h], this.now);
        continue;
      }
      if (this.count === 0) break;
      const t = this.times[0];
      if (t > until) break;
      const slot = this.slots[0];
      const target = this.targets[slot];
      const kind = this.kinds[slot];
      const arg = this.args[slot];
      this.freeSlots[this.freeCount++] = slot;
      this.popRoot();
      this.now = t;
      this.eventsProcessed++;
      handlers[target].onEvent(kind, arg, t);
    }
    if (!this.stopRequested && this.nowCount === 0 && until !== Infinity && until > this.now && (this.count === 0 || this.times[0] > until)) {
      this.now = until;
    }
  }

  private pushNow(target: number, kind: number, arg: number): void {
    if (this.nowCount === this.nowTargets.length) this.growNow();
    let tail = this.nowHead + this.nowCount;
    if (tail >= this.nowTargets.length) tail -= this.nowTargets.length;
    this.nowTargets[tail] = target;
    this.nowKinds[tail] = kind;
    this.nowArgs[tail] = arg;
    this.nowCount++;
  }

  /** Double the ring (full), unrolled from its head. */
  private growNow(): void {
    const n = this.nowTargets.length;
    const t = new Int32Array(2 * n);
    const k = new Int32Array(2 * n);
    const a = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const j = (this.nowHead + i) % n;
      t[i] = this.nowTargets[j];
      k[i] = this.nowKinds[j];
      a[i] = this.nowArgs[j];
    }
    this.nowTargets = t;
    this.nowKinds = k;
    this.nowArgs = a;
    this.nowHead = 0;
  }

  private popRoot(): void {
    const last = --this.count;
    if (last === 0) return;
    const times = this.times;
    const slots = this.slots;
    const seqs = this.seqs;
    const t = times[last];
    const slot = slots[last];
    const s = seqs[slot];
    // Sift the last element down from the root, moving the smallest child up into the hole.
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      let ct = times[c];
      const r = c + 1;
      if (r < last) {
        const rt = times[r];
        if (rt < ct || (rt === ct && seqs[slots[r]] < seqs[slots[c]])) {
          c = r;
          ct = rt;
        }
      }
      if (t < ct || (t === ct && s < seqs[slots[c]])) break;
      times[i] = ct;
      slots[i] = slots[c];
      i = c;
    }
    times[i] = t;
    slots[i] = slot;
  }

  private grow(): void {
    const old = this.times.length;
    const n = old * 2;
    const g64 = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.times = g64(this.times);
    this.slots = g32(this.slots);
    this.seqs = g64(this.seqs);
    this.targets = g32(this.targets);
    this.kinds = g32(this.kinds);
    this.args = g64(this.args);
    // Every slot is in use (the free stack is empty): the new ones are old .. n-1.
    this.freeSlots = new Int32Array(n);
    for (let i = 0; i < n - old; i++) this.freeSlots[i] = n - 1 - i;
    this.freeCount = n - old;
  }
}
