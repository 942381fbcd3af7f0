/**
 * The fields of a scenario file that name other files: the trace, each offload point's platform model and the
 * cluster model, all relative to the scenario's folder. Loading resolves them, and every copy of a scenario written
 * elsewhere (calibrate, a sweep's top runs, validate's simulated copy) rebases them; one list, so a new file field
 * cannot be missed by one of them.
 */
type Loose = Record<string, unknown>;

const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null;

/** A shallow copy of `scenario` whose file fields went through `map`; other fields, and the input, untouched. */
export function withScenarioPaths<T extends object>(scenario: T, map: (path: string) => string): T {
  const s: Loose = { ...(scenario as Loose) };
  if (isObject(s.workload) && typeof s.workload.trace === 'string') s.workload = { ...s.workload, trace: map(s.workload.trace) };
  if (Array.isArray(s.offload)) {
    s.offload = s.offload.map((o: unknown) => (isObject(o) && typeof o.platform === 'string' ? { ...o, platform: map(o.platform) } : o));
  }
  if (isObject(s.cluster) && typeof s.cluster.model === 'string') s.cluster = { ...s.cluster, model: map(s.cluster.model) };
  return s as T;
}
