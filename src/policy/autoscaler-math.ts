/**
 * The Flink Kubernetes Operator autoscaler's formulas, ported from its `flink-autoscaler` module
 * (apache/flink-kubernetes-operator main, 2025; AutoScalerUtils.getTargetProcessingCapacity and
 * JobVertexScaler.computeScaleTargetParallelism / scale). Pure functions so tests can check them by hand.
 */

export interface ScalerOptions {
  /** job.autoscaler.utilization.target */
  utilizationTarget: number;
  /** job.autoscaler.utilization.max (scale up only when the vertex cannot keep the load at this busy fraction) */
  utilizationMax: number;
  /** job.autoscaler.utilization.min (scale down only when it could keep the load below this busy fraction) */
  utilizationMin: number;
  /** job.autoscaler.catch-up.duration, s (0 disables backlog-based scaling) */
  catchUpS: number;
  /** job.autoscaler.restart.time, s */
  restartS: number;
  /** job.autoscaler.scale-up.max-factor */
  scaleUpMaxFactor: number;
  /** job.autoscaler.scale-down.max-factor */
  scaleDownMaxFactor: number;
  /** job.autoscaler.vertex.min-parallelism */
  vertexMin: number;
  /** job.autoscaler.vertex.max-parallelism */
  vertexMax: number;
}

/** What the autoscaler knows about one vertex after averaging its metrics window. */
export interface VertexLoad {
  parallelism: number;
  /** TRUE_PROCESSING_RATE averaged over the window: records/s the vertex could do at 100% busy. */
  trueProcessingRate: number;
  /** TARGET_DATA_RATE averaged over the window: records/s arriving at the vertex. */
  targetDataRate: number;
  /** CATCH_UP_DATA_RATE now: backlog for this vertex / catch-up duration, records/s. */
  catchUpDataRate: number;
  /** Max parallelism (key groups). */
  maxParallelism: number;
  /** Reads a hash-partitioned input: align the parallelism with the key groups. */
  keyed: boolean;
}

/**
 * Target = LAG/CATCH_UP + INPUT_RATE*RESTART/CATCH_UP + INPUT_RATE/TARGET_UTIL, rounded (getTargetProcessingCapacity).
 */
export function targetProcessingCapacity(load: VertexLoad, o: ScalerOptions, utilization: number, withRestart: boolean): number {
  const u = Math.min(1, Math.max(0, utilization));
  if (u === 0) return Infinity;
  const restartCatchUp = !withRestart || o.catchUpS === 0 ? 0 : (load.targetDataRate * o.restartS) / o.catchUpS;
  return Math.round(load.catchUpDataRate + restartCatchUp + load.targetDataRate / u);
}

/** Outside the utilization bounds: the vertex cannot keep up at utilization.max, or idles below utilization.min. */
export function outsideUtilizationBound(load: VertexLoad, o: ScalerOptions): boolean {
  const scaleUpThreshold = targetProcessingCapacity(load, o, o.utilizationMax, false);
  const scaleDownThreshold = targetProcessingCapacity(load, o, o.utilizationMin, false);
  return load.trueProcessingRate < scaleUpThreshold || load.trueProcessingRate > scaleDownThreshold;
}

/** The parallelism the autoscaler computes for a vertex (before the scale-down delay), with its scale factor. */
export function computeParallelism(load: VertexLoad, o: ScalerOptions): { parallelism: number; scaleFactor: number } {
  const target = targetProcessingCapacity(load, o, o.utilizationTarget, true);
  let factor = target / load.trueProcessingRate;
  factor = Math.min(1 + o.scaleUpMaxFactor, Math.max(1 - o.scaleDownMaxFactor, factor));
  const p = scale(
    load.parallelism,
    load.keyed,
    load.maxParallelism,
    factor,
    Math.min(load.parallelism, o.vertexMin),
    Math.max(load.parallelism, o.vertexMax),
  );
  return { parallelism: p, scaleFactor: factor };
}

/**
 * JobVertexScaler.scale in its default mode (EVENLY_SPREAD): ceil(factor × current), clamped to the bounds
 * and the max parallelism; a keyed vertex then moves to a divisor of the key-group count (upward search,
 * capped at the current parallelism when scaling down), else to the smallest parallelism that does not raise
 * the key groups per subtask, never inverting the direction.
 */
export function scale(current: number, keyed: boolean, maxParallelism: number, factor: number, lower: number, upper: number): number {
  let p = Math.min(Math.ceil(factor * current), 2 ** 31 - 1);
  const upperBound = Math.min(maxParallelism, upper);
  p = Math.min(Math.max(lower, p), upperBound);
  if (!keyed || p === current) return p;
  const groups = maxParallelism;
  const alignUpper = Math.min(groups, upperBound);
  const up = p > current;
  const phase1Upper = up ? alignUpper : Math.min(current, alignUpper);
  for (let q = p; q <= phase1Upper; q++) if (groups % q === 0) return q;
  let q = p;
  for (; q > 0; q--) {
    if (Math.floor(groups / q) > Math.floor(groups / p)) {
      if (groups % q !== 0) q++;
      break;
    }
  }
  q = Math.max(q, lower);
  if ((up && q <= current) || (!up && q >= current)) return current;
  return q;
}
