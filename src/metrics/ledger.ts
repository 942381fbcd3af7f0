/**
 * The exactly-once ledger: one bit per source record (by sequence number), set when the record's journey
 * ends — its results left the sink, a filter dropped it, or a stateful operator absorbed it into its state.
 * Setting a bit twice is a duplicate; a bit never set at the end of a drained run is a loss.
 *
 * Only the window of records still in flight is kept: the bitset starts at `baseBit`, every record below it
 * is complete, and fully set words at the front are dropped when the window would otherwise grow. Records
 * complete roughly in sequence order, so memory follows the records in flight, not the length of the trace
 * (a bitset of every record would be 22 MB per hour at 50,000 records/s). Sequence numbers may exceed 2^32.
 */
export class Ledger {
  private bits = new Uint32Array(1 << 12);
  /** Sequence number of bit 0 of `bits` (a multiple of 32); every record below it is complete. */
  private baseBit = 0;
  emitted = 0;
  filtered = 0;
  absorbed = 0;
  duplicated = 0;

  /** Mark [seq, seq + n) complete. */
  complete(seq: number, n: number, how: 'emitted' | 'filtered' | 'absorbed'): void {
    if (n <= 0) return;
    const end = seq + n;
    let dup = 0;
    let i = seq;
    if (i < this.baseBit) {
      // Below the window: complete already.
      const below = Math.min(end, this.baseBit) - i;
      dup += below;
      i += below;
    }
    if (i < end) {
      this.ensure(end);
      const bits = this.bits;
      const base = this.baseBit;
      while (i < end) {
        const r = i - base;
        const w = r >>> 5;
        const lo = r & 31;
        const span = Math.min(32 - lo, end - i);
        const mask = span === 32 ? 0xffffffff : ((1 << span) - 1) << lo;
        const already = bits[w] & mask;
        if (already !== 0) dup += popcount(already);
        bits[w] |= mask;
        i += span;
      }
    }
    this.duplicated += dup;
    const fresh = n - dup;
    if (how === 'emitted') this.emitted += fresh;
    else if (how === 'filtered') this.filtered += fresh;
    else this.absorbed += fresh;
  }

  /** Records in [0, total) never completed. */
  missing(total: number): number {
    if (total <= this.baseBit) return 0;
    const rel = total - this.baseBit;
    const words = Math.min(this.bits.length, Math.ceil(rel / 32));
    let set = 0;
    const full = Math.min(words, Math.floor(rel / 32));
    for (let w = 0; w < full; w++) set += popcount(this.bits[w]);
    const rest = rel & 31;
    if (rest && full < this.bits.length) set += popcount(this.bits[full] & ((1 << rest) - 1));
    return rel - set;
  }

  /** Words of the window held now (for tests of the memory bound). */
  get windowWords(): number {
    return this.bits.length;
  }

  /** Make room for bits below `end`: drop complete words at the front if that frees half, else grow. */
  private ensure(end: number): void {
    const words = Math.floor((end - this.baseBit) / 32) + 1;
    if (words <= this.bits.length) return;
    const bits = this.bits;
    let full = 0;
    while (full < bits.length && bits[full] === 0xffffffff) full++;
    if (full > 0) {
      bits.copyWithin(0, full);
      bits.fill(0, bits.length - full);
      this.baseBit += full * 32;
    }
    const need = Math.floor((end - this.baseBit) / 32) + 1;
    if (need <= bits.length && full * 2 >= bits.length) return;
    let cap = bits.length;
    while (cap < need || (full * 2 < bits.length && cap < bits.length * 2)) cap *= 2;
    if (cap === bits.length) return;
    const b = new Uint32Array(cap);
    b.set(bits);
    this.bits = b;
  }
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** A deliberate fault for tests: the ledger never hears of one record, or hears of it twice. */
export interface LedgerFault {
  kind: 'drop' | 'repeat';
  /** Sequence number of the record. */
  seq: number;
}

/**
 * Make `ledger` see `fault` (test hook: proves a run with a lost or duplicated record fails loudly end to end;
 * set through RunOptions.fault or SPILLWAY_TEST_FAULT=drop:<seq> | repeat:<seq>).
 */
export function injectLedgerFault(ledger: Ledger, fault: LedgerFault): void {
  const complete = ledger.complete.bind(ledger);
  ledger.complete = (seq, n, how) => {
    const hit = fault.seq >= seq && fault.seq < seq + n;
    if (!hit) return complete(seq, n, how);
    if (fault.kind === 'repeat') {
      complete(seq, n, how);
      complete(fault.seq, 1, how);
      return;
    }
    complete(seq, fault.seq - seq, how);
    complete(fault.seq + 1, seq + n - fault.seq - 1, how);
  };
}

/** Parse SPILLWAY_TEST_FAULT (`drop:<seq>` or `repeat:<seq>`); undefined when unset. */
export function faultFromEnv(value: string | undefined): LedgerFault | undefined {
  if (!value) return undefined;
  const m = /^(drop|repeat):(\d+)$/.exec(value);
  if (!m) throw new Error(`SPILLWAY_TEST_FAULT=${value}: expected drop:<seq> or repeat:<seq>`);
  return { kind: m[1] as LedgerFault['kind'], seq: Number(m[2]) };
}
