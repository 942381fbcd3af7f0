/**
 * Engine core on the reference tandem: the model of ../shared/reference/bench/tandem.cpp (Poisson arrivals,
 * three exponential stations of mean 1, an unbounded queue before station 0, at most K records at stations 1
 * and 2 counting the one in service, blocking after service) written directly on EventCalendar, with the same
 * event structure (one arrival event and one finish event per record and station: 4 events per record). It
 * measures the engine (calendar, dispatch, a seeded stream) on the same work as the C++ loop, without the
 * Flink layer.
 */
import { EventCalendar, type EventHandler } from '../src/engine/calendar.js';
import { seededRng, type Rng } from '../src/engine/random.js';
import { measured, stopwatch, type Measurement } from './common.js';

const S = 3;
const ARRIVAL = 0;
const FINISH = 1;

/** A FIFO of arrival times per station (a growable ring). */
class TimeQueue {
  private buf = new Float64Array(1024);
  private head = 0;
  length = 0;
  push(t: number): void {
    if (this.length === this.buf.length) {
      const b = new Float64Array(this.buf.length * 2);
      for (let i = 0; i < this.length; i++) b[i] = this.buf[(this.head + i) & (this.buf.length - 1)];
      this.buf = b;
      this.head = 0;
    }
    this.buf[(this.head + this.length++) & (this.buf.length - 1)] = t;
  }
  shift(): number {
    const v = this.buf[this.head];
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.length--;
    return v;
  }
}

class Tandem implements EventHandler {
  id = 0;
  arrived = 0;
  done = 0;
  sumLatency = 0;
  private readonly q = Array.from({ length: S }, () => new TimeQueue());
  private readonly busy = new Uint8Array(S);
  private readonly blocked = new Uint8Array(S);
  constructor(
    private readonly cal: EventCalendar,
    private readonly rng: Rng,
    private readonly n: number,
    private readonly lambda: number,
    private readonly k: number,
  ) {}
  private exp(rate: number): number {
    return -Math.log(1 - this.rng()) / rate;
  }
  private start(s: number, now: number): void {
    if (!this.busy[s] && !this.blocked[s] && this.q[s].length > 0) {
      this.busy[s] = 1;
      this.cal.schedule(now + this.exp(1), this.id, FINISH, s);
    }
  }
  private pass(s: number, now: number): void {
    this.q[s + 1].push(this.q[s].shift());
    this.start(s + 1, now);
    this.start(s, now);
  }
  onEvent(kind: number, s: number, now: number): void {
    if (kind === ARRIVAL) {
      this.arrived++;
      this.q[0].push(now);
      this.start(0, now);
      if (this.arrived < this.n) this.cal.schedule(now + this.exp(this.lambda), this.id, ARRIVAL, 0);
      return;
    }
    this.busy[s] = 0;
    if (s === S - 1) {
      this.done++;
      this.sumLatency += now - this.q[s].shift();
      if (this.done === this.n) this.cal.stop();
      this.start(s, now);
    } else if (this.q[s + 1].length >= this.k) this.blocked[s] = 1;
    else this.pass(s, now);
    // A departure may unblock upstream stations, nearest first.
    for (let u = s - 1; u >= 0; u--) {
      if (!this.blocked[u] || this.q[u + 1].length >= this.k) break;
      this.blocked[u] = 0;
      this.pass(u, now);
    }
  }
}

/** Run `records` records through the tandem at arrival rate `lambda` with station capacity `k`. */
export function benchEngineTandem(records: number, lambda: number, k: number): Measurement {
  const cal = new EventCalendar(64);
  const t = new Tandem(cal, seededRng('bench-engine-tandem'), records, lambda, k);
  t.id = cal.register(t);
  cal.schedule(0, t.id, ARRIVAL, 0);
  const stop = stopwatch();
  cal.run();
  const [wallS, cpuS] = stop();
  const events = cal.eventsProcessed;
  const figures = { recordsPerCpuSecond: Math.round(t.done / cpuS), eventsPerCpuSecond: Math.round(events / cpuS), eventsPerSecond: Math.round(events / wallS) };
  const perRecord = Math.round((events / t.done) * 100) / 100;
  return measured(wallS, cpuS, figures, { records: t.done, events, eventsPerRecord: perRecord, meanLatency: Math.round((t.sumLatency / t.done) * 1e4) / 1e4, k });
}
