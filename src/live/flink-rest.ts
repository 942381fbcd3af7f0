/**
 * A small client for Flink's REST API (the JobManager's web endpoint, default port 8081), enough for the live
 * harness: list jobs, read a job's vertices, read aggregated subtask metrics the way a controller does, upload and
 * run a jar on a remote cluster, and cancel a job.
 *
 * Response shapes (checked against Flink 2.3.0's MiniCluster REST and the REST API docs):
 * - GET  /jobs/overview → {"jobs":[{"jid","name","state","start-time","end-time","duration","tasks":{...}}]}
 * - GET  /jobs/<jid>    → {"jid","name","state","start-time","end-time","duration","vertices":[{"id","name",
 *                          "parallelism","maxParallelism","status",...}],...}
 * - GET  /jobs/<jid>/vertices/<vid>/subtasks/metrics            → [{"id":"name"}, ...]        (available names)
 * - GET  /jobs/<jid>/vertices/<vid>/subtasks/metrics?get=a,b    → [{"id","min","max","avg","sum","skew"}, ...]
 *        (numbers; NOTE: Flink answers [] for the whole request if any requested name is unknown)
 * - GET  /jobs/<jid>/vertices/<vid>/subtasks/<i>/metrics?get=a  → [{"id","value":"34.0"}]    (value is a string)
 * - POST /jars/upload (multipart, field "jarfile") → {"filename":"/tmp/.../<uuid>_<name>.jar","status":"success"};
 *        the jar id is the file name's last path segment
 * - POST /jars/<jarId>/run {"entryClass","programArgsList","parallelism",...} → {"jobid"}
 * - PATCH /jobs/<jid>?mode=cancel → 202 {}
 * Errors come as {"errors":["..."]} with a 4xx/5xx status.
 *
 * Metric names: task metrics are plain (busyTimeMsPerSecond, numRecordsInPerSecond, ...); operator metrics are
 * "<operator name>.<metric>" with the name sanitized (e.g. "Source: source" → "Source__source.pendingRecords");
 * in Flink 2.x the buffer pool gauges are "Shuffle.Netty.Input.Buffers.inPoolUsage" and
 * "Shuffle.Netty.Output.Buffers.outPoolUsage". {@link resolveMetricName} maps the design's short names onto these.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

export type MetricAggregation = 'min' | 'max' | 'avg' | 'sum' | 'skew';

export interface FlinkRestOptions {
  /** e.g. http://127.0.0.1:8081 (a trailing slash is fine). */
  baseUrl: string;
  /** Per-request timeout (default 10 s; uploads get 10 min). */
  timeoutMs?: number;
}

export interface JobOverview {
  jid: string;
  name: string;
  state: string;
  startTime: number;
  /** -1 while running. */
  endTime: number;
  durationMs: number;
  /** Task counts by state as Flink reports them (running, finished, ...). */
  tasks: Record<string, number>;
}

export interface VertexInfo {
  id: string;
  name: string;
  parallelism: number;
  maxParallelism?: number;
  status: string;
}

export interface JobDetails {
  jid: string;
  name: string;
  state: string;
  startTime: number;
  endTime: number;
  durationMs: number;
  vertices: VertexInfo[];
}

/** One aggregated metric over a vertex's subtasks. Aggregates not requested (or not numeric) are absent. */
export interface MetricAggregate {
  id: string;
  min?: number;
  max?: number;
  avg?: number;
  sum?: number;
  skew?: number;
}

export interface RunJarOptions {
  entryClass?: string;
  programArgs?: string[];
  parallelism?: number;
  savepointPath?: string;
  allowNonRestoredState?: boolean;
  /** Flink configuration overrides for the job (string values). */
  flinkConfiguration?: Record<string, string>;
}

export interface UploadedJar {
  jarId: string;
  filename: string;
}

export interface JarInfo {
  id: string;
  name: string;
  uploaded: number;
  entry: { name: string; description: string | null }[];
}

export class FlinkRestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly url: string,
    readonly errors: string[] = [],
  ) {
    super(message);
    this.name = 'FlinkRestError';
  }
}

/** Terminal job states (globally terminal or suspended). */
export const TERMINAL_JOB_STATES: ReadonlySet<string> = new Set(['FINISHED', 'FAILED', 'CANCELED', 'SUSPENDED']);

const AGGS: MetricAggregation[] = ['min', 'max', 'avg', 'sum', 'skew'];

function num(v: unknown, fallback = NaN): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) || v === 'NaN' || /Infinity/.test(v) ? n : fallback;
  }
  return fallback;
}

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback;
}

function obj(v: unknown, what: string, url: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new FlinkRestError(`${what}: expected a JSON object from ${url}`, 200, url);
  }
  return v as Record<string, unknown>;
}

function arr(v: unknown, what: string, url: string): unknown[] {
  if (!Array.isArray(v)) throw new FlinkRestError(`${what}: expected a JSON array from ${url}`, 200, url);
  return v;
}

/** First line of each Flink error (they carry whole Java stack traces). */
function firstLines(errors: string[]): string {
  return errors.map((e) => e.split('\n')[0]).join('; ');
}

export class FlinkRestClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(opts: FlinkRestOptions | string) {
    const o = typeof opts === 'string' ? { baseUrl: opts } : opts;
    this.baseUrl = o.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = o.timeoutMs ?? 10_000;
  }

  private async request(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<unknown> {
    const url = this.baseUrl + path;
    const init: RequestInit = { method, signal: AbortSignal.timeout(timeoutMs ?? this.timeoutMs), headers: {} };
    if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
    }
    let res: Response;
    try {
      res = await fetch(url, init);
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw new FlinkRestError(`${method} ${url}: cannot reach Flink REST (${cause})`, 0, url);
    }
    const text = await res.text();
    let json: unknown = undefined;
    if (text.length > 0) {
      try {
        json = JSON.parse(text);
      } catch {
        if (res.ok) throw new FlinkRestError(`${method} ${url}: response is not JSON`, res.status, url);
      }
    }
    if (!res.ok) {
      const errors = Array.isArray((json as { errors?: unknown })?.errors)
        ? ((json as { errors: unknown[] }).errors.map(String))
        : [];
      const detail = errors.length > 0 ? firstLines(errors) : text.slice(0, 200);
      throw new FlinkRestError(`${method} ${url}: HTTP ${res.status}${detail ? `: ${detail}` : ''}`, res.status, url, errors);
    }
    return json;
  }

  /** True when the REST endpoint answers /config. */
  async isUp(): Promise<boolean> {
    try {
      await this.request('GET', '/config', undefined, Math.min(this.timeoutMs, 2000));
      return true;
    } catch {
      return false;
    }
  }

  /** GET /config: the cluster's Flink version and features. */
  async config(): Promise<{ flinkVersion: string; flinkRevision: string; refreshIntervalMs: number; features: Record<string, boolean> }> {
    const url = '/config';
    const o = obj(await this.request('GET', url), 'config', url);
    return {
      flinkVersion: str(o['flink-version']),
      flinkRevision: str(o['flink-revision']),
      refreshIntervalMs: num(o['refresh-interval']),
      features: (o['features'] && typeof o['features'] === 'object' ? o['features'] : {}) as Record<string, boolean>,
    };
  }

  /** GET /taskmanagers: how many TaskManagers the cluster has (which channels of a job are local depends on it). */
  async taskManagerCount(): Promise<number> {
    const url = '/taskmanagers';
    const o = obj(await this.request('GET', url), 'taskmanagers', url);
    return arr(o['taskmanagers'], 'taskmanagers', url).length;
  }

  /** GET /jobs/overview */
  async jobsOverview(): Promise<JobOverview[]> {
    const url = '/jobs/overview';
    const o = obj(await this.request('GET', url), 'jobs overview', url);
    return arr(o['jobs'], 'jobs overview', url).map((j) => {
      const r = obj(j, 'job', url);
      const tasks: Record<string, number> = {};
      if (r['tasks'] && typeof r['tasks'] === 'object') {
        for (const [k, v] of Object.entries(r['tasks'] as Record<string, unknown>)) tasks[k] = num(v, 0);
      }
      return {
        jid: str(r['jid']),
        name: str(r['name']),
        state: str(r['state']),
        startTime: num(r['start-time'], -1),
        endTime: num(r['end-time'], -1),
        durationMs: num(r['duration'], 0),
        tasks,
      };
    });
  }

  /** GET /jobs/<jid>: state and vertices (id, name, parallelism). */
  async job(jid: string): Promise<JobDetails> {
    const url = `/jobs/${encodeURIComponent(jid)}`;
    const r = obj(await this.request('GET', url), 'job', url);
    const vertices = arr(r['vertices'] ?? [], 'job vertices', url).map((v) => {
      const o = obj(v, 'vertex', url);
      const vi: VertexInfo = { id: str(o['id']), name: str(o['name']), parallelism: num(o['parallelism'], 0), status: str(o['status']) };
      if (o['maxParallelism'] !== undefined) vi.maxParallelism = num(o['maxParallelism']);
      return vi;
    });
    return {
      jid: str(r['jid']),
      name: str(r['name']),
      state: str(r['state']),
      startTime: num(r['start-time'], -1),
      endTime: num(r['end-time'], -1),
      durationMs: num(r['duration'], 0),
      vertices,
    };
  }

  /** Names of the metrics a vertex's subtasks expose (GET .../subtasks/metrics without get). */
  async vertexMetricNames(jid: string, vid: string): Promise<string[]> {
    const url = `/jobs/${encodeURIComponent(jid)}/vertices/${encodeURIComponent(vid)}/subtasks/metrics`;
    return arr(await this.request('GET', url), 'metric names', url)
      .map((m) => str((m as { id?: unknown })?.id))
      .filter((s) => s.length > 0)
      .sort();
  }

  /**
   * Aggregated metrics over a vertex's subtasks (min/max/avg/sum/skew as numbers), keyed by metric name.
   * Names the vertex does not have are left out of the map (Flink answers [] for the whole request when any name
   * is unknown; this falls back to asking name by name so the known ones still come back).
   */
  async vertexMetrics(
    jid: string,
    vid: string,
    names: readonly string[],
    aggs?: readonly MetricAggregation[],
  ): Promise<Map<string, MetricAggregate>> {
    const out = new Map<string, MetricAggregate>();
    names = names.filter((n) => typeof n === 'string' && n.length > 0);
    // an empty get= would return every metric of the vertex
    if (names.length === 0) return out;
    const list = await this.fetchAggregates(jid, vid, names, aggs);
    for (const m of list) out.set(m.id, m);
    if (out.size === 0 && names.length > 1) {
      const each = await Promise.all(names.map((n) => this.fetchAggregates(jid, vid, [n], aggs)));
      for (const l of each) for (const m of l) out.set(m.id, m);
    }
    return out;
  }

  private async fetchAggregates(
    jid: string,
    vid: string,
    names: readonly string[],
    aggs?: readonly MetricAggregation[],
  ): Promise<MetricAggregate[]> {
    const q = new URLSearchParams({ get: names.join(',') });
    if (aggs && aggs.length > 0) q.set('agg', aggs.join(','));
    const url = `/jobs/${encodeURIComponent(jid)}/vertices/${encodeURIComponent(vid)}/subtasks/metrics?${q.toString().replace(/%2C/g, ',')}`;
    return arr(await this.request('GET', url), 'vertex metrics', url).map((m) => {
      const o = obj(m, 'metric', url);
      const a: MetricAggregate = { id: str(o['id']) };
      for (const k of AGGS) {
        if (o[k] !== undefined) {
          const v = num(o[k]);
          if (!Number.isNaN(v) || o[k] === 'NaN') a[k] = v;
        }
      }
      return a;
    });
  }

  /** One subtask's metric values (Flink sends them as strings; converted to numbers, NaN if not numeric). */
  async subtaskMetrics(jid: string, vid: string, subtask: number, names: readonly string[]): Promise<Map<string, number>> {
    names = names.filter((n) => typeof n === 'string' && n.length > 0);
    const q = names.length > 0 ? `?get=${names.map(encodeURIComponent).join(',')}` : '';
    const url = `/jobs/${encodeURIComponent(jid)}/vertices/${encodeURIComponent(vid)}/subtasks/${subtask}/metrics${q}`;
    const out = new Map<string, number>();
    for (const m of arr(await this.request('GET', url), 'subtask metrics', url)) {
      const o = obj(m, 'metric', url);
      out.set(str(o['id']), num(o['value']));
    }
    return out;
  }

  /** POST /jars/upload (multipart field "jarfile"). */
  async uploadJar(jarPath: string): Promise<UploadedJar> {
    const bytes = await readFile(jarPath);
    const form = new FormData();
    form.append('jarfile', new Blob([bytes], { type: 'application/x-java-archive' }), basename(jarPath));
    const url = '/jars/upload';
    const o = obj(await this.request('POST', url, form, 600_000), 'jar upload', url);
    const filename = str(o['filename']);
    if (str(o['status']) !== 'success' || filename === '') {
      throw new FlinkRestError(`POST ${this.baseUrl}${url}: upload not successful (${JSON.stringify(o).slice(0, 200)})`, 200, url);
    }
    const jarId = filename.split(/[\\/]/).pop() as string;
    return { jarId, filename };
  }

  /** GET /jars */
  async listJars(): Promise<JarInfo[]> {
    const url = '/jars';
    const o = obj(await this.request('GET', url), 'jars', url);
    return arr(o['files'] ?? [], 'jars', url).map((f) => {
      const r = obj(f, 'jar', url);
      return {
        id: str(r['id']),
        name: str(r['name']),
        uploaded: num(r['uploaded'], 0),
        entry: Array.isArray(r['entry'])
          ? (r['entry'] as unknown[]).map((e) => ({
              name: str((e as { name?: unknown }).name),
              description: typeof (e as { description?: unknown }).description === 'string' ? (e as { description: string }).description : null,
            }))
          : [],
      };
    });
  }

  /** POST /jars/<jarId>/run → the submitted job's id. */
  async runJar(jarId: string, opts: RunJarOptions = {}): Promise<{ jobId: string }> {
    const body: Record<string, unknown> = {};
    if (opts.entryClass !== undefined) body.entryClass = opts.entryClass;
    if (opts.programArgs !== undefined) body.programArgsList = opts.programArgs;
    if (opts.parallelism !== undefined) body.parallelism = opts.parallelism;
    if (opts.savepointPath !== undefined) body.savepointPath = opts.savepointPath;
    if (opts.allowNonRestoredState !== undefined) body.allowNonRestoredState = opts.allowNonRestoredState;
    if (opts.flinkConfiguration !== undefined) body.flinkConfiguration = opts.flinkConfiguration;
    const url = `/jars/${encodeURIComponent(jarId)}/run`;
    const o = obj(await this.request('POST', url, body, 300_000), 'jar run', url);
    const jobId = str(o['jobid']);
    if (!jobId) throw new FlinkRestError(`POST ${this.baseUrl}${url}: no jobid in response`, 200, url);
    return { jobId };
  }

  /** DELETE /jars/<jarId> */
  async deleteJar(jarId: string): Promise<void> {
    await this.request('DELETE', `/jars/${encodeURIComponent(jarId)}`);
  }

  /** PATCH /jobs/<jid>?mode=cancel (202 Accepted). */
  async cancelJob(jid: string): Promise<void> {
    await this.request('PATCH', `/jobs/${encodeURIComponent(jid)}?mode=cancel`);
  }
}

/** Short names used by the design / policy module, and where Flink 2.x actually puts them. */
const METRIC_ALIASES: Record<string, string[]> = {
  'buffers.inPoolUsage': ['Shuffle.Netty.Input.Buffers.inPoolUsage'],
  'buffers.outPoolUsage': ['Shuffle.Netty.Output.Buffers.outPoolUsage'],
  'buffers.inputQueueLength': ['Shuffle.Netty.Input.Buffers.inputQueueLength'],
  'buffers.outputQueueLength': ['Shuffle.Netty.Output.Buffers.outputQueueLength'],
};

/**
 * Finds the REST metric name for a wanted name among a vertex's available names: exact match; then the Flink 2.x
 * location of a design alias (buffers.* → Shuffle.Netty.*.Buffers.*); then an operator-scoped metric ending in
 * ".<wanted>" (e.g. pendingRecords → "Source__source.pendingRecords"; offloadInvocations →
 * "offload-invoke.offloadInvocations"). When several operators match, the first in sorted order wins.
 */
export function resolveMetricName(available: readonly string[], wanted: string): string | undefined {
  if (available.includes(wanted)) return wanted;
  for (const alt of METRIC_ALIASES[wanted] ?? []) if (available.includes(alt)) return alt;
  const suffix = `.${wanted}`;
  const hits = available.filter((n) => n.endsWith(suffix)).sort();
  return hits[0];
}

/** The vertex whose name equals `name`, or contains it as a chained operator ("a -> name -> b"), or undefined. */
export function findVertex(job: JobDetails, name: string): VertexInfo | undefined {
  const exact = job.vertices.find((v) => v.name === name || v.name === `Source: ${name}`);
  if (exact) return exact;
  return job.vertices.find((v) => v.name.split(' -> ').some((part) => part === name || part === `Source: ${name}`));
}
