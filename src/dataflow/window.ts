/**
 * A keyed tumbling event-time window count on one subtask. Records are assigned to windows by their intended
 * arrival time (the event time); a window fires when the subtask's watermark passes its end plus the allowed
 * out-of-orderness, emitting one result per distinct key. Records with known keys (per-record simulation) are
 * counted exactly; runs of mixed keys add the expected number of distinct keys among n draws from this
 * subtask's share of the key distribution: Σ_k 1 − (1 − q_k)^n.
 */
import type { Rng } from '../engine/random.js';

interface WindowAcc {
  start: number;
  keys: Map<number, number>;
  mixed: number;
}

export interface WindowOwner {
  enqueueWork(count: number, bytes: number, aFirst: number, aLast: number, seq: number, origin: number, key: number, startOp: number, now: number): void;
}

export class WindowState {
  private readonly open = new Map<number, WindowAcc>();
  fired = 0;
  results = 0;
  /** Records counted into fired windows, and an order-independent digest of every (window, key, count). */
  counted = 0;
  digest = 0;

  constructor(
    private readonly opIndex: number,
    private readonly sizeMs: number,
    private readonly outOfOrdernessMs: number,
    private readonly outputBytes: number,
    /** This subtask's conditional key probabilities (for runs of mixed keys). */
    private readonly keyProbs: Float64Array,
  ) {}

  /** Add `count` records spread over [aFirst, aLast] (split across window boundaries by time). */
  absorb(count: number, key: number, aFirst: number, aLast: number, _rng: Rng): void {
    const size = this.sizeMs;
    let w = Math.floor(aFirst / size) * size;
    const lastW = Math.floor(aLast / size) * size;
    if (w === lastW || count === 1) {
      this.add(lastW === w ? w : Math.floor(((aFirst + aLast) / 2) / size) * size, count, key);
      return;
    }
    const span = aLast - aFirst;
    let done = 0;
    while (w <= lastW) {
      const end = Math.min(aLast, w + size);
      const upto = w === lastW ? count : Math.round((count * (end - aFirst)) / span);
      if (upto > done) this.add(w, upto - done, key);
      done = Math.max(done, upto);
      w += size;
    }
  }

  private add(start: number, n: number, key: number): void {
    let acc = this.open.get(start);
    if (!acc) {
      acc = { start, keys: new Map(), mixed: 0 };
      this.open.set(start, acc);
    }
    if (key >= 0) acc.keys.set(key, (acc.keys.get(key) ?? 0) + n);
    else acc.mixed += n;
  }

  /** Fire every window the watermark has passed, in event-time order, as mailbox work for the chain's rest. */
  advance(watermark: number, owner: WindowOwner, now: number): void {
    const due: WindowAcc[] = [];
    for (const acc of this.open.values()) {
      if (acc.start + this.sizeMs + this.outOfOrdernessMs <= watermark) due.push(acc);
    }
    if (due.length === 0) return;
    due.sort((a, b) => a.start - b.start);
    for (const acc of due) {
      this.open.delete(acc.start);
      this.fired++;
      const end = acc.start + this.sizeMs;
      const next = this.opIndex + 1;
      if (acc.mixed === 0) {
        // Exact keys: one result per key, keeping the key for hash partitioning downstream.
        for (const k of [...acc.keys.keys()].sort((a, b) => a - b)) {
          const n = acc.keys.get(k)!;
          owner.enqueueWork(1, this.outputBytes, end, end, 0, 0, k, next, now);
          this.results++;
          this.counted += n;
          this.digest = (this.digest + resultHash(acc.start, k, n)) >>> 0;
        }
      } else {
        const distinct = this.distinctEstimate(acc);
        let n = acc.mixed;
        for (const c of acc.keys.values()) n += c;
        this.counted += n;
        this.digest = (this.digest + resultHash(acc.start, -1, n)) >>> 0;
        if (distinct > 0) {
          owner.enqueueWork(distinct, this.outputBytes, end, end, 0, 0, -1, next, now);
          this.results += distinct;
        }
      }
    }
  }

  /** Exact keys plus the expected number of new distinct keys among the mixed records, rounded. */
  private distinctEstimate(acc: WindowAcc): number {
    const q = this.keyProbs;
    let expected = 0;
    for (let k = 0; k < q.length; k++) {
      if (q[k] > 0 && !acc.keys.has(k)) expected += 1 - Math.pow(1 - q[k], acc.mixed);
    }
    return acc.keys.size + Math.round(expected);
  }

  get openWindows(): number {
    return this.open.size;
  }
}

/** A 32-bit hash of one window result (FNV-1a over its three numbers), summed for an order-free digest. */
function resultHash(start: number, key: number, count: number): number {
  let h = 0x811c9dc5;
  for (const v of [start, key, count]) {
    let x = Math.floor(v);
    for (let i = 0; i < 6; i++) {
      h ^= x & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
      x = Math.floor(x / 256);
    }
  }
  return h;
}
