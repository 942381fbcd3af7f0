/** The input side of a subtask on its own: credits, floating buffers, the order channels are read in. */
import { describe, expect, it } from 'vitest';
import { EventCalendar } from '../../src/engine/calendar.js';
import { EV_CREDIT } from '../../src/dataflow/events.js';
import { SubtaskInput } from '../../src/dataflow/input-gate.js';
import { CREDIT_RADIX } from '../../src/dataflow/network.js';
import { BufferPool } from '../../src/dataflow/runs.js';

/** An input side whose credits go to a recording sender (handler 0); `credits()` runs the calendar and returns them. */
function setup() {
  const cal = new EventCalendar(16);
  const got: { t: number; subpartition: number; credits: number }[] = [];
  cal.register({ onEvent: (kind, arg, now) => kind === EV_CREDIT && got.push({ t: now, subpartition: Math.floor(arg / CREDIT_RADIX), credits: arg % CREDIT_RADIX }) });
  const pool = new BufferPool();
  const input = new SubtaskInput(cal, pool);
  const send = (channel: number, backlog: number, now: number, watermark = -Infinity) => {
    const b = pool.take();
    b.destChannel = channel;
    b.backlog = backlog;
    b.watermark = watermark;
    b.runs.push(1, 100, now, now, 0, 1, -1);
    input.receive(b, now);
    return b;
  };
  const credits = () => {
    cal.run();
    return got.splice(0);
  };
  return { input, pool, send, credits };
}

describe('SubtaskInput', () => {
  it('gives an exclusive buffer back as one credit, after the channel latency, once it is consumed', () => {
    const { input, send, credits } = setup();
    const g = input.addGate(0);
    input.addChannel(g, 2, 0, 7, false, 0.5);
    const b = send(0, 0, 1);
    expect(input.usage()).toBe(0.5);
    expect(credits()).toEqual([]);
    expect(input.next()).toBe(b);
    input.release(3);
    expect(credits()).toEqual([{ t: 3.5, subpartition: 7, credits: 1 }]);
    expect(input.usage()).toBe(0);
  });

  it("lends the gate's floating buffers against a sender's backlog, first come first served, and passes a freed one on", () => {
    const { input, send, credits } = setup();
    const g = input.addGate(3);
    input.addChannel(g, 1, 0, 0, false, 0);
    input.addChannel(g, 1, 0, 1, false, 0);
    send(0, 4, 0); // takes the exclusive buffer; backlog 4, nothing left: 3 floating lent, 1 still wanted
    send(1, 2, 0); // exclusive taken; no floating left: waits
    expect(credits()).toEqual([{ t: 0, subpartition: 0, credits: 3 }]);
    send(0, 3, 1); // lands in a floating buffer
    expect(input.usage()).toBeCloseTo(3 / 5, 12);
    expect(input.next()!.destChannel).toBe(0);
    input.release(2); // exclusive of channel 0: a credit
    expect(input.next()!.destChannel).toBe(1);
    input.release(3); // exclusive of channel 1: a credit
    expect(input.next()!.destChannel).toBe(0);
    input.release(4); // floating: back to the gate, lent at once to channel 0, first in the waiting list
    expect(credits()).toEqual([
      { t: 2, subpartition: 0, credits: 1 },
      { t: 3, subpartition: 1, credits: 1 },
      { t: 4, subpartition: 0, credits: 1 },
    ]);
  });

  it('reads channels in the order data arrived, a channel queued once, and requeues it while it has more', () => {
    const { input, send } = setup();
    const g = input.addGate(0);
    for (let c = 0; c < 3; c++) input.addChannel(g, 4, 0, c, true, 0);
    send(2, 0, 0);
    send(0, 0, 0);
    send(2, 0, 0);
    send(1, 0, 0);
    const order: number[] = [];
    for (let b = input.next(); b; b = input.next()) {
      order.push(b.destChannel);
      input.release(0);
    }
    expect(order).toEqual([2, 0, 1, 2]);
  });

  it('ends when every channel delivered its end of partition, with the smallest channel watermark', () => {
    const { input, pool } = setup();
    const g = input.addGate(0);
    input.addChannel(g, 1, 0, 0, true, 0);
    input.addChannel(g, 1, 0, 1, true, 0);
    const data = pool.take();
    data.destChannel = 1;
    data.watermark = 40;
    input.receive(data, 0);
    const eop = pool.take();
    eop.destChannel = 0;
    eop.endOfPartition = true;
    input.receive(eop, 0);
    input.next();
    input.release(0);
    expect(input.minWatermark()).toBe(-Infinity); // channel 0 has no watermark yet
    input.next();
    input.release(0);
    expect(input.minWatermark()).toBe(40);
    expect(input.exhausted()).toBe(false);
    const eop1 = pool.take();
    eop1.destChannel = 1;
    eop1.endOfPartition = true;
    input.receive(eop1, 0);
    expect(input.exhausted()).toBe(false);
    input.next();
    expect(input.exhausted()).toBe(false); // being consumed
    input.release(0);
    expect(input.minWatermark()).toBe(Infinity);
    expect(input.exhausted()).toBe(true);
    expect(pool.inUse).toBe(0);
  });
});
