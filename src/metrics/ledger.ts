/**
 * The exactly-once ledger: one bit per source record (by sequence number), set when the record's journey
 * ends — its results left the sink, a filter dropped it, or a stateful operator absorbed it into its state.
 * Setting a bit twice is a duplicate; a bit never set at the end of a drained run is a loss.
 */
export class Ledger {
  private bits = new Uint32Array(1 << 12);
  emitted = 0;
  filtered = 0;
  absorbed = 0;
  duplicated = 0;

  /** Mark [seq, seq + n) complete. */
  complete(seq: number, n: number, how: 'emitted' | 'filtered' | 'absorbed'): void {
    if (n <= 0) return;
    const end = seq + n;
    this.ensure(end);
    const bits = this.bits;
    let dup = 0;
    let i = seq;
    while (i < end) {
      const w = i >>> 5;
      const lo = i & 31;
      const span = Math.min(32 - lo, end - i);
      const mask = span === 32 ? 0xffffffff : ((1 << span) - 1) << lo;
      const already = bits[w] & mask;
      if (already !== 0) dup += popcount(already);
      bits[w] |= mask;
      i += span;
    }
    this.duplicated += dup;
    const fresh = n - dup;
    if (how === 'emitted') this.emitted += fresh;
    else if (how === 'filtered') this.filtered += fresh;
    else this.absorbed += fresh;
  }

  /** Records in [0, total) never completed. */
  missing(total: number): number {
    this.ensure(total);
    let set = 0;
    const full = total >>> 5;
    for (let w = 0; w < full; w++) set += popcount(this.bits[w]);
    const rest = total & 31;
    if (rest) set += popcount(this.bits[full] & ((1 << rest) - 1));
    return total - set;
  }

  private ensure(n: number): void {
    const words = (n >>> 5) + 1;
    if (words <= this.bits.length) return;
    let cap = this.bits.length * 2;
    while (cap < words) cap *= 2;
    const b = new Uint32Array(cap);
    b.set(this.bits);
    this.bits = b;
  }
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
