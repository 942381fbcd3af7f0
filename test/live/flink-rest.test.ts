import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FlinkRestClient, FlinkRestError, findVertex, resolveMetricName } from '../../src/live/flink-rest.js';
import { tempDir } from '../helpers/tmp.js';

// Shapes captured from a Flink 2.3.0 MiniCluster running flink-validate.
const JID = '1550af5070571216a5db54527269b2bb';
const V_SRC = 'e5a72f353fc1e6bbf3bd96a41384998c';
const V_TOK = 'e00c8cd4e13f04a988126a891c2b355f';
const OVERVIEW = {
  jobs: [
    {
      jid: JID, name: 'spillway-validate', jobType: 'STREAMING', schedulerType: 'Default', 'start-time': 1795212424711,
      'end-time': -1, duration: 5055, state: 'RUNNING', 'last-modification': 1795212427915,
      tasks: { running: 7, canceling: 0, canceled: 0, total: 7, created: 0, scheduled: 0, deploying: 0, reconciling: 0, finished: 0, initializing: 0, failed: 0 },
      'pending-operators': 0,
    },
  ],
};
const JOB = {
  jid: JID, 'application-id': JID, name: 'spillway-validate', isStoppable: false, state: 'RUNNING', 'job-type': 'STREAMING',
  'start-time': 1795212424711, 'end-time': -1, duration: 4985, maxParallelism: -1, now: 1795212317044,
  vertices: [
    { id: V_SRC, slotSharingGroupId: 'x', name: 'Source: source', maxParallelism: 128, parallelism: 1, status: 'RUNNING', 'start-time': 1, 'end-time': -1, duration: 5151, tasks: {}, metrics: {} },
    { id: '73e26231d62320aca0ca5ad4802ed636', name: 'Source: control', maxParallelism: 128, parallelism: 1, status: 'RUNNING' },
    { id: '01aeee0eb65ac0084c33313618eb475e', name: 'router', maxParallelism: 128, parallelism: 2, status: 'RUNNING' },
    { id: V_TOK, name: 'tokenizer', maxParallelism: 128, parallelism: 2, status: 'RUNNING' },
    { id: 'aa', name: 'offload-batcher -> offload-invoke', maxParallelism: 128, parallelism: 1, status: 'RUNNING' },
    { id: 'bb', name: 'sink: Writer', maxParallelism: 128, parallelism: 1, status: 'RUNNING' },
  ],
  'status-counts': {}, plan: {}, timestamps: {},
};
const TOK_METRICS: Record<string, Record<string, number>> = {
  busyTimeMsPerSecond: { min: 339.0, max: 358.0, avg: 348.5, sum: 697.0, skew: 2.72596843615495 },
  'Shuffle.Netty.Input.Buffers.inPoolUsage': { min: 0.0, max: 0.25, avg: 0.125, sum: 0.25, skew: 100.0 },
  numRecordsInPerSecond: { min: 216.11666666666667, max: 216.11666666666667, avg: 216.11666666666667, sum: 432.23333333333335, skew: 0.0 },
};

interface Seen { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }
let server: Server;
let base: string;
let seen: Seen[] = [];

function send(res: ServerResponse, status: number, body: unknown): void {
  const b = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': Buffer.byteLength(b) });
  res.end(b);
}

function handle(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
  const u = new URL(req.url ?? '/', 'http://x');
  const p = u.pathname;
  if (req.method === 'GET' && p === '/taskmanagers') return send(res, 200, { taskmanagers: [{ id: 'tm-1', slotsNumber: 4, freeSlots: 0 }, { id: 'tm-2', slotsNumber: 4, freeSlots: 4 }] });
  if (req.method === 'GET' && p === '/config') return send(res, 200, { 'refresh-interval': 3000, 'flink-version': '2.3.0', 'flink-revision': 'c0f8d1a', features: { 'web-submit': true } });
  if (req.method === 'GET' && p === '/jobs/overview') return send(res, 200, OVERVIEW);
  if (req.method === 'GET' && p === `/jobs/${JID}`) return send(res, 200, JOB);
  if (req.method === 'GET' && p === `/jobs/${V_SRC}`) return send(res, 404, { errors: ['Job could not be found.\n\tat org.apache...'] });
  if (req.method === 'GET' && p === `/jobs/${JID}/vertices/${V_TOK}/subtasks/metrics`) {
    const get = u.searchParams.get('get');
    if (get === null) return send(res, 200, Object.keys(TOK_METRICS).map((id) => ({ id })).concat([{ id: 'numRecordsIn' }]));
    const names = get.split(',');
    // Flink answers [] for the whole request if any name is unknown
    if (names.some((n) => !(n in TOK_METRICS))) return send(res, 200, []);
    const aggs = u.searchParams.get('agg')?.split(',');
    return send(res, 200, names.map((id) => {
      const all = TOK_METRICS[id]!;
      const o: Record<string, unknown> = { id };
      for (const [k, v] of Object.entries(all)) if (!aggs || aggs.includes(k)) o[k] = v;
      return o;
    }));
  }
  if (req.method === 'GET' && p === `/jobs/${JID}/vertices/${V_TOK}/subtasks/1/metrics`) {
    return send(res, 200, [{ id: 'busyTimeMsPerSecond', value: '258.0' }, { id: 'isBackPressured', value: 'false' }]);
  }
  if (req.method === 'POST' && p === '/jars/upload') {
    return send(res, 200, { filename: '/tmp/flink-web-26298886/flink-web-upload/82ea69b3-27c5-469d-992a-82be8c3d929d_flink-validate-0.1.0-cluster.jar', status: 'success' });
  }
  if (req.method === 'POST' && p === '/jars/82ea69b3-27c5-469d-992a-82be8c3d929d_flink-validate-0.1.0-cluster.jar/run') {
    return send(res, 200, { jobid: '869a9868d49c679e7355700e0857af85' });
  }
  if (req.method === 'GET' && p === '/jars') {
    return send(res, 200, { address: base, files: [{ id: 'j1_a.jar', name: 'a.jar', uploaded: 1617180292000, entry: [{ name: 'io.spillway.flink.Main', description: null }] }] });
  }
  if (req.method === 'PATCH' && p === `/jobs/${JID}` && u.searchParams.get('mode') === 'cancel') return send(res, 202, {});
  return send(res, 404, { errors: ['Not found: ' + p] });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handle(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

beforeEach(() => {
  seen = [];
});

describe('FlinkRestClient', () => {
  it('reads /config and reports the endpoint up', async () => {
    const c = new FlinkRestClient(base + '/');
    expect(await c.isUp()).toBe(true);
    const cfg = await c.config();
    expect(cfg.flinkVersion).toBe('2.3.0');
    expect(cfg.refreshIntervalMs).toBe(3000);
    expect(await new FlinkRestClient('http://127.0.0.1:1').isUp()).toBe(false);
  });

  it('counts the TaskManagers (/taskmanagers)', async () => {
    expect(await new FlinkRestClient(base).taskManagerCount()).toBe(2);
  });

  it('parses /jobs/overview', async () => {
    const jobs = await new FlinkRestClient(base).jobsOverview();
    expect(jobs).toEqual([
      {
        jid: JID, name: 'spillway-validate', state: 'RUNNING', startTime: 1795212424711, endTime: -1, durationMs: 5055,
        tasks: { running: 7, canceling: 0, canceled: 0, total: 7, created: 0, scheduled: 0, deploying: 0, reconciling: 0, finished: 0, initializing: 0, failed: 0 },
      },
    ]);
  });

  it('parses /jobs/<jid> vertices with id, name, parallelism', async () => {
    const j = await new FlinkRestClient(base).job(JID);
    expect(j.state).toBe('RUNNING');
    expect(j.vertices).toHaveLength(6);
    expect(j.vertices[0]).toEqual({ id: V_SRC, name: 'Source: source', parallelism: 1, maxParallelism: 128, status: 'RUNNING' });
    expect(j.vertices[3]).toMatchObject({ id: V_TOK, name: 'tokenizer', parallelism: 2 });
    expect(findVertex(j, 'source')?.id).toBe(V_SRC);
    expect(findVertex(j, 'tokenizer')?.id).toBe(V_TOK);
    expect(findVertex(j, 'offload-invoke')?.id).toBe('aa');
    expect(findVertex(j, 'nope')).toBeUndefined();
  });

  it('lists metric names of a vertex', async () => {
    const names = await new FlinkRestClient(base).vertexMetricNames(JID, V_TOK);
    expect(names).toEqual(['Shuffle.Netty.Input.Buffers.inPoolUsage', 'busyTimeMsPerSecond', 'numRecordsIn', 'numRecordsInPerSecond']);
  });

  it('reads aggregated subtask metrics as numbers', async () => {
    const m = await new FlinkRestClient(base).vertexMetrics(JID, V_TOK, ['busyTimeMsPerSecond', 'numRecordsInPerSecond']);
    expect(m.get('busyTimeMsPerSecond')).toEqual({ id: 'busyTimeMsPerSecond', min: 339, max: 358, avg: 348.5, sum: 697, skew: 2.72596843615495 });
    expect(m.get('numRecordsInPerSecond')?.sum).toBeCloseTo(432.2333333, 6);
    expect(seen[0]!.url).toBe(`/jobs/${JID}/vertices/${V_TOK}/subtasks/metrics?get=busyTimeMsPerSecond,numRecordsInPerSecond`);
  });

  it('passes agg= and keeps only the requested aggregates', async () => {
    const m = await new FlinkRestClient(base).vertexMetrics(JID, V_TOK, ['busyTimeMsPerSecond'], ['max', 'avg']);
    expect(m.get('busyTimeMsPerSecond')).toEqual({ id: 'busyTimeMsPerSecond', max: 358, avg: 348.5 });
    expect(seen[0]!.url).toContain('agg=max,avg');
  });

  it('still returns the known metrics when one requested name is unknown', async () => {
    const m = await new FlinkRestClient(base).vertexMetrics(JID, V_TOK, ['busyTimeMsPerSecond', 'buffers.inPoolUsage', 'Shuffle.Netty.Input.Buffers.inPoolUsage']);
    expect([...m.keys()].sort()).toEqual(['Shuffle.Netty.Input.Buffers.inPoolUsage', 'busyTimeMsPerSecond']);
    expect(m.get('Shuffle.Netty.Input.Buffers.inPoolUsage')?.max).toBe(0.25);
    expect(m.has('buffers.inPoolUsage')).toBe(false);
  });

  it('reads one subtask\'s metrics (string values → numbers)', async () => {
    const m = await new FlinkRestClient(base).subtaskMetrics(JID, V_TOK, 1, ['busyTimeMsPerSecond', 'isBackPressured']);
    expect(m.get('busyTimeMsPerSecond')).toBe(258);
    expect(Number.isNaN(m.get('isBackPressured'))).toBe(true);
  });

  it('uploads a jar as multipart field "jarfile" and runs it', async () => {
    const dir = tempDir('flink-rest-');
    const jar = join(dir, 'flink-validate-0.1.0-cluster.jar');
    await writeFile(jar, Buffer.from('PK\u0003\u0004fake-jar-bytes'));
    const c = new FlinkRestClient(base);
    const up = await c.uploadJar(jar);
    expect(up.jarId).toBe('82ea69b3-27c5-469d-992a-82be8c3d929d_flink-validate-0.1.0-cluster.jar');
    const upReq = seen[0]!;
    expect(upReq.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const body = upReq.body.toString('latin1');
    expect(body).toContain('name="jarfile"; filename="flink-validate-0.1.0-cluster.jar"');
    expect(body).toContain('Content-Type: application/x-java-archive');
    expect(body).toContain('fake-jar-bytes');

    const run = await c.runJar(up.jarId, { entryClass: 'io.spillway.flink.Main', programArgs: ['--config-b64', 'e30=', '--mode', 'cluster'], parallelism: 2 });
    expect(run.jobId).toBe('869a9868d49c679e7355700e0857af85');
    const runReq = seen[1]!;
    expect(runReq.method).toBe('POST');
    expect(runReq.headers['content-type']).toBe('application/json');
    expect(JSON.parse(runReq.body.toString())).toEqual({ entryClass: 'io.spillway.flink.Main', programArgsList: ['--config-b64', 'e30=', '--mode', 'cluster'], parallelism: 2 });
  });

  it('lists jars', async () => {
    const jars = await new FlinkRestClient(base).listJars();
    expect(jars).toEqual([{ id: 'j1_a.jar', name: 'a.jar', uploaded: 1617180292000, entry: [{ name: 'io.spillway.flink.Main', description: null }] }]);
  });

  it('cancels with PATCH /jobs/<jid>?mode=cancel', async () => {
    await new FlinkRestClient(base).cancelJob(JID);
    expect(seen[0]).toMatchObject({ method: 'PATCH', url: `/jobs/${JID}?mode=cancel` });
  });

  it('turns {"errors":[...]} into a FlinkRestError with the first line only', async () => {
    const err = await new FlinkRestClient(base).job(V_SRC).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlinkRestError);
    const e = err as FlinkRestError;
    expect(e.status).toBe(404);
    expect(e.errors).toHaveLength(1);
    expect(e.message).toContain('HTTP 404: Job could not be found.');
    expect(e.message).not.toContain('org.apache');
  });

  it('reports an unreachable endpoint as status 0', async () => {
    const err = (await new FlinkRestClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 2000 }).jobsOverview().catch((e: unknown) => e)) as FlinkRestError;
    expect(err).toBeInstanceOf(FlinkRestError);
    expect(err.status).toBe(0);
    expect(err.message).toContain('cannot reach Flink REST');
  });
});

describe('resolveMetricName', () => {
  const names = [
    'Source__source.pendingRecords', 'busyTimeMsPerSecond', 'Shuffle.Netty.Input.Buffers.inPoolUsage',
    'Shuffle.Netty.Output.Buffers.outPoolUsage', 'offload-invoke.offloadInvocations', 'router.offloadShare',
  ];
  it('maps design names onto Flink 2.x REST names', () => {
    expect(resolveMetricName(names, 'busyTimeMsPerSecond')).toBe('busyTimeMsPerSecond');
    expect(resolveMetricName(names, 'pendingRecords')).toBe('Source__source.pendingRecords');
    expect(resolveMetricName(names, 'buffers.inPoolUsage')).toBe('Shuffle.Netty.Input.Buffers.inPoolUsage');
    expect(resolveMetricName(names, 'buffers.outPoolUsage')).toBe('Shuffle.Netty.Output.Buffers.outPoolUsage');
    expect(resolveMetricName(names, 'offloadInvocations')).toBe('offload-invoke.offloadInvocations');
    expect(resolveMetricName(names, 'idleTimeMsPerSecond')).toBeUndefined();
  });
});
