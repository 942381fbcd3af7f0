/**
 * The ordered merge (like Flink's AsyncDataStream.orderedWait): results leave in the order their records
 * reached the router. Entries are appended in router order; a routed batch piece is pending until its
 * batch returns (or falls back), a local run is done at once; only a done head may leave, so a slow batch
 * holds back everything behind it (the head-of-line cost of ordering).
 */
import { Run, RunList } from '../dataflow/runs.js';

export class ReorderQueue {
  /** Entries' data (valid once done); `tag` holds 1 when done. */
  private readonly entries = new RunList(64);
  /** Router position of each entry (records before it) and how many input records it stands for. */
  private positions: number[] = [];
  private inputs: number[] = [];
  private slotBase = 0;
  /** The entry being released (handed to `release`'s callback, which must copy what it keeps). */
  private readonly out = new Run();

  get length(): number {
    return this.entries.length;
  }

  /** Append a pending entry; returns its slot (stable until released). */
  addPending(position: number, inputCount: number): number {
    this.entries.push(0, 0, 0, 0, 0, 0, -1, 0);
    this.positions.push(position);
    this.inputs.push(inputCount);
    return this.slotBase + this.entries.n - 1;
  }

  /** Append an entry already done (a local run behind pending ones). */
  addDone(position: number, inputCount: number, run: Run): number {
    this.entries.pushRun(run, 1);
    this.positions.push(position);
    this.inputs.push(inputCount);
    return this.slotBase + this.entries.n - 1;
  }

  /** Fill a pending entry with its result (count 0 when the function produced nothing). */
  complete(slot: number, run: Run): void {
    const i = slot - this.slotBase;
    this.entries.store(i, run);
    this.entries.tag[i] = 1;
  }

  /** Release done entries from the head, in order. */
  release(emit: (run: Run, position: number, inputCount: number) => void): void {
    const e = this.entries;
    while (e.head < e.n && e.tag[e.head] === 1) {
      const i = e.head++;
      emit(this.out.load(e, i), this.positions[i], this.inputs[i]);
    }
    if (e.head === e.n) {
      this.slotBase += e.n;
      e.clear();
      this.positions = [];
      this.inputs = [];
    } else if (e.head > 1024 && e.head * 2 > e.n) {
      // Drop released entries from the front; slots stay valid by moving the base.
      const dropped = e.head;
      e.compact();
      this.positions = this.positions.slice(dropped);
      this.inputs = this.inputs.slice(dropped);
      this.slotBase += dropped;
    }
  }

  /** Origins held in done entries (pending entries' origins are still in their batches). */
  heldOrigins(): number {
    const e = this.entries;
    let o = 0;
    for (let i = e.head; i < e.n; i++) if (e.tag[i] === 1) o += e.origin[i];
    return o;
  }
}
