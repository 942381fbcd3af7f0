/**
 * The scale-out budget: how many new environments a function may start, `maxNew` per `windowMs`.
 *
 * AWS documents 1,000 new execution environments every 10 s per function, "refilled continuously" (Lambda makes a
 * best attempt to refill over time rather than once every 10 s) and unused allowance does not accumulate (at any
 * time the rate is at most 1,000). Two readings are offered:
 *
 * - `continuous` (default): a token bucket of capacity `maxNew`, full at the start, refilled at `maxNew / windowMs`
 *   per ms, never above capacity. 1,000 at once, then 100 per second; after 10 idle seconds, 1,000 again.
 * - `window`: the allowance resets to `maxNew` at every multiple of `windowMs`; what is unused is lost.
 *
 * Tokens are counted exactly for integer times: the refill is computed as elapsed × maxNew / windowMs, so after
 * 1,000 ms at 1,000 per 10,000 ms exactly 100 tokens are back.
 */
export type RefillMode = 'continuous' | 'window';

/** Allow for floating point when a refill lands exactly on a whole token. */
const EPS = 1e-9;

export class ScaleOutBudget {
  private tokens: number;
  private last = 0;
  private windowIndex = 0;

  constructor(
    readonly maxNew: number,
    readonly windowMs: number,
    readonly mode: RefillMode = 'continuous',
  ) {
    this.tokens = maxNew;
  }

  /** Tokens available at `now` (fractional in continuous mode). */
  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  /** Take one token if a whole one is available at `now`. */
  tryTake(now: number): boolean {
    this.refill(now);
    if (this.tokens >= 1 - EPS) {
      this.tokens = Math.max(0, this.tokens - 1);
      return true;
    }
    return false;
  }

  private refill(now: number): void {
    if (this.mode === 'window') {
      const w = Math.floor(now / this.windowMs + EPS);
      if (w !== this.windowIndex) {
        this.windowIndex = w;
        this.tokens = this.maxNew;
      }
      return;
    }
    if (now > this.last) {
      this.tokens = Math.min(this.maxNew, this.tokens + ((now - this.last) * this.maxNew) / this.windowMs);
      this.last = now;
    }
  }
}
