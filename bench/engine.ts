/**
 * Engine alone: EventCalendar schedule + dispatch in the classic "hold" model. The calendar starts with P
 * pending events; each dispatched event schedules one more at now + an exponential delay, so the pending
 * set stays at P. Delays are drawn before timing (a ring of 64 Ki precomputed values) so the figure is the
 * calendar's own cost plus one virtual call to a trivial handler, not the random generator's.
 */
import { EventCalendar, type EventHandler } from '../src/engine/calendar.js';
import { seededRng } from '../src/engine/random.js';
import { peakRssMb, rssMb, stopwatch, type Measurement } from './common.js';

const RING = 1 << 16;

class Hold implements EventHandler {
  target = 0;
  private i = 0;
  constructor(
    private readonly cal: EventCalendar,
    private readonly delays: Float64Array,
  ) {}
  onEvent(kind: number, arg: number, now: number): void {
    const d = this.delays[this.i];
    this.i = (this.i + 1) & (RING - 1);
    this.cal.schedule(now + d, this.target, kind, arg);
  }
}

export function benchEngine(pending: number, events: number): Measurement {
  const rng = seededRng('bench-engine');
  const delays = new Float64Array(RING);
  for (let i = 0; i < RING; i++) delays[i] = -Math.log(1 - rng()) * pending; // mean gap 1 between events
  const cal = new EventCalendar(1024);
  const h = new Hold(cal, delays);
  h.target = cal.register(h);
  for (let i = 0; i < pending; i++) cal.schedule(delays[(i * 7919) & (RING - 1)], h.target, i & 3, i);
  // Warm up (JIT) on a tenth of the events, then time the rest.
  const warm = Math.floor(events / 10);
  cal.run(cal.now + warm);
  const before = cal.eventsProcessed;
  const stop = stopwatch();
  cal.run(cal.now + events);
  const [wallS, cpuS] = stop();
  const n = cal.eventsProcessed - before;
  return {
    wallS,
    cpuS,
    peakRssMb: peakRssMb(),
    rssMb: rssMb(),
    figures: { eventsPerSecond: Math.round(n / wallS), eventsPerCpuSecond: Math.round(n / cpuS) },
    facts: { pending: cal.size, events: n },
  };
}
