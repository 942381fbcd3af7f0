/**
 * The key model of a run: which keys records carry and how hash partitioning spreads them. Keys follow a
 * Zipf law over `count` keys; a key goes to the subtask Flink would choose (murmur hash → key group →
 * subtask, see src/workload/keys.ts). Per-record simulation draws a key per record (alias method, O(1));
 * runs of mixed keys are spread by each subtask's total key probability.
 */
import type { Rng } from '../engine/random.js';
import { hashWeights, subtaskForKey, zipfProbabilities } from '../workload/keys.js';

export class KeyModel {
  readonly probs: Float64Array;
  private readonly alias: Int32Array;
  private readonly cut: Float64Array;
  private readonly weightCache = new Map<number, Float64Array>();
  private readonly assignCache = new Map<number, Int32Array>();

  constructor(count: number, zipfS: number) {
    this.probs = zipfProbabilities(count, zipfS);
    const n = this.probs.length;
    this.alias = new Int32Array(n);
    this.cut = new Float64Array(n);
    // Vose's alias method.
    const scaled = Float64Array.from(this.probs, (p) => p * n);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length && large.length) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.cut[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of [...small, ...large]) {
      this.cut[i] = 1;
      this.alias[i] = i;
    }
  }

  draw(rng: Rng): number {
    const n = this.probs.length;
    const u = rng() * n;
    const i = Math.floor(u);
    return u - i < this.cut[i] ? i : this.alias[i];
  }

  subtaskForKey(key: number, parallelism: number): number {
    let a = this.assignCache.get(parallelism);
    if (!a) {
      a = new Int32Array(this.probs.length);
      for (let k = 0; k < a.length; k++) a[k] = subtaskForKey(k, parallelism);
      this.assignCache.set(parallelism, a);
    }
    return a[key];
  }

  /** Share of records each of `parallelism` subtasks receives under hash partitioning. */
  weights(parallelism: number): Float64Array {
    let w = this.weightCache.get(parallelism);
    if (!w) {
      w = hashWeights(this.probs, parallelism);
      this.weightCache.set(parallelism, w);
    }
    return w;
  }

  /** Key probabilities conditional on landing on subtask `index` (zero for other subtasks' keys). */
  probsOnSubtask(index: number, parallelism: number): Float64Array {
    const q = new Float64Array(this.probs.length);
    const total = this.weights(parallelism)[index];
    if (total <= 0) return q;
    for (let k = 0; k < q.length; k++) if (this.subtaskForKey(k, parallelism) === index) q[k] = this.probs[k] / total;
    return q;
  }
}
