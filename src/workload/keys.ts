/**
 * The key model for rate traces and Flink's hash partitioning of keys onto downstream subtasks.
 *
 * Keys are the integers 0..K−1, key k being the k+1-th most popular; a key stands for a Java `Integer` key,
 * whose `hashCode()` is its value, so the integer itself is the hash Flink starts from. Flink routes a key
 * (KeyGroupRangeAssignment):
 *   keyGroup = MathUtils.murmurHash(key.hashCode()) % maxParallelism
 *   subtask  = keyGroup × parallelism / maxParallelism        (integer division)
 */

/** Zipf(s) over K keys: p_k ∝ 1/(k+1)^s, k = 0..K−1 (s = 0 is uniform). */
export function zipfProbabilities(count: number, s = 0): Float64Array {
  if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`key count must be a positive integer, got ${count}`);
  if (!(s >= 0 && Number.isFinite(s))) throw new RangeError(`zipf exponent must be ≥ 0, got ${s}`);
  const p = new Float64Array(count);
  let sum = 0;
  for (let k = 0; k < count; k++) {
    p[k] = s === 0 ? 1 : Math.pow(k + 1, -s);
    sum += p[k];
  }
  for (let k = 0; k < count; k++) p[k] /= sum;
  return p;
}

/**
 * Flink's MathUtils.murmurHash(int): MurmurHash3 (x86, 32-bit, seed 0) of the 4-byte int, made non-negative
 * (−h, or 0 for Integer.MIN_VALUE). Int32 arithmetic through Math.imul and `| 0`.
 */
export function murmurHash(code: number): number {
  let h = code | 0;
  h = Math.imul(h, 0xcc9e2d51);
  h = (h << 15) | (h >>> 17);
  h = Math.imul(h, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  h ^= 4;
  // bitMix: Murmur3's 32-bit finaliser
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  if (h >= 0) return h;
  return h === -2147483648 ? 0 : -h;
}

function checkParallelism(parallelism: number, maxParallelism: number): void {
  if (!(Number.isInteger(maxParallelism) && maxParallelism >= 1 && maxParallelism <= 32768)) {
    throw new RangeError(`maxParallelism must be an integer in 1..32768, got ${maxParallelism}`);
  }
  if (!(Number.isInteger(parallelism) && parallelism >= 1 && parallelism <= maxParallelism)) {
    throw new RangeError(`parallelism must be an integer in 1..maxParallelism (${maxParallelism}), got ${parallelism}`);
  }
}

/** Key group of an integer key (KeyGroupRangeAssignment.assignToKeyGroup). */
export function keyGroupForKey(keyId: number, maxParallelism = 128): number {
  return murmurHash(keyId) % maxParallelism;
}

/** Subtask owning a key group (KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup). */
export function operatorIndexForKeyGroup(maxParallelism: number, parallelism: number, keyGroup: number): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

/** Subtask index receiving an integer key (KeyGroupRangeAssignment.assignKeyToParallelOperator). */
export function subtaskForKey(keyId: number, parallelism: number, maxParallelism = 128): number {
  checkParallelism(parallelism, maxParallelism);
  return operatorIndexForKeyGroup(maxParallelism, parallelism, keyGroupForKey(keyId, maxParallelism));
}

/** Share of the records each downstream subtask receives when key k carries keyProbs[k] of them. */
export function hashWeights(keyProbs: Float64Array, parallelism: number, maxParallelism = 128): Float64Array {
  checkParallelism(parallelism, maxParallelism);
  const w = new Float64Array(parallelism);
  for (let k = 0; k < keyProbs.length; k++) {
    w[operatorIndexForKeyGroup(maxParallelism, parallelism, keyGroupForKey(k, maxParallelism))] += keyProbs[k];
  }
  return w;
}
