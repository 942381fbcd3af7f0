/**
 * A MetricsSource reading Flink's REST API: the job's vertices, then per vertex the aggregated subtask metrics the
 * controller wants, under their real names (resolveMetricName maps the short names: `pendingRecords` →
 * `Source__source.pendingRecords`, `buffers.inPoolUsage` → `Shuffle.Netty.Input.Buffers.inPoolUsage`,
 * `offloadInvocations` → `offload-invoke.offloadInvocations`, ...).
 */
import { FlinkRestClient, resolveMetricName, type VertexInfo } from '../flink-rest.js';
import type { EndpointReading, LiveReading, MetricsSource, VertexReading } from './controller.js';

export interface RestMetricsSourceOptions {
  client: FlinkRestClient;
  jobId: string;
  /** Per REST operator name: the short metric names to read (controller.wantedMetrics). */
  wanted: { operator: string; names: string[] }[];
  /** Counters of the local Invoke-API endpoint, when there is one. */
  endpoint?: () => EndpointReading | null;
  now?: () => number;
}

interface VertexPlan {
  vertex: VertexInfo;
  wanted: string[];
  /** short name → REST id, for the names found so far */
  resolved: Map<string, string>;
}

export class RestMetricsSource implements MetricsSource {
  private plans: VertexPlan[] | null = null;

  constructor(private readonly o: RestMetricsSourceOptions) {}

  private async plan(): Promise<VertexPlan[]> {
    if (this.plans) return this.plans;
    const job = await this.o.client.job(this.o.jobId);
    const plans: VertexPlan[] = [];
    for (const v of job.vertices) {
      const names = new Set<string>();
      for (const w of this.o.wanted) {
        if (v.name === w.operator || v.name.split(' -> ').includes(w.operator)) for (const n of w.names) names.add(n);
      }
      if (names.size > 0) plans.push({ vertex: v, wanted: [...names], resolved: new Map() });
    }
    this.plans = plans;
    return plans;
  }

  /** Resolves the short names not found yet (operator metrics appear once the operator has opened). */
  private async resolve(p: VertexPlan): Promise<void> {
    if (p.resolved.size === p.wanted.length) return;
    const available = await this.o.client.vertexMetricNames(this.o.jobId, p.vertex.id);
    for (const n of p.wanted) {
      if (p.resolved.has(n)) continue;
      const id = resolveMetricName(available, n);
      if (id) p.resolved.set(n, id);
    }
  }

  async read(): Promise<LiveReading> {
    const plans = await this.plan();
    const epochMs = (this.o.now ?? Date.now)();
    const vertices = await Promise.all(
      plans.map(async (p): Promise<VertexReading | null> => {
        try {
          await this.resolve(p);
          const ids = [...p.resolved.values()];
          const got = await this.o.client.vertexMetrics(this.o.jobId, p.vertex.id, ids);
          const metrics: VertexReading['metrics'] = {};
          for (const [short, id] of p.resolved) {
            const a = got.get(id);
            if (a) metrics[short] = { min: a.min, max: a.max, avg: a.avg, sum: a.sum };
          }
          return { name: p.vertex.name, parallelism: p.vertex.parallelism, metrics };
        } catch {
          return null; // the job may just have ended; a missing vertex reads as unknown
        }
      }),
    );
    return { epochMs, vertices: vertices.filter((v): v is VertexReading => v !== null), endpoint: this.o.endpoint?.() ?? null };
  }
}
