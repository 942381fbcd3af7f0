/**
 * The one "capacity with waiters" of the simulator: `limit` units of something (floating buffers of an input gate,
 * an SDK client's sockets, a lane's invocation slots, an output pool's buffers), `used` of them taken, and a FIFO
 * of waiters. What a waiter is and what a grant does stay with the owner: `grantWaiters` calls the owner's `grant`
 * for the oldest waiter while a unit is free; `grant` takes what it needs (or waits again). The limit may change
 * (a lane's slots follow the policy's maxInFlight); `used` above it just means no grant until enough come back.
 */
import { Fifo } from './fifo.js';

export class Capacity<W = never> {
  used = 0;
  readonly waiters = new Fifo<W>();

  constructor(public limit: number) {}

  get free(): number {
    return this.limit - this.used;
  }

  /** Take n units if that many are free. */
  tryTake(n = 1): boolean {
    if (this.used + n > this.limit) return false;
    this.used += n;
    return true;
  }

  /** Return n units (grantWaiters hands them on). */
  give(n = 1): void {
    this.used -= n;
  }

  wait(w: W): void {
    this.waiters.push(w);
  }

  /** While a unit is free, the oldest waiter leaves the queue and `grant` is called for it (oldest first). */
  grantWaiters(grant: (w: W) => void): void {
    while (this.used < this.limit && this.waiters.length > 0) grant(this.waiters.shift());
  }
}
