/**
 * The live job does not rescale (no stop-with-savepoint and restart in the validate harness): a policy's per-vertex
 * parallelism requests are ignored there, and the run says so, counted: one log line, a field in comparison.json and
 * a note in the report (issue 15: "the live harness may ignore what it cannot do and says so").
 */
export interface IgnoredParallelism {
  /** Decisions that asked a vertex for a parallelism other than the one it runs at. */
  requests: number;
  /** Those vertices, sorted, each once. */
  vertices: string[];
}

export class ParallelismRequests {
  private requests = 0;
  private readonly vertices = new Set<string>();

  /** `running`: the job's parallelism per vertex id, which stays what it was. */
  constructor(private readonly running: ReadonlyMap<string, number>) {}

  /** One decision's request: counted when it asks any vertex for another parallelism than it runs at. */
  ignore(parallelism: Record<string, number>): void {
    const changed = Object.keys(parallelism).filter((id) => parallelism[id] !== this.running.get(id));
    if (changed.length === 0) return;
    this.requests++;
    for (const id of changed) this.vertices.add(id);
  }

  summary(): IgnoredParallelism {
    return { requests: this.requests, vertices: [...this.vertices].sort() };
  }
}

/** The run's one line about them (logged, and a note in the report when any were ignored). */
export function ignoredParallelismLine(s: IgnoredParallelism): string {
  if (s.requests === 0) return 'validate: parallelism requests ignored by the live job: 0';
  const which = s.vertices.join(', ');
  return `validate: parallelism requests ignored by the live job: ${s.requests} (vertices ${which}; it does not rescale: no stop-with-savepoint and restart)`;
}
