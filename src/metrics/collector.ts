/**
 * Every metrics interval: one row of the time series, and the Flink-shaped view the controller reads.
 *
 * The time series keeps exact per-interval values. Snapshots for policies imitate what Flink's REST API
 * returns: time gauges (busy/idle/backpressured ms per second) average the last `timerWindowMs` (fewer since the
 * start) and, like every Flink view, are updated only every 5 s (View.UPDATE_INTERVAL_SECONDS; a window shorter
 * than that updates at its own length), rate meters average the last
 * `meterWindowMs` (Flink's MeterView: 60 s), pool usage, pending records and lag are instantaneous gauges.
 */
import type { Aggregate, MetricsSnapshot, OffloadPointSnapshot, VertexSnapshot } from '../policy/contract.js';
import type { LatencyRecorder } from './latency.js';
import type { Ledger } from './ledger.js';
import type { SubtaskMeter } from './meter.js';
import { TIMESERIES_COLUMNS, VERTEX_COLUMNS } from './summary.js';

/** What the collector reads from one subtask. */
export interface MeteredSubtask {
  readonly meter: SubtaskMeter;
  /** Account busy/backpressured/idle time up to `now`. */
  settleTime(now: number): void;
  inPoolUsage(): number;
  outPoolUsage(): number;
}

export interface MeteredSource {
  advanceTo(t: number): void;
  readonly pending: number;
  readonly arrived: number;
}

export interface MeteredVertex {
  id: string;
  isSource: boolean;
  /** The running subtasks (a restart at a new parallelism replaces them). */
  subtasks: MeteredSubtask[];
  /** Source only: the external queues and the intended time of the last record each subtask read. */
  sources: MeteredSource[];
  lastEmitted: () => number[];
}

/** The offload layer's side of a row and of a snapshot (zeros when there is no offload). */
export interface OffloadView {
  snapshots(now: number): OffloadPointSnapshot[];
  /** Records routed so far, records in flight now, busy environments now, cold starts and throttles so far, cost so far. */
  totals(): { routed: number; inFlight: number; concurrency: number; coldStarts: number; throttles: number; costUsd: number; share: number };
}

export interface CollectorOptions {
  intervalMs: number;
  timerWindowMs: number;
  meterWindowMs: number;
}

/** Gauge rows kept for snapshots (a snapshot reads the latest closed interval; a few more for safety). */
const GAUGES_KEPT = 64;

export class MetricsCollector {
  readonly columns: string[];
  readonly rows: number[][] = [];
  maxPending = 0;
  private lastArrived = 0;
  private lastEmitted = 0;
  private lastResults = 0;
  private lastRouted = 0;
  private lastCold = 0;
  private lastThrottles = 0;
  /**
   * Instantaneous gauges and counter totals per interval end, per vertex, one entry per subtask, for the last
   * GAUGES_KEPT intervals (a snapshot reads the latest closed interval); `gaugeBase` is the interval index of gauges[0].
   */
  private gauges: { t: number; perVertex: GaugeCells[] }[] = [];
  private gaugeBase = 0;
  /** The offload layer's counters (see attachOffload); null: no offload, zeros. */
  private offload: OffloadView | null = null;
  /** Running counter totals per vertex and subtask (records in/out, busy/backpressured/idle ms). */
  private totals: Float64Array[][];

  constructor(
    private readonly vertices: MeteredVertex[],
    private readonly ledger: Ledger,
    private readonly latency: LatencyRecorder,
    private readonly results: () => number,
    private readonly opts: CollectorOptions,
    private readonly jobStatus: () => 'RUNNING' | 'RESTARTING' = () => 'RUNNING',
  ) {
    this.columns = [...TIMESERIES_COLUMNS];
    for (const v of vertices) for (const m of VERTEX_COLUMNS) this.columns.push(`${v.id}.${m}`);
    this.totals = vertices.map((v) => COUNTERS.map(() => new Float64Array(v.subtasks.length)));
  }

  /**
   * Give the collector the offload layer's view, once, before the run. A wiring step rather than a constructor
   * argument: the job creates its collector, and the offload points are built on the job afterwards.
   */
  attachOffload(view: OffloadView): void {
    if (this.offload) throw new Error('the collector already has an offload view');
    this.offload = view;
  }

  /**
   * Vertex vi's running totals, one per subtask index, grown when a rescale added subtasks: a Float64Array drops
   * writes past its end, so the new subtasks' counters were lost and a policy saw records vanish between a vertex
   * and the next (issue 15's phantom backlog). Subtask k of the new incarnation continues subtask k's totals.
   */
  private totalsFor(vi: number, n: number): Float64Array[] {
    const tot = this.totals[vi];
    if (tot[0].length >= n) return tot;
    this.totals[vi] = tot.map((a) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    });
    return this.totals[vi];
  }

  /** Close the interval ending at `t` (ms): settle gauges and append one row. */
  tick(t: number): void {
    const interval = this.opts.intervalMs;
    const i = Math.round(t / interval) - 1;
    const perSecond = 1000 / interval;
    let arrived = 0;
    let pending = 0;
    let lag = 0;
    let read = 0;
    const gaugeRow: (typeof this.gauges)[number] = { t, perVertex: [] };
    const vertexCells: number[] = [];
    this.vertices.forEach((v, vi) => {
      const g: GaugeCells = { inPool: [], outPool: [], pending: [], lag: [], counters: [] };
      if (v.isSource) {
        const last = v.lastEmitted();
        v.sources.forEach((s, k) => {
          s.advanceTo(t);
          arrived += s.arrived;
          pending += s.pending;
          g.pending.push(s.pending);
          const l = Number.isNaN(last[k]) ? 0 : Math.max(0, t - last[k]);
          g.lag.push(l);
          if (l > lag) lag = l;
        });
      }
      let busy = 0;
      let bp = 0;
      let idle = 0;
      let recIn = 0;
      let recOut = 0;
      let inPool = 0;
      let outPool = 0;
      const tot = this.totalsFor(vi, v.subtasks.length);
      v.subtasks.forEach((s, k) => {
        s.settleTime(t);
        const cells = [s.meter.recordsIn.get(i), s.meter.recordsOut.get(i), Math.min(interval, s.meter.busy.get(i)),
          Math.min(interval, s.meter.backpressured.get(i)), Math.min(interval, s.meter.idle.get(i))];
        for (let c = 0; c < cells.length; c++) tot[c][k] += cells[c];
        recIn += cells[0];
        recOut += cells[1];
        busy += cells[2];
        bp += cells[3];
        idle += cells[4];
        const ip = s.inPoolUsage();
        const op = s.outPoolUsage();
        g.inPool.push(ip);
        g.outPool.push(op);
        inPool += ip;
        outPool += op;
      });
      g.counters = tot.map((a) => Array.from(a));
      if (v.isSource) read += recOut;
      const n = v.subtasks.length;
      vertexCells.push((busy / n) * perSecond, (bp / n) * perSecond, (idle / n) * perSecond, recIn * perSecond, recOut * perSecond, inPool / n, outPool / n);
      gaugeRow.perVertex.push(g);
    });
    this.gauges.push(gaugeRow);
    if (this.gauges.length >= 2 * GAUGES_KEPT) {
      this.gauges = this.gauges.slice(GAUGES_KEPT);
      this.gaugeBase += GAUGES_KEPT;
    }
    this.discardOldIntervals(t);
    if (pending > this.maxPending) this.maxPending = pending;
    const lat = this.latency.takeInterval();
    const emitted = this.ledger.emitted + this.ledger.absorbed;
    const results = this.results();
    const off = this.offload?.totals() ?? { routed: 0, inFlight: 0, concurrency: 0, coldStarts: 0, throttles: 0, costUsd: 0, share: 0 };
    const row = [
      t / 1000,
      (arrived - this.lastArrived) * perSecond,
      read * perSecond,
      (off.routed - this.lastRouted) * perSecond,
      (emitted - this.lastEmitted) * perSecond,
      (results - this.lastResults) * perSecond,
      pending,
      lag,
      lat.p50,
      lat.p99,
      lat.max,
      off.inFlight,
      off.concurrency,
      off.coldStarts - this.lastCold,
      off.throttles - this.lastThrottles,
      off.costUsd,
      off.share,
      this.jobStatus() === 'RUNNING' ? 0 : 1,
      ...vertexCells,
    ];
    this.lastArrived = arrived;
    this.lastEmitted = emitted;
    this.lastResults = results;
    this.lastRouted = off.routed;
    this.lastCold = off.coldStarts;
    this.lastThrottles = off.throttles;
    this.rows.push(row);
  }

  /**
   * A snapshot describes a time at or after the last closed interval and reads the per-interval series back
   * to its timer or meter window before the last window update: older intervals are dropped, so that memory
   * stays flat however long the trace.
   */
  private discardOldIntervals(t: number): void {
    const back = this.opts.timerWindowMs + Math.max(this.opts.timerWindowMs, this.opts.meterWindowMs);
    const keepFrom = Math.floor((t - back) / this.opts.intervalMs) - 2;
    if (keepFrom <= 0) return;
    for (const v of this.vertices) for (const s of v.subtasks) s.meter.discardBefore(keepFrom);
  }

  /**
   * The snapshot a controller receives at `receivedMs` describing time `tMs` (a closed interval end),
   * aggregated over subtasks as Flink's REST API does.
   */
  snapshot(tMs: number, receivedMs: number): MetricsSnapshot {
    const interval = this.opts.intervalMs;
    const timerW = this.opts.timerWindowMs;
    const meterW = this.opts.meterWindowMs;
    // Views update every 5 s (Flink's ViewUpdater), whatever their window: the last update at or before tMs.
    const every = Math.min(VIEW_UPDATE_MS, timerW);
    const update = Math.floor(tMs / every) * every;
    const timerFrom = Math.max(0, update - timerW);
    const meterFrom = Math.max(0, update - meterW);
    const gaugeIndex = Math.round(tMs / interval) - 1 - this.gaugeBase;
    const gauge = gaugeIndex >= 0 && gaugeIndex < this.gauges.length ? this.gauges[gaugeIndex] : undefined;
    const vertices: VertexSnapshot[] = this.vertices.map((v, vi) => {
      const busy: number[] = [];
      const bp: number[] = [];
      const idle: number[] = [];
      const rin: number[] = [];
      const rout: number[] = [];
      for (const s of v.subtasks) {
        const span = update - timerFrom;
        const perSec = (series: { get(i: number): number }) => (span > 0 ? (sumRange(series, timerFrom, update, interval, true) * 1000) / span : 0);
        busy.push(perSec(s.meter.busy));
        bp.push(perSec(s.meter.backpressured));
        idle.push(span > 0 ? perSec(s.meter.idle) : 1000);
        const mspan = update - meterFrom;
        rin.push(mspan > 0 ? (sumRange(s.meter.recordsIn, meterFrom, update, interval) * 1000) / mspan : 0);
        rout.push(mspan > 0 ? (sumRange(s.meter.recordsOut, meterFrom, update, interval) * 1000) / mspan : 0);
      }
      const g = gauge?.perVertex[vi];
      const metrics: VertexSnapshot['metrics'] = {
        busyTimeMsPerSecond: aggregate(busy),
        backPressuredTimeMsPerSecond: aggregate(bp),
        idleTimeMsPerSecond: aggregate(idle),
        numRecordsInPerSecond: aggregate(rin),
        numRecordsOutPerSecond: aggregate(rout),
        'buffers.inPoolUsage': aggregate(g?.inPool ?? v.subtasks.map(() => 0)),
        'buffers.outPoolUsage': aggregate(g?.outPool ?? v.subtasks.map(() => 0)),
      };
      // Counters as of the interval end, exact (what the REST API's task counters would read at that moment).
      COUNTERS.forEach((name, c) => {
        metrics[name] = aggregate(g?.counters[c] ?? v.subtasks.map(() => 0));
      });
      if (v.isSource) {
        metrics.pendingRecords = aggregate(g?.pending ?? v.subtasks.map(() => 0));
        metrics.currentEmitEventTimeLag = aggregate(g?.lag ?? v.subtasks.map(() => 0));
      }
      return { id: v.id, parallelism: v.subtasks.length, metrics };
    });
    return {
      tMs,
      receivedMs,
      windowMs: update - timerFrom,
      vertices,
      offload: this.offload?.snapshots(tMs) ?? [],
      ...(this.jobStatus() === 'RUNNING' ? {} : { jobStatus: this.jobStatus() }),
    };
  }
}

/** Flink's ViewUpdater period (org.apache.flink.metrics.View.UPDATE_INTERVAL_SECONDS = 5). */
const VIEW_UPDATE_MS = 5000;

/** The task counters snapshots carry, in the order of GaugeCells.counters. */
const COUNTERS = ['numRecordsIn', 'numRecordsOut', 'accumulateBusyTimeMs', 'accumulateBackPressuredTimeMs', 'accumulateIdleTimeMs'] as const;

interface GaugeCells {
  inPool: number[];
  outPool: number[];
  pending: number[];
  lag: number[];
  /** Per counter (COUNTERS order), per subtask: the total at the interval end. */
  counters: number[][];
}

/** Sum of a per-interval series over [from, to) ms; time series are clamped to the interval length. */
function sumRange(series: { get(i: number): number }, from: number, to: number, interval: number, isTime = false): number {
  let s = 0;
  for (let i = Math.round(from / interval); i < Math.round(to / interval); i++) {
    const v = series.get(i);
    s += isTime ? Math.min(interval, v) : v;
  }
  return s;
}

export function aggregate(values: number[]): Aggregate {
  if (values.length === 0) return { min: 0, max: 0, avg: 0, sum: 0 };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, max, avg: sum / values.length, sum };
}
