/**
 * The one FIFO queue of the simulator (buffers queued on a channel or subpartition, calls waiting for a socket,
 * waiters of a Capacity): an array read from a head index, so a take is O(1) and allocates nothing; the consumed
 * front is dropped only when it is most of the array (amortised O(1), and a queue that stays short never moves).
 */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(x: T): void {
    this.items.push(x);
  }

  /** The oldest item, left in place (undefined when empty). */
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Take the oldest item; the queue must not be empty. */
  shift(): T {
    if (this.head >= this.items.length) throw new Error('Fifo.shift on an empty queue');
    const x = this.items[this.head];
    this.items[this.head++] = undefined as T; // let it be collected
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    return x;
  }

  /** Visit the items oldest first. */
  forEach(f: (x: T) => void): void {
    for (let i = this.head; i < this.items.length; i++) f(this.items[i]);
  }
}
