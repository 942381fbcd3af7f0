/**
 * The Flink Kubernetes Operator autoscaler's control loop on Flink-shaped snapshots: after a (re)start it
 * waits the stabilization interval, then collects metrics until the metrics window is full, then computes a
 * parallelism per vertex (autoscaler-math.ts) and asks for it when a vertex that would change is outside its
 * utilization bounds. Scale-downs wait `scale-down.interval` and take the largest parallelism recommended
 * meanwhile. Option names and defaults are the operator's (AutoScalerOptions.java); durations in seconds.
 */
import type { MetricsSnapshot, ParamValue, PolicyContext } from './contract.js';
import { computeParallelism, outsideUtilizationBound, type ScalerOptions, type VertexLoad } from './autoscaler-math.js';
import { numberParam, type PolicyParamSpec } from './params.js';
import { readMetric } from './signals.js';

export const AUTOSCALER_PARAMS: PolicyParamSpec[] = [
  { name: 'metrics.window', description: 'job.autoscaler.metrics.window: metrics aggregation window, s', default: 900, min: 1, max: 86400 },
  { name: 'stabilization.interval', description: 'job.autoscaler.stabilization.interval: no metrics collected and no scaling this long after a (re)start, s', default: 300, min: 0, max: 86400 },
  { name: 'utilization.target', description: 'job.autoscaler.utilization.target: busy fraction a vertex is sized for', default: 0.7, min: 0.01, max: 1 },
  { name: 'utilization.max', description: 'job.autoscaler.utilization.max: scale up when the load needs more than this (unset in the operator: target + boundary 0.3)', default: 1, min: 0.01, max: 1 },
  { name: 'utilization.min', description: 'job.autoscaler.utilization.min: scale down when the load needs less than this (unset: target - boundary 0.3)', default: 0.4, min: 0, max: 1 },
  { name: 'catch-up.duration', description: 'job.autoscaler.catch-up.duration: process the backlog within this, s (0 = no backlog-based scaling)', default: 1800, min: 0, max: 86400 },
  { name: 'restart.time', description: 'job.autoscaler.restart.time: expected restart time, s', default: 300, min: 0, max: 86400 },
  { name: 'scale-up.max-factor', description: 'job.autoscaler.scale-up.max-factor', default: 100000, min: 0 },
  { name: 'scale-down.max-factor', description: 'job.autoscaler.scale-down.max-factor', default: 0.6, min: 0, max: 1 },
  { name: 'scale-down.interval', description: 'job.autoscaler.scale-down.interval: delay before a scale-down is executed, s (0 = at once)', default: 3600, min: 0, max: 86400 },
  { name: 'vertex.min-parallelism', description: 'job.autoscaler.vertex.min-parallelism', default: 1, min: 1, integer: true },
  { name: 'vertex.max-parallelism', description: 'job.autoscaler.vertex.max-parallelism', default: 200, min: 1, integer: true },
];

interface Sample {
  tMs: number;
  /** TRUE_PROCESSING_RATE per vertex: numRecordsInPerSecond / (busyTimeMsPerSecond MAX / 1000). */
  tpr: Map<string, number>;
  /** Records the vertex gets per record the sources read (its input ratio). */
  ratio: Map<string, number>;
  /** What arrives at the sources: what they read + the growth of their backlog, records/s. */
  sourceRate: number;
}

export interface AutoscalerStep {
  /** The parallelism asked for, only when a rescale is decided. */
  parallelism?: Record<string, number>;
  /** True while the autoscaler cannot act yet (restarting, stabilizing, filling its window). */
  waiting: boolean;
  note: string;
}

export class AutoscalerCore {
  private readonly o: ScalerOptions;
  private readonly windowMs: number;
  private readonly stabilizationMs: number;
  private readonly scaleDownMs: number;
  private readonly sources: string[];
  private readonly scaled: PolicyContext['vertices'];
  private jobStartMs = 0;
  private restarting = false;
  private readonly current = new Map<string, number>();
  private samples: Sample[] = [];
  private pending = 0;
  private lastPending = NaN;
  private lastPendingMs = NaN;
  /** Delayed scale-downs per vertex: first trigger time and the recommendations since. */
  private readonly delayed = new Map<string, { first: number; recs: { tMs: number; p: number }[] }>();

  constructor(p: Record<string, ParamValue>, context: PolicyContext) {
    const n = (k: string) => numberParam(p, k);
    this.o = {
      utilizationTarget: n('utilization.target'),
      utilizationMax: n('utilization.max'),
      utilizationMin: n('utilization.min'),
      catchUpS: n('catch-up.duration'),
      restartS: n('restart.time'),
      scaleUpMaxFactor: n('scale-up.max-factor'),
      scaleDownMaxFactor: n('scale-down.max-factor'),
      vertexMin: n('vertex.min-parallelism'),
      vertexMax: n('vertex.max-parallelism'),
    };
    this.windowMs = n('metrics.window') * 1000;
    this.stabilizationMs = n('stabilization.interval') * 1000;
    this.scaleDownMs = n('scale-down.interval') * 1000;
    this.sources = context.vertices.filter((v) => v.isSource).map((v) => v.id);
    // Sources keep their parallelism: each reads its own partition of the external queue.
    this.scaled = context.vertices.filter((v) => !v.isSource);
    for (const v of context.vertices) this.current.set(v.id, v.parallelism);
  }

  /** One snapshot; `extraInRps` adds records/s a vertex did not process itself (routed to functions). */
  step(snap: MetricsSnapshot, extraInRps?: ReadonlyMap<string, number>): AutoscalerStep {
    if (snap.jobStatus === 'RESTARTING') {
      this.restarting = true;
      return { waiting: true, note: 'autoscaler: job restarting' };
    }
    if (this.parallelismChanged(snap) || this.restarting) this.restart(snap.tMs);
    if (snap.tMs - this.jobStartMs < this.stabilizationMs) return { waiting: true, note: 'autoscaler: stabilizing' };
    this.collect(snap, extraInRps);
    const first = this.samples[0];
    if (snap.tMs - first.tMs < this.windowMs) return { waiting: true, note: `autoscaler: collecting metrics (${this.samples.length} samples)` };
    return this.evaluate(snap.tMs);
  }

  private parallelismChanged(snap: MetricsSnapshot): boolean {
    let changed = false;
    for (const v of snap.vertices) {
      if (this.current.get(v.id) !== v.parallelism) changed = true;
      this.current.set(v.id, v.parallelism);
    }
    return changed;
  }

  /** A new job start: the stabilization interval starts again and the collected metrics are dropped. */
  private restart(tMs: number): void {
    this.restarting = false;
    this.jobStartMs = tMs;
    this.samples = [];
    this.lastPending = NaN;
    this.lastPendingMs = NaN;
    this.delayed.clear();
  }

  private collect(snap: MetricsSnapshot, extra?: ReadonlyMap<string, number>): void {
    let sourcesOut = 0;
    let pending = 0;
    for (const id of this.sources) {
      sourcesOut += readMetric(snap, id, 'numRecordsOutPerSecond', 'sum');
      pending += readMetric(snap, id, 'pendingRecords', 'sum');
    }
    const dt = (snap.tMs - this.lastPendingMs) / 1000;
    const growth = dt > 0 && Number.isFinite(this.lastPending) ? (pending - this.lastPending) / dt : 0;
    this.lastPending = pending;
    this.lastPendingMs = snap.tMs;
    this.pending = pending;
    const tpr = new Map<string, number>();
    const ratio = new Map<string, number>();
    for (const v of this.scaled) {
      const rin = readMetric(snap, v.id, 'numRecordsInPerSecond', 'sum');
      const busy = readMetric(snap, v.id, 'busyTimeMsPerSecond', 'max');
      tpr.set(v.id, busy > 0 ? (rin * 1000) / busy : NaN);
      ratio.set(v.id, sourcesOut > 0 ? (rin + (extra?.get(v.id) ?? 0)) / sourcesOut : NaN);
    }
    this.samples.push({ tMs: snap.tMs, tpr, ratio, sourceRate: sourcesOut + growth });
    while (this.samples.length > 1 && snap.tMs - this.samples[1].tMs >= this.windowMs) this.samples.shift();
  }

  /** The window's view of one vertex: averages of the samples (non-finite ones skipped, as the operator does). */
  private load(v: PolicyContext['vertices'][number]): VertexLoad {
    const avg = (pick: (s: Sample) => number) => {
      let sum = 0;
      let k = 0;
      for (const s of this.samples) {
        const x = pick(s);
        if (Number.isFinite(x)) {
          sum += x;
          k++;
        }
      }
      return k > 0 ? sum / k : NaN;
    };
    const ratioNow = this.samples[this.samples.length - 1].ratio.get(v.id)!;
    const catchUp = this.o.catchUpS > 0 ? (this.pending * ratioNow) / this.o.catchUpS : 0;
    return {
      parallelism: this.current.get(v.id) ?? v.parallelism,
      trueProcessingRate: avg((s) => s.tpr.get(v.id)!),
      // As the operator does: the sources' rate and each vertex's input ratio averaged on their own, then multiplied.
      targetDataRate: avg((s) => s.sourceRate) * avg((s) => s.ratio.get(v.id)!),
      catchUpDataRate: Number.isFinite(catchUp) ? catchUp : 0,
      maxParallelism: v.maxParallelism ?? 128,
      keyed: v.keyed ?? false,
    };
  }

  private evaluate(tMs: number): AutoscalerStep {
    const wanted: Record<string, number> = {};
    let changes = 0;
    let anyOutside = false;
    const notes: string[] = [];
    for (const v of this.scaled) {
      const load = this.load(v);
      if (!Number.isFinite(load.trueProcessingRate) || !Number.isFinite(load.targetDataRate)) continue;
      const { parallelism: computed } = computeParallelism(load, this.o);
      const p = this.delayScaleDown(v.id, load.parallelism, computed, tMs);
      notes.push(`${v.id} ${load.parallelism}->${p} (tpr=${Math.round(load.trueProcessingRate)} target=${Math.round(load.targetDataRate)})`);
      if (p !== load.parallelism) {
        changes++;
        if (outsideUtilizationBound(load, this.o)) anyOutside = true;
      }
      wanted[v.id] = p;
    }
    if (changes === 0 || !anyOutside) return { waiting: false, note: `autoscaler: no change; ${notes.join(', ')}` };
    return { waiting: false, parallelism: wanted, note: `autoscaler: rescale ${notes.join(', ')}` };
  }

  /** scale-down.interval: a scale-down waits this long after it was first recommended, then takes the max recommended. */
  private delayScaleDown(id: string, current: number, computed: number, tMs: number): number {
    if (computed >= current) {
      this.delayed.delete(id);
      return computed;
    }
    if (this.scaleDownMs <= 0) return computed;
    let d = this.delayed.get(id);
    if (!d) {
      d = { first: tMs, recs: [] };
      this.delayed.set(id, d);
    }
    d.recs.push({ tMs, p: computed });
    const windowStart = tMs - this.scaleDownMs;
    if (windowStart < d.first) return current;
    let best = 0;
    for (const r of d.recs) if (r.tMs >= windowStart && r.p > best) best = r.p;
    return best;
  }
}
