/**
 * The event calendar's contract, which the slot-array heap (docs/PERFORMANCE.md) must keep: events in time order,
 * simultaneous ones in the order they were scheduled, across growth and slot reuse; `run(until)` and `stop()`.
 */
import { describe, expect, it } from 'vitest';
import { EventCalendar, type EventHandler } from '../../src/engine/calendar.js';
import { seededRng } from '../../src/engine/random.js';

class Recorder implements EventHandler {
  readonly seen: [number, number, number][] = [];
  onEvent(kind: number, arg: number, now: number): void {
    this.seen.push([now, kind, arg]);
  }
}

describe('EventCalendar', () => {
  it('dispatches by time, ties in scheduling order, through growth and slot reuse', () => {
    const cal = new EventCalendar(4);
    const rec = new Recorder();
    const target = cal.register(rec);
    const rng = seededRng('calendar-test');
    // Many events on few distinct times (lots of ties), scheduled in bursts between partial runs.
    const expected: [number, number, number][] = [];
    let seq = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 200; i++) {
        const t = cal.now + Math.floor(rng() * 20);
        cal.schedule(t, target, round % 7, seq);
        expected.push([t, round % 7, seq]);
        seq++;
      }
      cal.run(cal.now + 5);
    }
    cal.run();
    // Reference order: a stable sort by time keeps the scheduling order of ties.
    const order = expected.map((e, i) => ({ e, i })).sort((a, b) => a.e[0] - b.e[0] || a.i - b.i).map((x) => x.e);
    expect(rec.seen).toEqual(order);
    expect(cal.size).toBe(0);
    expect(cal.eventsProcessed).toBe(expected.length);
  });

  it('an event scheduled at the current time by a handler runs after the pending ones at that time', () => {
    const cal = new EventCalendar(2);
    const order: string[] = [];
    const a = cal.register({
      onEvent(kind: number, _arg: number, now: number) {
        order.push(`a${kind}`);
        if (kind === 0) cal.schedule(now, a, 9, 0);
      },
    });
    cal.schedule(1, a, 0, 0);
    cal.schedule(1, a, 1, 0);
    cal.schedule(1, a, 2, 0);
    cal.run();
    expect(order).toEqual(['a0', 'a1', 'a2', 'a9']);
  });

  it('run(until) stops before later events and advances the clock; stop() returns after the current event', () => {
    const cal = new EventCalendar();
    const rec = new Recorder();
    const t = cal.register(rec);
    cal.schedule(1, t, 0, 0);
    cal.schedule(5, t, 0, 1);
    cal.run(3);
    expect(rec.seen.map((e) => e[2])).toEqual([0]);
    expect(cal.now).toBe(3);
    expect(cal.peekTime()).toBe(5);
    const stopper = cal.register({ onEvent: () => cal.stop() });
    cal.schedule(4, stopper, 0, 0);
    cal.run();
    expect(cal.now).toBe(4);
    expect(rec.seen.length).toBe(1);
    cal.run();
    expect(rec.seen.map((e) => e[2])).toEqual([0, 1]);
    expect(() => cal.schedule(1, t, 0, 0)).toThrow(/past/);
    expect(() => cal.schedule(Number.NaN, t, 0, 0)).toThrow(/NaN/);
  });
});
