/**
 * Processor sharing on one host: measurements of executions that ran at the same time on a host whose vCPUs they
 * shared (the local endpoint's processes; models/local-endpoint.json) are slowed down by each other. A model of
 * that host (one instance, `cpu.vcpus_per_instance` = V, executions share it equally) needs the time each would
 * have taken alone: over an execution's interval, it progressed at min(1, V / n(t)) with n(t) executions in
 * flight, so its solo time is ∫ min(1, V / n(t)) dt. The same holds for a cold start's INIT (processes starting
 * together share the CPU), which the model runs as one fixed delay.
 *
 * Intervals come from the samples themselves: `t` is when the answer arrived (epoch ms), the execution ran for
 * `duration_ms` before it (the loopback round trip, ~1 ms, is neglected) and a cold start's INIT for `init_ms`
 * before that. Only the sampled executions are counted, so the samples must hold every execution of the period
 * (the job writes every answered batch up to 20,000; a probe runs one at a time, where the factor is 1).
 */
import type { PlatformModel } from '../serverless/model.js';
import type { ProbeSample } from './inputs.js';

/** The model is one shared host: executions share its vCPUs (several per instance, a single instance). */
export function sharedHostVcpus(model: PlatformModel): number | null {
  const cpu = model.cpu;
  if (!('vcpus_per_instance' in cpu)) return null;
  if (model.instance.max_concurrency <= 1 || model.concurrency.max_instances !== 1) return null;
  return cpu.vcpus_per_instance;
}

export interface SharingResult {
  samples: ProbeSample[];
  /** Mean solo/wall factor over the executions (1 = never shared). */
  meanFactor: number;
  /** The most executions in flight at once among the samples. */
  maxOverlap: number;
}

/** Each sample's duration (and INIT) scaled to what it would have taken alone on `vcpus`; client_ms loses the same time. */
export function normalizeSharing(samples: readonly ProbeSample[], vcpus: number): SharingResult {
  // Phases: [start, end) of each INIT and each execution; n(t) counts every phase in flight.
  type Phase = { s: number; e: number };
  const phases: { init: Phase | null; exec: Phase }[] = samples.map((p) => {
    const end = p.t;
    const execStart = end - p.duration_ms;
    const init = p.kind === 'cold' && p.init_ms != null && p.init_ms > 0 ? { s: execStart - p.init_ms, e: execStart } : null;
    return { init, exec: { s: execStart, e: end } };
  });
  const edges: [number, number][] = [];
  for (const ph of phases) {
    for (const x of [ph.init, ph.exec]) {
      if (x && x.e > x.s) {
        edges.push([x.s, 1], [x.e, -1]);
      }
    }
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  // Piecewise-constant n(t): breakpoints and the count after each.
  const ts: number[] = [];
  const ns: number[] = [];
  let n = 0;
  let maxOverlap = 0;
  for (const [t, d] of edges) {
    n += d;
    if (ts.length > 0 && ts[ts.length - 1] === t) ns[ns.length - 1] = n;
    else {
      ts.push(t);
      ns.push(n);
    }
    if (n > maxOverlap) maxOverlap = n;
  }
  const solo = (x: Phase): number => {
    if (!(x.e > x.s)) return 0;
    // first breakpoint <= x.s
    let lo = 0;
    let hi = ts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ts[mid] <= x.s) lo = mid;
      else hi = mid - 1;
    }
    let acc = 0;
    for (let i = lo; i < ts.length && ts[i] < x.e; i++) {
      const a = Math.max(x.s, ts[i]);
      const b = Math.min(x.e, i + 1 < ts.length ? ts[i + 1] : x.e);
      if (b > a) acc += (b - a) * Math.min(1, vcpus / Math.max(1, ns[i]));
    }
    return acc;
  };
  let sumF = 0;
  let nF = 0;
  const out = samples.map((p, i) => {
    const ph = phases[i];
    const dur = ph.exec.e > ph.exec.s ? solo(ph.exec) : p.duration_ms;
    const init = ph.init ? solo(ph.init) : p.init_ms;
    const wall = p.duration_ms + (ph.init ? p.init_ms! : 0);
    const soloAll = dur + (ph.init ? init! : 0);
    if (wall > 0) {
      sumF += soloAll / wall;
      nF++;
    }
    const r3 = (v: number) => Math.round(v * 1000) / 1000;
    return {
      ...p,
      duration_ms: r3(dur),
      init_ms: init === null ? null : r3(init),
      client_ms: r3(p.client_ms - (wall - soloAll)),
    };
  });
  return { samples: out, meanFactor: nF > 0 ? sumF / nF : 1, maxOverlap };
}
