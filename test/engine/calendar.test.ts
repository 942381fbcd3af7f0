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

  it('keeps (time, scheduling order) when handlers schedule for the current time (the ring), through stops and growth', () => {
    // The same random handler logic on the calendar and on a naive reference (a list scanned for the least
    // (time, sequence)); every event id, time and the clock must agree, including after stop() with the ring non-empty.
    const rng = seededRng('calendar-ring');
    const draws: number[] = [];
    for (let i = 0; i < 200000; i++) draws.push(rng());
    type Ev = { t: number; seq: number; id: number };
    const runBoth = (useCalendar: boolean): string[] => {
      const log: string[] = [];
      let d = 0;
      let nextId = 0;
      const cal = new EventCalendar(4);
      const ref: Ev[] = [];
      let refNow = 0;
      let refSeq = 0;
      let stop = false;
      const schedule = (t: number) => {
        const id = nextId++;
        if (useCalendar) cal.schedule(t, target, 0, id);
        else ref.push({ t, seq: refSeq++, id });
      };
      const handle = (id: number, now: number) => {
        log.push(`${now}:${id}`);
        const r = draws[d++ % draws.length];
        // Fan out up to 3 events, most of them due now (up to ~200 queued at once: the ring grows).
        const k = r < 0.3 ? 0 : r < 0.6 ? 1 : r < 0.9 ? 2 : 3;
        for (let j = 0; j < k && nextId < 20000; j++) {
          const u = draws[d++ % draws.length];
          schedule(now + (u < 0.7 ? 0 : u < 0.85 ? 1 : 2.5));
        }
        if (draws[d++ % draws.length] < 0.01) {
          if (useCalendar) cal.stop();
          else stop = true;
        }
      };
      const target = cal.register({ onEvent: (_k, arg, now) => handle(arg, now) });
      for (let i = 0; i < 50; i++) schedule(Math.floor(draws[d++] * 5));
      for (let round = 0; round < 100000; round++) {
        if (useCalendar) {
          if (cal.size === 0) break;
          cal.run();
          log.push(`stop@${cal.now}`);
        } else {
          if (ref.length === 0) break;
          stop = false;
          while (ref.length > 0 && !stop) {
            let b = 0;
            for (let i = 1; i < ref.length; i++) if (ref[i].t < ref[b].t || (ref[i].t === ref[b].t && ref[i].seq < ref[b].seq)) b = i;
            const [e] = ref.splice(b, 1);
            refNow = e.t;
            handle(e.id, refNow);
          }
          log.push(`stop@${refNow}`);
        }
      }
      return log;
    };
    const got = runBoth(true);
    expect(got.length).toBeGreaterThan(20000);
    expect(got.filter((x) => x.startsWith('stop@')).length).toBeGreaterThan(50);
    expect(got).toEqual(runBoth(false));
  });

  it('runs nothing due now when asked to stop before now, and reports the ring in size and peekTime', () => {
    const cal = new EventCalendar();
    const rec = new Recorder();
    const t = cal.register(rec);
    cal.schedule(2, t, 0, 0);
    cal.run();
    cal.schedule(2, t, 0, 1); // due now: the ring
    cal.schedule(3, t, 0, 2);
    expect(cal.size).toBe(2);
    expect(cal.peekTime()).toBe(2);
    cal.run(1);
    expect(rec.seen.map((e) => e[2])).toEqual([0]);
    cal.run(2);
    expect(rec.seen.map((e) => e[2])).toEqual([0, 1]);
    expect(cal.now).toBe(2);
    expect(cal.peekTime()).toBe(3);
  });
});
