/** The output side of a subtask on its own: pools, credit, the flush rule, local channels, end of partition. */
import { describe, expect, it } from 'vitest';
import { EventCalendar } from '../../src/engine/calendar.js';
import { EV_BUFFER } from '../../src/dataflow/events.js';
import { CREDIT_RADIX } from '../../src/dataflow/network.js';
import { RecordWriter } from '../../src/dataflow/record-writer.js';
import { BufferPool } from '../../src/dataflow/runs.js';

/** A writer with one edge of `subparts` subpartitions to a recording receiver (handler 0). */
function setup(opts: { pool: number; maxPerChannel: number; credit: number; local?: boolean; subparts?: number }) {
  const cal = new EventCalendar(16);
  const pool = new BufferPool();
  const sent: { t: number; channel: number; records: number; eop: boolean; backlog: number }[] = [];
  cal.register({
    onEvent: (kind, arg, now) => {
      if (kind !== EV_BUFFER) return;
      const b = pool.all[arg];
      let records = 0;
      for (let i = 0; i < b.runs.n; i++) records += b.runs.count[i];
      sent.push({ t: now, channel: b.destChannel, records, eop: b.endOfPartition, backlog: b.backlog });
      pool.release(b);
    },
  });
  const owner = { watermark: 7, freed: 0, bufferFreed: () => owner.freed++ };
  const w = new RecordWriter(owner, cal, pool, opts.maxPerChannel);
  const e = w.addEdge('rebalance', opts.pool, null);
  for (let c = 0; c < (opts.subparts ?? 1); c++) w.addSubpartition(e, 0, c, opts.credit, opts.local ?? false, opts.local ? 0 : 0.25);
  /** Write one record of 10 B into subpartition `s`, taking a buffer if needed; false if none could be had. */
  const write = (s: number) => {
    const sp = w.subparts[s];
    if (!sp.current && !w.acquire(w.edges[0], sp)) return false;
    sp.current!.runs.push(1, 10, 0, 0, 0, 1, -1);
    sp.current!.used += 10;
    return true;
  };
  const delivered = () => {
    cal.run();
    return sent.splice(0);
  };
  return { w, owner, write, delivered, pool };
}

describe('RecordWriter', () => {
  it('sends a finished buffer only against credit, after the link latency, and returns it to the pool', () => {
    const { w, owner, write, delivered } = setup({ pool: 2, maxPerChannel: 2, credit: 1 });
    const sp = w.subparts[0];
    write(0);
    w.finish(sp, 1);
    write(0);
    w.finish(sp, 1);
    expect(w.usage()).toBe(0.5); // one sent and back in the pool, one queued for want of credit
    expect(owner.freed).toBe(1);
    expect(write(0)).toBe(true);
    expect(write(0)).toBe(true); // same buffer
    expect(w.usage()).toBe(1);
    expect(delivered()).toEqual([{ t: 1.25, channel: 0, records: 1, eop: false, backlog: 0 }]); // sent before the second was queued
    w.credit(0 * CREDIT_RADIX + 1, 2);
    expect(delivered()).toEqual([{ t: 2.25, channel: 0, records: 1, eop: false, backlog: 0 }]);
    expect(owner.freed).toBe(2);
  });

  it('refuses a buffer when the pool is empty or the subpartition holds its maximum', () => {
    const a = setup({ pool: 1, maxPerChannel: 4, credit: 0, subparts: 2 });
    expect(a.write(0)).toBe(true);
    a.w.finish(a.w.subparts[0], 0);
    expect(a.write(1)).toBe(false); // pool of 1 is used
    const b = setup({ pool: 8, maxPerChannel: 1, credit: 0, subparts: 2 });
    expect(b.write(0)).toBe(true);
    b.w.finish(b.w.subparts[0], 0);
    expect(b.write(0)).toBe(false); // subpartition at its maximum
    expect(b.write(1)).toBe(true);
  });

  it("flushes a partly filled buffer only when nothing is queued ahead and there is credit (Flink's flushRequested)", () => {
    const { w, write, delivered } = setup({ pool: 4, maxPerChannel: 4, credit: 0 });
    const sp = w.subparts[0];
    write(0);
    w.finish(sp, 0); // queued, no credit
    write(0);
    w.requestFlush(sp, 0); // something queued ahead: keeps filling
    write(0);
    expect(delivered()).toEqual([]);
    w.credit(1, 1); // the queued buffer goes; the flushed one needs credit of its own
    expect(delivered()).toEqual([{ t: 1.25, channel: 0, records: 1, eop: false, backlog: 0 }]);
    write(0);
    w.credit(1, 2); // now it ships with its three records
    expect(delivered()).toEqual([{ t: 2.25, channel: 0, records: 3, eop: false, backlog: 0 }]);
  });

  it('keeps a buffer sent over a local channel in the pool until the consumer returns its credit', () => {
    const { w, owner, write, delivered } = setup({ pool: 1, maxPerChannel: 1, credit: 1, local: true });
    write(0);
    w.finish(w.subparts[0], 0);
    expect(delivered()).toEqual([{ t: 0, channel: 0, records: 1, eop: false, backlog: 0 }]);
    expect(w.usage()).toBe(1);
    expect(owner.freed).toBe(0);
    w.credit(1, 3);
    expect(w.usage()).toBe(0);
    expect(owner.freed).toBe(1);
  });

  it('ends every subpartition: ships what is written, returns an empty buffer, then the end of partition', () => {
    const { w, write, delivered, pool } = setup({ pool: 4, maxPerChannel: 4, credit: 4, subparts: 2 });
    write(0);
    w.acquire(w.edges[0], w.subparts[1]); // taken, never written
    w.endOfPartitions(5);
    expect(delivered()).toEqual([
      { t: 5.25, channel: 0, records: 1, eop: false, backlog: 0 },
      { t: 5.25, channel: 0, records: 0, eop: true, backlog: 0 },
      { t: 5.25, channel: 1, records: 0, eop: true, backlog: 0 },
    ]);
    expect(w.usage()).toBe(0);
    expect(pool.inUse).toBe(0);
  });
});
