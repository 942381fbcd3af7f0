/**
 * How many records of a run go out: a share applied deterministically by a credit accumulator (so a share
 * of 0.3 sends exactly 3 records in 10 over time, with no random noise), then an optional records-per-second
 * cap as a token bucket holding at most one second of tokens.
 */
export class ShareRouter {
  private credit = 0;
  private tokens = 0;
  private lastRefill = 0;

  /** Records to route out of `count` at time `now` (ms). */
  take(count: number, share: number, maxRateRps: number | undefined, now: number): number {
    if (share <= 0 || count <= 0) return 0;
    this.credit += count * Math.min(1, share);
    let n = Math.min(count, Math.floor(this.credit + 1e-9));
    if (maxRateRps !== undefined && Number.isFinite(maxRateRps)) {
      this.tokens = Math.min(maxRateRps, this.tokens + ((now - this.lastRefill) / 1000) * maxRateRps);
      this.lastRefill = now;
      n = Math.min(n, Math.floor(this.tokens));
      this.tokens -= n;
    }
    this.credit -= n;
    // Credit that could not be used (rate cap) is not banked: a cap means "at most this rate", not "later".
    if (this.credit > 1) this.credit = 1;
    return n;
  }
}
